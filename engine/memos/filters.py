"""Jinja filters the memo templates may use: formatting lives in filters, as docassemble's does.

Templates only fill blanks; every number, date or code a template prints goes through one of these.
The set is closed: :data:`FILTERS` is the whole list, the sandboxed environment has no other filter,
and :func:`engine.memos.lint.check_template` refuses a template that names any other one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import TYPE_CHECKING, Any

from rules import load_rulebook

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "FILTERS",
    "date_zh",
    "percent",
    "result_label",
    "status_label",
    "yes_no",
    "yuan",
    "yuan_in_words",
]

_DIGITS_ZH = "〇一二三四五六七八九"
_NONE = "—"

_STATUS_LISTS = ("eligibility_status", "panel_status", "verdict", "assessment_status", "fee_status")
"""Where a decision's status or verdict is labelled (no code is in two of these lists)."""


@cache
def _labels(lists: tuple[str, ...]) -> dict[str, str]:
    """The Chinese labels of every code of ``lists`` (the vocabulary's), the first list winning."""
    vocabulary = load_rulebook().vocabulary
    merged: dict[str, str] = {}
    for name in reversed(lists):
        merged |= vocabulary.labels(name)
    return merged


def _decimal(value: Any, what: str) -> Decimal:
    """Read a decimal string, int or Decimal (never a float) for a filter."""
    if isinstance(value, (bool, float)):
        raise TypeError(f"{what}: expected a decimal string or Decimal, got {type(value).__name__}")
    try:
        result = Decimal(value) if isinstance(value, (Decimal, int)) else Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"{what}: not a decimal number: {value!r}") from exc
    if not result.is_finite():
        raise ValueError(f"{what}: not a finite number: {value!r}")
    return result


def yuan(value: Any) -> str:
    """Money in figures with thousands separators, two decimals: ``74400.00`` → ``74,400.00``.

    ``None`` (an amount the decision leaves empty, e.g. the deduction of a suspended fee) prints ``—``.
    """
    if value is None:
        return _NONE
    amount = _decimal(value, "yuan")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"yuan: more than two decimals: {value!r}")
    return f"{amount:,.2f}"


def yuan_in_words(value: Any) -> str:
    """Money in capitals (大写) per rulebook §5, via :func:`engine.money.amount_in_words`.

    ``None`` prints ``—``.
    """
    if value is None:
        return _NONE
    from engine.money import amount_in_words  # noqa: PLC0415 - engine.money is optional at import time

    # No rounding here: an amount with more than two decimals is refused by amount_in_words, never hidden.
    return amount_in_words(_decimal(value, "yuan_in_words"))


def _number_zh(n: int) -> str:
    """A month or day number (1–31) in Chinese numerals: 1 → 一, 10 → 十, 21 → 二十一."""
    tens, units = divmod(n, 10)
    if tens == 0:
        return _DIGITS_ZH[units]
    head = "" if tens == 1 else _DIGITS_ZH[tens]
    return head + "十" + (_DIGITS_ZH[units] if units else "")


def date_zh(value: Any) -> str:
    """A date in Chinese numerals as GB/T 9704-2012 writes it: ``2024-07-01`` → ``二〇二四年七月一日``.

    Accepts a :class:`datetime.date` or an ISO ``YYYY-MM-DD`` string; ``None`` prints ``—``.
    """
    if value is None:
        return _NONE
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        day = dt.date.fromisoformat(value)
    else:
        raise TypeError(f"date_zh: expected a date or an ISO date string, got {type(value).__name__}")
    year = "".join(_DIGITS_ZH[int(ch)] for ch in f"{day.year:04d}")
    # One word to the line breaker (U+2060 WORD JOINER between characters): a date is never split.
    return "\u2060".join(f"{year}年{_number_zh(day.month)}月{_number_zh(day.day)}日")


def percent(value: Any) -> str:
    """A ratio as a percentage without trailing zeros: ``0.5`` → ``50%``, ``0.005`` → ``0.5%``."""
    if value is None:
        return _NONE
    pct = _decimal(value, "percent") * 100
    text = f"{pct.normalize():f}"
    return f"{text}%"


def result_label(value: Any) -> str:
    """A rule's result in a memo row, by its label in the vocabulary (``outcome``, or ``needs_approval``)."""
    code = str(value)
    if code == "needs_approval":  # a failed WARN rule (ELG-09): the eligibility status it leads to
        return _labels(("eligibility_status",))[code]
    try:
        return _labels(("outcome",))[code]
    except KeyError:
        raise ValueError(f"result_label: unknown result {value!r}") from None


def status_label(value: Any) -> str:
    """A status or verdict of a decision, by its label in the vocabulary (``verdict``, ``fee_status`` …)."""
    try:
        return _labels(_STATUS_LISTS)[str(value)]
    except KeyError:
        raise ValueError(f"status_label: unknown status {value!r}") from None


def yes_no(value: Any) -> str:
    """A yes/no fact: True → 是, False → 否."""
    if not isinstance(value, bool):
        raise TypeError(f"yes_no: expected a boolean, got {type(value).__name__}")
    return "是" if value else "否"


FILTERS: dict[str, Callable[[Any], str]] = {
    "yuan": yuan,
    "yuan_in_words": yuan_in_words,
    "date_zh": date_zh,
    "percent": percent,
    "result_label": result_label,
    "status_label": status_label,
    "yes_no": yes_no,
}
"""Every filter a template may use, by name (registered in the sandboxed environment)."""
