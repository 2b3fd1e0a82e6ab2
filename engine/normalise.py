"""A raw case in normal form: what a person typed, written the way the contract stores it.

Only where the meaning is certain, and only in number, date, code and id fields (names are kept exactly
as written: ELG-05 compares them):

* numbers: full-width digits and points (``８８．５``), spaces around the value, a leading ``+``, and
  negative zero (``-0`` is ``0``); money also loses its thousands separators (``80,000.00``);
* dates: ``2024/03/15``, ``2024.3.15`` and ``2024年3月15日`` (year first, so never ambiguous) become
  ``2024-03-15``;
* codes: a code's label or synonym in ``rules/vocabulary.yaml`` (``会计师事务所``) becomes the code;
* ids (case id, credit code, member ids and the ids that key expert scores): spaces around, full-width
  letters and digits; a credit code is also upper-cased.

Everything else is left as it is, for validation to name: ``90分`` and ``3/4/2024`` stay bad input. The
plan of which field is which comes from the case model itself (the :class:`~engine._types.NormalForm`
marks of its types, and the code lists the vocabulary gives its coded fields), built once.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from engine._types import NormalForm
from engine.models import Case
from rules import load_rulebook

__all__ = ["normal_form", "normalise_at", "normalise_case"]

# Full-width ASCII (U+FF01-U+FF5E) and the ideographic space, as their ASCII characters.
_HALF_WIDTH = {0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20}
_NEGATIVE_ZERO = re.compile(r"-0*(\.0*)?")
_THOUSANDS = re.compile(r"[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?")
_YEAR_FIRST = re.compile(r"([0-9]{4})([/.-])([0-9]{1,2})\2([0-9]{1,2})")
_CHINESE_DATE = re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日")


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value.copy_abs() if value.is_zero() and value.is_signed() else value
    if not isinstance(value, str):
        return value
    text = value.translate(_HALF_WIDTH).strip().removeprefix("+")
    if _NEGATIVE_ZERO.fullmatch(text) and any(ch == "0" for ch in text):
        return text[1:]
    return text


def _money(value: Any) -> Any:
    value = _number(value)
    if isinstance(value, str) and _THOUSANDS.fullmatch(value):
        return value.replace(",", "")
    return value


def _date(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = value.translate(_HALF_WIDTH).strip()
    found = _YEAR_FIRST.fullmatch(text)
    parts = (found.group(1), found.group(3), found.group(4)) if found else None
    if parts is None and (found := _CHINESE_DATE.fullmatch(text)):
        parts = (found.group(1), found.group(2), found.group(3))
    if parts is None:
        return text
    year, month, day = parts
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _id(value: Any) -> Any:
    return value.translate(_HALF_WIDTH).strip() if isinstance(value, str) else value


def _credit_code(value: Any) -> Any:
    return _id(value).upper() if isinstance(value, str) else value


_LEAVES = {"number": _number, "money": _money, "date": _date, "id": _id, "credit_code": _credit_code}


def normal_form(kind: str, value: Any) -> Any:
    """One value of a :class:`~engine._types.NormalForm` kind in normal form (for inputs besides cases)."""
    return _LEAVES[kind](value)


@dataclass(frozen=True)
class _Code:
    code_list: str

    def __call__(self, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        return load_rulebook().vocabulary.code_for(self.code_list, value) or value


# A plan: a leaf function, a model's fields, a list's item, or a mapping's key and value.
_Plan = Union["_Model", "_List", "_Map", Any]


@dataclass(frozen=True)
class _Model:
    fields: dict[str, _Plan]


@dataclass(frozen=True)
class _List:
    item: _Plan


@dataclass(frozen=True)
class _Map:
    key: _Plan
    value: _Plan


def _plan(annotation: Any, path: str) -> _Plan | None:  # noqa: PLR0911 - one answer per kind of type
    """What normal form a value of ``annotation`` at the vocabulary field ``path`` has (``None``: none)."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        marks = [m for m in annotation.__metadata__ if isinstance(m, NormalForm)]
        return _LEAVES[marks[0].kind] if marks else _plan(get_args(annotation)[0], path)
    if origin in {Union, types.UnionType}:
        plans = [_plan(a, path) for a in get_args(annotation) if a is not type(None)]
        return plans[0] if len(plans) == 1 else None
    if origin is list:
        item = _plan(get_args(annotation)[0], path)
        return None if item is None else _List(item)
    if origin is dict:
        key, value = (_plan(a, path) for a in get_args(annotation))
        return _Map(key, value)
    if origin is Literal:
        found = load_rulebook().vocabulary.field_paths.get(path)
        return _Code(found.codes) if found is not None and found.codes else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _model(annotation, path)
    return None


def _model(model: type[BaseModel], path: str) -> _Model:
    fields: dict[str, _Plan] = {}
    for name, info in model.model_fields.items():
        annotation: Any = info.annotation
        if info.metadata:  # Annotated[...] on the field itself: pydantic keeps the marks here
            annotation = typing.Annotated[annotation, *info.metadata]
        plan = _plan(annotation, f"{path}.{name}" if path else name)
        if plan is not None:
            fields[name] = plan
    return _Model(fields)


@cache
def case_plan() -> _Model:
    """The normal-form plan of a case (built once per process)."""
    return _model(Case, "")


def _apply(plan: _Plan, value: Any) -> Any:  # noqa: PLR0911 - one answer per kind of plan
    if isinstance(plan, _Model):
        if type(value) is not dict:
            return value
        return {k: (_apply(plan.fields[k], v) if k in plan.fields else v) for k, v in value.items()}
    if isinstance(plan, _List):
        return [_apply(plan.item, v) for v in value] if type(value) is list else value
    if isinstance(plan, _Map):
        if type(value) is not dict:
            return value
        keys = {k: (_apply(plan.key, k) if plan.key is not None else k) for k in value}
        if len(set(keys.values())) < len(keys):  # two keys with one normal form: keep both as written
            keys = {k: k for k in value}
        return {keys[k]: (_apply(plan.value, v) if plan.value is not None else v) for k, v in value.items()}
    if value is None:
        return None
    return plan(value)


def normalise_case(data: dict[str, Any]) -> dict[str, Any]:
    """A raw case (a dict from JSON) in normal form: a new dict; ``data`` itself is not changed."""
    result: dict[str, Any] = _apply(case_plan(), data)
    return result


def normalise_at(path: str, data: Any) -> Any:
    """A part of a case in normal form, found by its place in the case: ``agency``, ``panel.members``.

    The registries' records are such parts. A new value: ``data`` itself is not changed.
    """
    plan: _Plan | None = case_plan()
    for name in path.split("."):
        plan = plan.fields.get(name) if isinstance(plan, _Model) else None
        if isinstance(plan, _List):
            plan = plan.item
    return data if plan is None else _apply(plan, data)
