"""Validation at the edge: turn raw JSON into a :class:`~engine.models.Case` or a contract error list.

A case is validated as written first: a case in canonical form (codes, ISO dates, plain decimals) costs
one validation. Only when that fails is it normalised (:func:`engine.normalise.normalise_case`: labels
and synonyms to codes, full-width digits, ``2024年3月15日`` ...) and validated again; the errors of that
second pass are the answer, each worded by :mod:`engine.problems`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from engine.errors import CaseError
from engine.identifiers import ID_PATTERN, NAME_PATTERN, TEXT_PATTERN
from engine.models import Case
from engine.normalise import normalise_case
from engine.problems import entry
from rules import load_rulebook
from rules.messages import Lang

_CHARACTER_PATTERNS = frozenset({TEXT_PATTERN, NAME_PATTERN, ID_PATTERN})
# pydantic's names for bounds, as the messages name them.
_BOUND_NAMES = {"ge": "low", "gt": "low", "le": "high", "lt": "high"}
# The ctx values an entry keeps (as the messages' blanks); the rest (patterns, exceptions) stay inside.
_KEPT = frozenset(
    {"min_length", "max_length", "low", "high", "limit", "id", "key", "first", "year", "reason"}
)


def _ctx(kind: str, loc: Sequence[str | int], raw: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    ctx: dict[str, Any] = {}
    for key, value in raw.items():
        name = _BOUND_NAMES.get(key, key)
        if name in _KEPT and isinstance(value, (str, int)) and not isinstance(value, bool):
            ctx[name] = value
        elif name in _KEPT and value is not None:
            ctx[name] = str(value)
    if kind == "string_pattern_mismatch" and raw.get("pattern") in _CHARACTER_PATTERNS:
        return "control_character", {}
    if kind == "literal_error":
        found = load_rulebook().vocabulary.field(loc)
        if found is not None and found.codes is not None:
            ctx["list"] = found.codes
        else:
            ctx["expected"], ctx["reason"] = str(raw.get("expected", "")), "plain"
    return kind, ctx


def contract_error(
    err: Mapping[str, Any], prefix: Sequence[str | int] = (), lang: Lang = "zh", place: Sequence[str] = ()
) -> dict[str, Any]:
    """One pydantic error as the contract's ``{loc, msg, type}``; ``prefix`` is stripped (``body``).

    Cross-field errors raised by a model validator carry the exact place in their context
    (``loc_tail``), so an expert score for someone not on the panel is named at that score. ``place``:
    where the validated input sits in a case (a registry's expert is a ``panel.members`` item), so its
    fields have their labels and code lists.
    """
    loc = [p for p in err.get("loc", ()) if not (isinstance(p, str) and p.startswith("function-"))]
    if prefix and loc[: len(prefix)] == list(prefix):
        loc = loc[len(prefix) :]
    raw = err.get("ctx") or {}
    tail = raw.get("loc_tail")
    if isinstance(tail, (list, tuple)):
        loc = [*loc, *tail]
    kind, ctx = _ctx(str(err.get("type", "value_error")), [*place, *loc], raw)
    return entry(loc, kind, lang, place=place, **ctx)


def errors_from_validation(
    exc: ValidationError, lang: Lang = "zh", place: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """The contract's error list: one entry per bad field, ``loc`` without any transport prefix."""
    errors = exc.errors(include_url=False, include_input=False)
    return [contract_error(err, lang=lang, place=place) for err in errors]


def case_id_of(data: Any) -> str | None:
    """The ``case_id`` of a raw case if it has a usable one, for error reports."""
    if isinstance(data, dict):
        value = data.get("case_id")
        if isinstance(value, str) and 0 < len(value) <= 64:
            return value.strip() or None
    return None


def parse_case(data: Any) -> Case:
    """Validate a raw case (a dict from JSON) or raise :class:`CaseError` naming every bad field.

    The case as written is tried first; only if it fails is its normal form validated (the same
    answer for a canonical case, at the cost of one validation).
    """
    if not isinstance(data, dict):
        raise CaseError([entry([], "model_type", reason="case")], None)
    try:
        return Case.model_validate(data)
    except ValidationError:
        normal = normalise_case(data)
    try:
        return Case.model_validate(normal)
    except ValidationError as exc:
        raise CaseError(errors_from_validation(exc), case_id_of(normal)) from None
