"""Cell values as the contract holds them: numbers as decimal strings, standards, one-line names.

A weight or a score reads as a number whatever its width and unit (``10``, ``10.0``, ``１０``, ``10分``,
``10%`` all read ``10``), judged by value and written without trailing zeros. A number outside the
contract's range for indicator numbers (0–100, at most two decimals) or text that is no number is not
read: the caller leaves the field unread and says why.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from engine.deliverables.headings import strip_numbering
from engine.deliverables.words import Words, nfkc
from rules.vocabulary import heading_key

_MAX = Decimal(100)
_LEVEL_TEXT = 200  # a level name is short; longer text is kept as written, unparsed
_PLACES = 2
_SPACE = re.compile(r"\s+")
_CJK_BREAK = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+|\s+(?=[\u3000-\u9fff\uff00-\uffef])")
_TRAILING_POINTS = re.compile(r"\s*[(（][^()（）]*\d[^()（）]*[)）]\s*$")


def number(text: str, words: Words, *, bounded: bool = True) -> str | None:
    """The number a cell states (``"10"``), or None when it states none the contract accepts.

    ``bounded=False`` reads any non-negative number (a total row may state 101 where the rows add to 100).
    """
    compact = _SPACE.sub("", nfkc(text))
    match = re.fullmatch(rf"\+?(\d+(?:\.\d+)?)(?:\(?(?:{words.units})\)?)?", compact)
    if match is None:
        return None
    try:
        value = Decimal(match.group(1))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimal digits
        return None
    if bounded and (value > _MAX or -value.normalize().as_tuple().exponent > _PLACES):  # type: ignore[operator]
        return None
    return canonical(value)


def canonical(value: Decimal) -> str:
    """A decimal without trailing zeros or exponent: ``10.0`` → ``10``, ``87.50`` → ``87.5``."""
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


def one_line(text: str) -> str:
    """A cell's text on one line: line breaks between Chinese characters dropped, others a space."""
    text = _CJK_BREAK.sub("", text.strip())
    return _SPACE.sub(" ", text)


def level_name(text: str) -> str:
    """A level-1 indicator as written, less its typed numbering and a trailing point count (决策（20分）)."""
    name = one_line(text)
    if len(name) > _LEVEL_TEXT:
        return name
    stripped = _TRAILING_POINTS.sub("", strip_numbering(name)).strip()
    return stripped or name


def standard(text: str, words: Words) -> tuple[str, tuple[str, ...]]:
    """The standard a cell names and every standard it names.

    ``计划标准：年度计划完成率100%`` names 计划标准; a cell naming exactly one standard reads as it, any
    other text is kept as written (one line).
    """
    key = heading_key(text)
    named = tuple(s for s in words.standards if heading_key(s) in key)
    if len(named) == 1:
        return named[0], named
    return text.strip(), named
