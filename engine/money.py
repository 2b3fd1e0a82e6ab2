"""Money helpers: Decimal rounding and amounts in capitals (大写), rulebook §5.

Amounts are Decimal yuan with two decimals, never floats (rulebook §5). Rounding is half-up
(FEE-03, FEE-04, ASM-02). The capitals follow the canonical form of rulebook §5, which applies
会计基础工作规范 第五十二条.
"""

from __future__ import annotations

import functools
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "FEN",
    "MAX_AMOUNT",
    "amount_in_words",
    "parse_amount_in_words",
    "prepare_capitals",
    "quantize",
    "to_fen",
]

FEN = Decimal("0.01")
"""One fen (0.01 yuan), the unit amounts are rounded to (FEE-03, FEE-04)."""

MAX_AMOUNT = Decimal("999999999999.99")
"""Largest amount written in capitals (below 1 万亿 yuan)."""

_PREFIX = "人民币"
_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_DIGIT_VALUE = {ch: i for i, ch in enumerate(_DIGITS)}
_NONZERO = "[壹贰叁肆伍陆柒捌玖]"
_ZERO = f"(?:零(?={_NONZERO}))?"  # one 零, only ever right before a digit
# One four-digit group: digits with their units in falling order, 零 standing for a gap of zeros.
_GROUP_RE = re.compile(
    f"{_ZERO}(?:(?P<q>{_NONZERO})仟)?{_ZERO}(?:(?P<b>{_NONZERO})佰)?"
    f"{_ZERO}(?:(?P<s>{_NONZERO})拾)?{_ZERO}(?P<g>{_NONZERO})?"
)
_GROUP_PLACES = (("q", 1000), ("b", 100), ("s", 10), ("g", 1))
_YI = 10**8
_WAN = 10**4

# After 元: nothing but 整, or 角 (then 整 or 分), or 分 (optionally after one 零).
_FRACTION_RE = re.compile(
    r"(?:(?P<zj>零)?(?P<jiao>[壹贰叁肆伍陆柒捌玖])角)?"
    r"(?:(?P<zf>零)?(?P<fen>[壹贰叁肆伍陆柒捌玖])分)?"
    r"(?P<whole>整)?"
)


_QUANTA = tuple(Decimal(1).scaleb(-places) for places in range(8))  # 1, 0.1, ... 0.0000001


def quantize(value: Decimal, places: int) -> Decimal:
    """Round ``value`` half-up to ``places`` decimals (rulebook §4 ASM-02, §5 FEE-03/FEE-04).

    Args:
        value: a finite Decimal.
        places: number of decimals to keep (0 or more).

    Returns:
        The rounded Decimal, with exactly ``places`` decimals.

    Raises:
        TypeError: ``value`` is not a Decimal (floats are never accepted).
        ValueError: ``value`` is not finite or ``places`` is negative.
    """
    if not isinstance(value, Decimal):
        raise TypeError(f"expected Decimal, got {type(value).__name__}")
    if not value.is_finite():
        raise ValueError(f"not a finite amount: {value}")
    if places < 0:
        raise ValueError(f"places must be >= 0, got {places}")
    try:
        quantum = _QUANTA[places] if places < len(_QUANTA) else Decimal(1).scaleb(-places)
        return value.quantize(quantum, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise ValueError(f"cannot round {value} to {places} places") from exc


def to_fen(value: Decimal) -> Decimal:
    """Round ``value`` half-up to the fen, 0.01 yuan (rulebook §5 FEE-03, FEE-04)."""
    return quantize(value, 2)


def _check_amount(amount: Decimal) -> Decimal:
    """Validate an amount for capitals and return it with exactly two decimals (rulebook §5)."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"expected Decimal, got {type(amount).__name__}")
    if not amount.is_finite():
        raise ValueError(f"not a finite amount: {amount}")
    if amount < 0:
        raise ValueError(f"negative amount has no capitals form: {amount}")
    if amount > MAX_AMOUNT:
        raise ValueError(f"amount too large for capitals (max {MAX_AMOUNT}): {amount}")
    fen = amount.quantize(FEN, rounding=ROUND_HALF_UP)
    if fen != amount:
        raise ValueError(f"amount has more than 2 decimals: {amount}")
    return fen + 0  # normalises -0.00 to 0.00


@functools.cache
def _an2cn() -> Callable[[str, str], str]:
    """cn2an's converter, imported with the first amount written in capitals.

    Importing cn2an also builds its Chinese-to-number patterns (about 80 ms, the larger part of a batch's
    start-up), which only a process that writes an amount in capitals should pay.
    """
    import cn2an  # noqa: PLC0415 - deferred: see above

    converter: Callable[[str, str], str] = cn2an.an2cn
    return converter


def prepare_capitals() -> None:
    """Import what amounts in capitals need, now.

    Before forking workers that share it, or in a server before its first request; a batch in one
    process imports it with its first amount instead.
    """
    _an2cn()


@functools.lru_cache(maxsize=4096)
def amount_in_words(amount: Decimal) -> str:
    """Write ``amount`` in capitals (大写), the canonical form of rulebook §5.

    Built on ``cn2an.an2cn(..., "rmb")`` with its gaps closed: the ``人民币`` prefix, ``整`` after a
    final 角, and the single 零 after 亿 when the 万 group is all zeros and the units group is at
    least 1,000 (人民币壹亿零壹仟元整, cn2an writes 壹亿壹仟元整).

    Args:
        amount: non-negative Decimal yuan, at most 2 (non-zero) decimals, at most ``MAX_AMOUNT``.

    Returns:
        For example ``人民币壹拾万零伍佰元整`` for ``Decimal("100500.00")``.

    Raises:
        TypeError: ``amount`` is not a Decimal.
        ValueError: negative, not finite, more than 2 decimals, or above ``MAX_AMOUNT``.
    """
    fen = _check_amount(amount)
    words: str = _an2cn()(f"{fen:f}", "rmb")
    yuan = int(fen)
    if yuan >= _YI and (yuan // _WAN) % _WAN == 0 and yuan % _WAN >= 1000:
        # cn2an drops the 零 standing for an all-zero 万 group before a 仟 digit.
        words = words.replace("亿", "亿零", 1)
    if words.endswith("角"):
        words += "整"
    return _PREFIX + words


def _parse_group(text: str, where: str) -> int:
    """Parse one four-digit group such as ``零伍佰零伍`` (at most 9,999) for rulebook §5."""
    match = _GROUP_RE.fullmatch(text)
    if match is None:
        raise ValueError(f"bad digits {text!r} in {where}")
    return sum(_DIGIT_VALUE[match[name]] * scale for name, scale in _GROUP_PLACES if match[name])


def _parse_yuan(text: str, where: str) -> int:
    """Parse the part before 元 (below 1 万亿) for rulebook §5."""
    if text == "零":
        return 0
    if text.startswith("零"):
        raise ValueError(f"leading 零 in {where}")
    high, has_yi, rest = text.partition("亿")
    if "亿" in rest:
        raise ValueError(f"more than one 亿 in {where}")
    if not has_yi:
        high, rest = "", text
    mid, has_wan, low = rest.partition("万")
    if "万" in low or "万" in high:
        raise ValueError(f"misplaced 万 in {where}")
    if not has_wan:
        mid, low = "", rest
    value = 0
    for part, scale, present in ((high, _YI, has_yi), (mid, _WAN, has_wan), (low, 1, True)):
        group = _parse_group(part, where)
        if present and scale != 1 and group == 0:
            raise ValueError(f"empty group before a unit in {where}")
        value += group * scale
    if value == 0:
        raise ValueError(f"no digits before 元 in {where}")
    return value


def parse_amount_in_words(text: str) -> Decimal:
    """Read an amount in capitals (大写) back into Decimal yuan, the inverse of ``amount_in_words``.

    Accepts the canonical form of rulebook §5 and its close variants (a 零 between 元 and 角,
    a missing 零 before 分); written independently of cn2an.

    Args:
        text: for example ``人民币叁佰贰拾伍元零肆分``.

    Returns:
        The amount with exactly two decimals, e.g. ``Decimal("325.04")``.

    Raises:
        ValueError: the text is not an amount in capitals.
    """
    where = repr(text)
    if not text.startswith(_PREFIX):
        raise ValueError(f"amount in capitals must start with {_PREFIX}: {where}")
    body = text[len(_PREFIX) :]
    if body == "零元整":
        return Decimal("0.00")
    yuan_text, has_yuan, fraction = body.partition("元")
    if not has_yuan:
        yuan_text, fraction = "", body
    yuan = _parse_yuan(yuan_text, where) if has_yuan else 0
    match = _FRACTION_RE.fullmatch(fraction)
    if match is None:
        raise ValueError(f"bad 角/分 part in {where}")
    jiao = _DIGIT_VALUE[match["jiao"]] if match["jiao"] else 0
    fen = _DIGIT_VALUE[match["fen"]] if match["fen"] else 0
    if match["zj"] and not has_yuan:
        raise ValueError(f"零 before 角 without 元 in {where}")
    if match["zf"] and (jiao or not has_yuan):
        raise ValueError(f"misplaced 零 before 分 in {where}")
    if bool(match["whole"]) == bool(fen):
        raise ValueError(f"整 must end an amount ending at 元 or 角, and only then: {where}")
    if not has_yuan and not (jiao or fen):
        raise ValueError(f"no amount in {where}")
    return Decimal(f"{yuan}.{jiao}{fen}")
