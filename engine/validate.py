"""Validation at the edge: turn raw JSON into a :class:`~engine.models.Case` or a contract error list."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from engine.errors import CaseError
from engine.models import Case

CONTROL_MESSAGE = "must not contain control characters (other than tab and line breaks)"


def errors_from_validation(exc: ValidationError) -> list[dict[str, Any]]:
    """The contract's error list: one entry per bad field, ``loc`` without any transport prefix."""
    out: list[dict[str, Any]] = []
    for err in exc.errors(include_url=False, include_context=False, include_input=False):
        loc = [part for part in err["loc"] if not (isinstance(part, str) and part.startswith("function-"))]
        msg, kind = err["msg"].removeprefix("Value error, "), err["type"]
        if kind == "string_pattern_mismatch":  # the only string pattern is the control-character one
            msg, kind = CONTROL_MESSAGE, "control_character"
        out.append({"loc": loc, "msg": msg, "type": kind})
    return out


def case_id_of(data: Any) -> str | None:
    """The ``case_id`` of a raw case if it has a usable one, for error reports."""
    if isinstance(data, dict):
        value = data.get("case_id")
        if isinstance(value, str) and 0 < len(value) <= 64:
            return value
    return None


def parse_case(data: Any) -> Case:
    """Validate a raw case (a dict from JSON) or raise :class:`CaseError` naming every bad field."""
    if not isinstance(data, dict):
        raise CaseError([{"loc": [], "msg": "a case must be a JSON object", "type": "model_type"}], None)
    try:
        return Case.model_validate(data)
    except ValidationError as exc:
        raise CaseError(errors_from_validation(exc), case_id_of(data)) from None
