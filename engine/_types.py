"""Field types of the contract (its "Conventions"), as pydantic annotated types.

Numbers arrive as JSON numbers or decimal strings and become :class:`~decimal.Decimal`; precision is
judged by value (``"88.00"`` is a score of 88). Dates are strict ISO ``YYYY-MM-DD`` strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from engine.money import MAX_AMOUNT

# Whole-string patterns (fullmatch), ASCII digits only: Python's \d would take Arabic-Indic or other
# digits, and its $ a trailing line feed. A sign is refused here: a score or an amount is never negative
# below zero, so "-5" fails its range, and "+88" or "-0" are normalised (engine/normalise.py) to "88", "0".
_DECIMAL_TEXT = re.compile(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CASE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

# Valid texts already read, per type: scores, weights and dates repeat across cases (a score on a 0-100
# scale with at most two decimals has 10,001 values), and Decimal and date objects are immutable, so a
# repeated text costs one dict look-up instead of a pattern match and a conversion. Bounded: a table
# that reaches _KNOWN_LIMIT entries is emptied and fills again.
_KNOWN_LIMIT = 20_000


def _remember(known: dict[str, Any], text: str, value: Any) -> None:
    if len(known) >= _KNOWN_LIMIT:
        known.clear()
    known[text] = value


@dataclass(frozen=True)
class NormalForm:
    """Marks a field type with how :mod:`engine.normalise` writes a value of it in normal form.

    ``number``: full-width digits and points, spaces, a ``+`` and ``-0``; ``money``: also thousands
    separators; ``date``: ``2024/03/15`` and ``2024年3月15日``; ``id``: spaces and full-width letters;
    ``credit_code``: also upper case. pydantic ignores the mark.
    """

    kind: Literal["number", "money", "date", "id", "credit_code"]


CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _to_decimal(value: Any) -> Decimal:  # noqa: C901, PLR0912 - one branch per JSON type, common first
    """Accept a JSON number or a plain decimal string; refuse NaN, infinities, booleans and the rest."""
    kind = type(value)
    if kind is str:  # the common case first: the contract's examples write numbers as strings
        if _DECIMAL_TEXT.fullmatch(value) is None or (value[0] == "-" and not value.strip("-0.")):
            raise PydanticCustomError("decimal_parsing", "must be a decimal number such as 88 or 88.5")
        return Decimal(value)
    if kind is int:
        return Decimal(value)
    if isinstance(value, bool):
        raise PydanticCustomError("decimal_type", "must be a number or a decimal string")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        # repr() is the shortest text that reads back as this float: what the client wrote.
        result = Decimal(repr(value))
    elif isinstance(value, str):
        if not _DECIMAL_TEXT.fullmatch(value):
            raise PydanticCustomError("decimal_parsing", "must be a decimal number such as 88 or 88.5")
        try:
            result = Decimal(value)
        except InvalidOperation as exc:  # pragma: no cover - the pattern already excludes these
            raise PydanticCustomError("decimal_parsing", "must be a decimal number") from exc
    else:
        raise PydanticCustomError("decimal_type", "must be a number or a decimal string")
    if not result.is_finite():
        raise PydanticCustomError("finite_number", "must be a finite number (no NaN or infinity)")
    if result.is_signed() and result.is_zero():  # -0: engine/normalise.py writes it 0
        raise PydanticCustomError("decimal_parsing", "must be a decimal number such as 88 or 88.5")
    return result


_KNOWN_DATES: dict[str, date] = {}


def _iso_date(value: Any) -> date:
    if type(value) is str:
        known = _KNOWN_DATES.get(value)
        if known is not None:
            return known
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise PydanticCustomError("date_format", "must be a date written YYYY-MM-DD")
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise PydanticCustomError("date_value", "is not a real calendar date") from exc
    _remember(_KNOWN_DATES, value, day)
    return day


def _case_id(value: str) -> str:
    if not _CASE_ID.fullmatch(value):
        raise PydanticCustomError("case_id", "must be 1-64 ASCII letters, digits, '-', '_' or '.'")
    return value


def credit_code_check_character(first17: str) -> str:
    """GB 32100-2015 check character of the first 17 characters of a unified social credit code."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(ch) * weight
        for ch, weight in zip(first17, _CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


_KNOWN_CREDIT_CODES: dict[str, str] = {}


def _credit_code(value: str) -> str:
    if value in _KNOWN_CREDIT_CODES:
        return value
    if len(value) != 18 or any(ch not in CREDIT_CODE_ALPHABET for ch in value):
        raise PydanticCustomError(
            "credit_code_format", "must be 18 upper-case characters of 0-9A-HJ-NPQRTUWXY"
        )
    if credit_code_check_character(value[:17]) != value[17]:
        raise PydanticCustomError("credit_code_check", "has a wrong check character (GB 32100-2015)")
    _remember(_KNOWN_CREDIT_CODES, value, value)
    return value


def _range(low: Decimal, high: Decimal | None, *, low_inclusive: bool) -> Any:
    """The range check of a number type (the error names the bounds)."""

    def in_range(number: Decimal) -> None:
        if low_inclusive:
            if number < low or (high is not None and number > high):
                raise PydanticCustomError(
                    "range", "must be between {low} and {high}", {"low": str(low), "high": str(high)}
                )
        elif number <= low:
            raise PydanticCustomError("greater_than", "must be greater than {low}", {"low": str(low)})
        elif high is not None and number > high:
            raise PydanticCustomError("less_than_equal", "must be at most {high}", {"high": str(high)})

    return in_range


def _number(*, places: int, low: Decimal, high: Decimal | None, low_inclusive: bool) -> Any:
    """One plain validator per number type: parse, range, precision (one Python call per field).

    A decimal string (how the contract's examples write numbers, so the common case) is parsed and its
    precision read off the text by one match of a pattern that allows ``places`` decimals and any
    trailing zeros ("88.50" has one decimal); anything else goes the general way. Texts that passed
    are remembered (``_remember``), so a repeated score or weight costs one look-up.
    """
    quantum = Decimal(1).scaleb(-places)
    known: dict[str, Decimal] = {}
    precise_text = re.compile(rf"([0-9]+(\.[0-9]{{0,{places}}}0*)?|\.[0-9]{{1,{places}}}0*)")
    in_range = _range(low, high, low_inclusive=low_inclusive)

    def too_precise() -> PydanticCustomError:
        return PydanticCustomError(
            "decimal_max_places", "must have at most {limit} decimal places", {"limit": places}
        )

    def check(value: Any) -> Decimal:
        if type(value) is str:
            number = known.get(value)
            if number is not None:
                return number
            if precise_text.fullmatch(value) is not None:
                number = Decimal(value)
                in_range(number)
                _remember(known, value, number)
                return number
        number = _to_decimal(value)  # refuses what is not a number at all
        in_range(number)
        if type(value) is str:  # a well-formed decimal string that failed the precise pattern
            raise too_precise()
        exponent = number.as_tuple().exponent
        if (
            isinstance(exponent, int)
            and exponent < -places
            and number != number.quantize(quantum, rounding="ROUND_DOWN")
        ):
            raise too_precise()
        return number

    return check


def _number_schema(places: int, low: int, high: float | None, *, exclusive: bool) -> dict[str, Any]:
    bound: dict[str, float] = {"exclusiveMinimum": low} if exclusive else {"minimum": low}
    if high is not None:
        bound["maximum"] = high
    return {
        "anyOf": [
            # No multipleOf: binary floats cannot state "at most N decimals" reliably; the text says it.
            {"type": "number", **bound},
            {"type": "string", "pattern": r"^-?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"},
        ],
        "x-decimal-places": places,
    }


# Decimals leave as decimal strings (contract: numbers are emitted as decimal strings).
_DECIMAL_OUT = PlainSerializer(str, return_type=str, when_used="json")
Money = Annotated[
    Decimal,
    # At most MAX_AMOUNT: the largest amount written in capitals (and far inside Decimal's precision).
    PlainValidator(_number(places=2, low=Decimal(0), high=MAX_AMOUNT, low_inclusive=False)),
    _DECIMAL_OUT,
    WithJsonSchema(_number_schema(2, 0, int(MAX_AMOUNT * 100) / 100, exclusive=True)),  # JSON Schema number
    NormalForm("money"),
]
PARTY_SCORE_PLACES = 1
"""Decimals a party score may have (contract: party scores 0-100 with at most one decimal)."""
PARTY_SCORE_MAX = Decimal(100)
"""The highest party score (the lowest is 0)."""
PartyScore = Annotated[
    Decimal,
    PlainValidator(
        _number(places=PARTY_SCORE_PLACES, low=Decimal(0), high=PARTY_SCORE_MAX, low_inclusive=True)
    ),
    _DECIMAL_OUT,
    WithJsonSchema(_number_schema(PARTY_SCORE_PLACES, 0, int(PARTY_SCORE_MAX), exclusive=False)),
    NormalForm("number"),
]
IndicatorNumber = Annotated[
    Decimal,
    PlainValidator(_number(places=2, low=Decimal(0), high=Decimal(100), low_inclusive=True)),
    _DECIMAL_OUT,
    WithJsonSchema(_number_schema(2, 0, 100, exclusive=False)),
    NormalForm("number"),
]
IsoDate = Annotated[
    date,
    PlainValidator(_iso_date),
    PlainSerializer(date.isoformat, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}),
    NormalForm("date"),
]
CaseId = Annotated[
    str,
    AfterValidator(_case_id),
    WithJsonSchema({"type": "string", "pattern": r"^[A-Za-z0-9._-]{1,64}$"}),
    NormalForm("id"),
]
CreditCode = Annotated[
    str,
    AfterValidator(_credit_code),
    WithJsonSchema({"type": "string", "pattern": "^[0-9A-HJ-NPQRTUWXY]{18}$"}),
    NormalForm("credit_code"),
]
