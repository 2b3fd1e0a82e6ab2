"""Money helpers: half-up rounding and amounts in capitals (rulebook §5)."""

from __future__ import annotations

import itertools
import random
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from engine.money import MAX_AMOUNT, amount_in_words, parse_amount_in_words, quantize, to_fen

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "money_cases.yaml").read_text(encoding="utf-8")
)

# -- an independent statement of the §5 rules, to compare against on many amounts ------------------------

_D = "零壹贰叁肆伍陆柒捌玖"


def _group(value: int, *, lead_zero: bool) -> str:
    """A four-digit group: one 零 for a gap of zeros (or a leading gap), nothing for trailing zeros."""
    out: list[str] = []
    pending = lead_zero
    for unit, place in (("仟", 1000), ("佰", 100), ("拾", 10), ("", 1)):
        digit = value // place % 10
        if digit == 0:
            pending = pending or bool(out)
            continue
        if pending:
            out.append("零")
        pending = False
        out.append(_D[digit] + unit)
    return "".join(out)


def _reference_words(fen: int) -> str:
    yuan, jiao, fen_digit = fen // 100, fen // 10 % 10, fen % 10
    groups = ((yuan // 10**8, "亿"), (yuan // 10**4 % 10**4, "万"), (yuan % 10**4, ""))
    parts: list[str] = []
    skipped = False
    for value, unit in groups:
        if value == 0:
            skipped = skipped or bool(parts)
            continue
        parts.append(_group(value, lead_zero=bool(parts) and (skipped or value < 1000)) + unit)
        skipped = False
    head = "".join(parts) + "元" if yuan else ""
    if not jiao and not fen_digit:
        tail = "整" if yuan else "零元整"
    elif not fen_digit:
        tail = _D[jiao] + "角整"
    elif jiao:
        tail = _D[jiao] + "角" + _D[fen_digit] + "分"
    else:
        tail = ("零" if yuan else "") + _D[fen_digit] + "分"
    return "人民币" + head + tail


def _amount(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


# -- the table ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c["amount"] for c in CASES])
def test_amount_in_words_table(case: dict[str, Any]) -> None:
    """Each amount in money_cases.yaml is written in its canonical capitals and read back."""
    amount = Decimal(case["amount"])

    assert case["words"] == amount_in_words(amount)
    assert amount == parse_amount_in_words(case["words"])


def test_table_cases_agree_with_the_reference() -> None:
    """The YAML table and the reference statement of §5 agree (guards the table itself)."""
    for case in CASES:
        assert case["words"] == _reference_words(int(Decimal(case["amount"]) * 100)), case["amount"]


def test_every_zero_pattern_matches_the_reference() -> None:
    """Every pattern of zero and non-zero digits up to 9,999 亿 gives the §5 form and reads back."""
    for digits in itertools.product("05", repeat=12):
        for cents in (0, 5, 50, 55):
            fen = int("".join(digits)) * 100 + cents
            words = amount_in_words(_amount(fen))
            assert _reference_words(fen) == words
            assert _amount(fen) == parse_amount_in_words(words)


def test_random_amounts_match_the_reference() -> None:
    """Seeded random amounts, many with runs of zeros, give the §5 form and read back."""
    rng = random.Random(20240101)
    for _ in range(20_000):
        fen = rng.randrange(10**14)
        if rng.random() < 0.5:
            fen = int("".join(c if rng.random() < 0.4 else "0" for c in str(fen)))
        words = amount_in_words(_amount(fen))
        assert _reference_words(fen) == words
        assert _amount(fen) == parse_amount_in_words(words)


@given(st.integers(min_value=0, max_value=10**14 - 1))
def test_parse_inverts_words(fen: int) -> None:
    """parse(words(x)) == x for every x in [0, 10^12) with two decimals."""
    amount = _amount(fen)

    assert amount == parse_amount_in_words(amount_in_words(amount))


def test_words_have_no_doubled_or_dangling_zero() -> None:
    """No output holds 零零 or a 零 right before a unit or the end."""
    rng = random.Random(7)
    for _ in range(5_000):
        words = amount_in_words(_amount(rng.randrange(10**14)))
        assert "零零" not in words
        for unit in "元万亿角":
            assert "零" + unit not in words or words == "人民币零元整"


# -- input checks ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "amount",
    [
        Decimal("-0.01"),
        Decimal(-5),
        Decimal("1.005"),
        Decimal("0.001"),
        Decimal("NaN"),
        Decimal("Infinity"),
    ],
)
def test_amount_in_words_rejects_bad_amounts(amount: Decimal) -> None:
    """Negative amounts, more than 2 decimals and non-finite values have no capitals form."""
    with pytest.raises(ValueError):
        amount_in_words(amount)


def test_amount_in_words_rejects_too_large() -> None:
    """1 万亿 yuan and above is out of range."""
    assert amount_in_words(MAX_AMOUNT).startswith("人民币玖仟玖佰玖拾玖亿")
    with pytest.raises(ValueError, match="too large"):
        amount_in_words(MAX_AMOUNT + Decimal("0.01"))
    with pytest.raises(ValueError, match="too large"):
        amount_in_words(Decimal("1E+40"))


@pytest.mark.parametrize("amount", [1.5, 15, "15.00"])
def test_amount_in_words_rejects_non_decimal(amount: Any) -> None:
    """Only Decimal is accepted: never a float (rulebook §5)."""
    with pytest.raises(TypeError):
        amount_in_words(amount)


def test_amount_in_words_judges_decimals_by_value() -> None:
    """Trailing zeros beyond the fen are not extra decimals (precision is judged by value)."""
    assert amount_in_words(Decimal(80000) * Decimal("0.950")) == "人民币柒万陆仟元整"
    assert amount_in_words(Decimal(15)) == "人民币壹拾伍元整"
    assert amount_in_words(Decimal("-0.00")) == "人民币零元整"


# -- rounding ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        ("0.125", 2, "0.13"),
        ("0.124", 2, "0.12"),
        ("87.525", 2, "87.53"),
        ("88.755", 2, "88.76"),
        ("2.5", 0, "3"),
        ("3.5", 0, "4"),
        ("-0.125", 2, "-0.13"),
        ("7", 2, "7.00"),
        ("87.52", 3, "87.520"),
    ],
)
def test_quantize_rounds_half_up(value: str, places: int, expected: str) -> None:
    """Rounding is half-up, away from zero on a tie, never banker's rounding (FEE-03, FEE-04)."""
    result = quantize(Decimal(value), places)

    assert expected == str(result)


def test_to_fen_rounds_to_two_places() -> None:
    """to_fen rounds half-up to 0.01 yuan."""
    assert Decimal("1680.32") == to_fen(Decimal("1680.315"))
    assert str(to_fen(Decimal(80000) * Decimal("0.95"))) == "76000.00"


def test_quantize_rejects_floats_and_bad_places() -> None:
    """Floats never enter the money helpers; negative places and NaN are errors."""
    with pytest.raises(TypeError):
        quantize(0.125, 2)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        quantize(Decimal("1.5"), -1)
    with pytest.raises(ValueError):
        quantize(Decimal("NaN"), 2)
    with pytest.raises(ValueError):
        quantize(Decimal("1E+40"), 2)


# -- reading capitals back ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (
            "人民币壹仟元零叁角贰分",
            "1000.32",
        ),  # 零 between 元 and 角 is allowed (会计基础工作规范 第五十二条)
        ("人民币壹拾元伍分", "10.05"),  # the 零 before 分 may be left out
        ("人民币零元伍角整", "0.50"),
    ],
)
def test_parse_accepts_close_variants(words: str, expected: str) -> None:
    """The reader accepts the variants the accounting rules allow."""
    assert Decimal(expected) == parse_amount_in_words(words)


@pytest.mark.parametrize(
    "words",
    [
        "",
        "柒万叁仟陆佰元整",  # no 人民币
        "人民币",
        "人民币元整",
        "人民币整",
        "人民币壹拾元",  # no 整
        "人民币伍角",  # no 整
        "人民币伍分整",  # 整 after 分
        "人民币拾伍元整",  # tens without 壹
        "人民币壹拾拾元整",
        "人民币壹佰壹仟元整",  # units out of order
        "人民币零壹拾元整",  # leading 零
        "人民币壹仟零元整",  # trailing 零
        "人民币壹仟零零壹元整",  # doubled 零
        "人民币壹万万元整",
        "人民币万元整",
        "人民币壹亿壹亿元整",
        "人民币壹贰元整",
        "人民币壹拾元零伍角零伍分",
        "人民币零伍分",
        "人民币伍角零伍分",
        "人民币一十元整",  # lower-case digits
        "人民币壹拾元整 ",
    ],
)
def test_parse_rejects_malformed_words(words: str) -> None:
    """Anything that is not an amount in capitals is a ValueError."""
    with pytest.raises(ValueError):
        parse_amount_in_words(words)


def test_cn2an_is_imported_by_the_first_amount_written_not_at_start() -> None:
    """Importing cn2an builds its Chinese-to-number patterns too (~80 ms): only a process writing capitals pays."""
    code = (
        "import sys; from decimal import Decimal; import engine, engine.money; from api.cli import command\n"
        "before = 'cn2an' in sys.modules\n"
        "words = engine.money.amount_in_words(Decimal('100500.00'))\n"
        "print(before, 'cn2an' in sys.modules, words)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.split() == ["False", "True", "人民币壹拾万零伍佰元整"]
