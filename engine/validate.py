"""Validation at the edge: turn raw JSON into a :class:`~engine.models.Case` or a contract error list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from engine._types import NO_CONTROL_PATTERN
from engine.errors import CaseError
from engine.models import Case

CONTROL_MESSAGE = "must not contain control characters (other than tab and line breaks)"


def contract_error(err: Mapping[str, Any], prefix: Sequence[str | int] = ()) -> dict[str, Any]:
    """One pydantic error as the contract's ``{loc, msg, type}``; ``prefix`` is stripped (``body``).

    Cross-field errors raised by a model validator carry the exact place in their context
    (``loc_tail``), so an expert score for someone not on the panel is named at that score.
    """
    loc = [p for p in err.get("loc", ()) if not (isinstance(p, str) and p.startswith("function-"))]
    if prefix and loc[: len(prefix)] == list(prefix):
        loc = loc[len(prefix) :]
    msg, kind = (
        str(err.get("msg", "invalid")).removeprefix("Value error, "),
        str(err.get("type", "value_error")),
    )
    if kind == "string_pattern_mismatch" and (err.get("ctx") or {}).get("pattern") == NO_CONTROL_PATTERN:
        msg, kind = CONTROL_MESSAGE, "control_character"
    tail = (err.get("ctx") or {}).get("loc_tail")
    if isinstance(tail, (list, tuple)):
        loc = [*loc, *tail]
    return {"loc": loc, "msg": msg, "type": kind}


def errors_from_validation(exc: ValidationError) -> list[dict[str, Any]]:
    """The contract's error list: one entry per bad field, ``loc`` without any transport prefix."""
    return [contract_error(err) for err in exc.errors(include_url=False, include_input=False)]


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
