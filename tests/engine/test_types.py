"""Field types of the contract (engine/_types.py): remembered texts never change what is accepted."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import TypeAdapter, ValidationError

from engine import _types
from engine._types import CreditCode, IndicatorNumber, IsoDate, Money, PartyScore

SCORE = TypeAdapter(PartyScore)
INDICATOR = TypeAdapter(IndicatorNumber)
MONEY = TypeAdapter(Money)
DAY = TypeAdapter(IsoDate)
CODE = TypeAdapter(CreditCode)


def _error_type(adapter: TypeAdapter[object], value: object) -> str:
    with pytest.raises(ValidationError) as info:
        adapter.validate_python(value)
    return str(info.value.errors()[0]["type"])


def test_a_repeated_text_reads_the_same_value() -> None:
    """The second reading of a text comes from the table and equals the first, to the digit."""
    for text in ("88.5", "88.50", "0", "100", "0.0"):
        first, second = SCORE.validate_python(text), SCORE.validate_python(text)
        assert first == second == Decimal(text)
        assert str(second) == str(Decimal(text))
    assert DAY.validate_python("2024-02-29") is DAY.validate_python("2024-02-29")


def test_a_text_valid_for_one_type_is_checked_again_for_another() -> None:
    """Each number type keeps its own table: a score text is not thereby an amount or a weight."""
    assert SCORE.validate_python("0") == 0
    assert _error_type(MONEY, "0") == "greater_than"
    assert INDICATOR.validate_python("88.25") == Decimal("88.25")
    assert _error_type(SCORE, "88.25") == "decimal_max_places"


@pytest.mark.parametrize(
    ("adapter", "text", "error"),
    [
        (SCORE, "100.1", "range"),
        (SCORE, "1e2", "decimal_parsing"),
        (SCORE, "88.55", "decimal_max_places"),
        (DAY, "2023-02-29", "date_value"),
        (DAY, "2024-2-1", "date_format"),
        (CODE, "91310112F5PJ96WP44", "credit_code_check"),
    ],
)
def test_a_refused_text_is_refused_every_time(adapter: TypeAdapter[object], text: str, error: str) -> None:
    """Only texts that passed are remembered."""
    assert _error_type(adapter, text) == error
    assert _error_type(adapter, text) == error


def test_the_tables_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """A full table is emptied and fills again: memory stays bounded over any number of cases."""
    monkeypatch.setattr(_types, "_KNOWN_LIMIT", 5)
    monkeypatch.setattr(_types, "_KNOWN_DATES", {})
    for day in range(1, 13):
        assert DAY.validate_python(f"2024-01-{day:02d}") == date(2024, 1, day)
        assert len(_types._KNOWN_DATES) <= 5
