"""A score cell as the office meant it: numbers, numbers stored as text, full-width digits, spaces.

Excel hands over a typed number as a number (read back exactly through its shortest text); a cell
formatted as text, a pasted value or full-width digits arrive as text, which is put in normal form as
every number kaoping reads is (:func:`engine.normalise.normal_form`: ``８５．５`` is ``85.5``; spaces
around it and a leading ``+`` dropped) before it is read. Anything else -- words, dates,
formulas, error values -- is not a score. A score is 0-100 with at most one decimal (the contract's
party score).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.models import PARTY_SCORE_MAX, PARTY_SCORE_PLACES
from engine.normalise import normal_form

_NUMBER = re.compile(r"^\+?(\d+(\.\d*)?|\.\d+)$")
_STEP = Decimal(1).scaleb(-PARTY_SCORE_PLACES)
_SHOWN = 40  # characters of a bad cell's text quoted back


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a sheet: a message id of ``rules/messages.yaml``, its values, where."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)
    loc: tuple[str, ...] = ()


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def score_text(value: Decimal) -> str:
    """A score as it is stored: ``88``, ``88.5`` (trailing zeros dropped)."""
    if value == value.to_integral_value():
        return str(int(value))
    return str(value.quantize(_STEP))


def _number(value: Any, data_type: str | None) -> Decimal | str | None:
    """The number in a cell, ``None`` when empty, or the message key of why it is not a number."""
    if value is None:
        return None
    if data_type == "f":
        return "sheet.cell.formula"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not isinstance(value, str) or data_type == "e":  # a date, a time, a boolean, an error value
        return "sheet.cell.not_a_number"
    return _from_text(normal_form("number", value))


def _from_text(text: str) -> Decimal | str | None:
    if not text:
        return None
    if not _NUMBER.match(text):
        return "sheet.cell.not_a_number"
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return "sheet.cell.not_a_number"


def read_cell(sheet: str, cell: str, value: Any, data_type: str | None = None) -> Decimal | Problem | None:
    """The score in a cell (``None`` when empty), or the problem naming the sheet and the cell."""
    found = _number(value, data_type)
    if found is None or (isinstance(found, Decimal) and _fits(found)):
        return found
    key, shown = (found, _shown(value)) if isinstance(found, str) else (_key(found), _plain(found))
    values = {
        "sheet": sheet,
        "cell": cell,
        "value": shown,
        "high": PARTY_SCORE_MAX,
        "places": PARTY_SCORE_PLACES,
    }
    return Problem(key, values, (sheet, cell))


def _fits(number: Decimal) -> bool:
    return (
        number.is_finite()
        and 0 <= number <= PARTY_SCORE_MAX
        and number == number.quantize(_STEP, rounding="ROUND_DOWN")
    )


def _key(number: Decimal) -> str:
    if not number.is_finite() or number < 0 or number > PARTY_SCORE_MAX:
        return "sheet.cell.out_of_range"
    return "sheet.cell.too_precise"


def _plain(number: Decimal) -> str:
    """A number as written, without trailing zeros: ``101``, ``88.55``."""
    return format(number.normalize(), "f") if number.is_finite() else str(number)
