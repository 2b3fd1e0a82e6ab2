"""The registered Jinja filters (engine.memos.filters): money, capitals, dates, labels."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from engine.memos.filters import (
    FILTERS,
    date_zh,
    percent,
    result_label,
    status_label,
    yes_no,
    yuan,
    yuan_in_words,
)
from rules import load_rulebook
from rules.memos import memo_data


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("74400.00", "74,400.00"),
        (Decimal(1600), "1,600.00"),
        ("0.00", "0.00"),
        ("100500.5", "100,500.50"),
        ("1234567.89", "1,234,567.89"),
        (None, "—"),
    ],
)
def test_yuan_writes_figures_with_thousands_separators(value: object, expected: str) -> None:
    """Amounts in figures have thousands separators and two decimals; an absent amount is a dash."""
    assert expected == yuan(value)


def test_yuan_refuses_floats_and_fractions_of_a_fen() -> None:
    """Money is never a float, and never has more than two decimals (rulebook §5)."""
    with pytest.raises(TypeError):
        yuan(74400.0)
    with pytest.raises(ValueError, match="two decimals"):
        yuan("1.005")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("74400.00", "人民币柒万肆仟肆佰元整"),
        ("1600.00", "人民币壹仟陆佰元整"),
        ("100500.00", "人民币壹拾万零伍佰元整"),
        ("325.04", "人民币叁佰贰拾伍元零肆分"),
        ("0.00", "人民币零元整"),
        (None, "—"),
    ],
)
def test_yuan_in_words_uses_engine_money(value: object, expected: str) -> None:
    """Capitals come from engine.money.amount_in_words, in the canonical form of rulebook §5."""
    assert expected == yuan_in_words(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-07-01", "二〇二四年七月一日"),
        (dt.date(2024, 3, 15), "二〇二四年三月十五日"),
        ("2023-12-20", "二〇二三年十二月二十日"),
        ("2021-10-31", "二〇二一年十月三十一日"),
        ("2030-01-10", "二〇三〇年一月十日"),
    ],
)
def test_date_zh_writes_chinese_numerals(value: object, expected: str) -> None:
    """Dates are written as GB/T 9704-2012 writes them: 二〇二四年七月一日, kept on one line (word joiners)."""
    assert date_zh(value) == "\u2060".join(expected)


def test_labels_percent_and_yes_no() -> None:
    """Result and status codes print their labels in the vocabulary; ratios become percentages."""
    vocabulary = load_rulebook().vocabulary
    for code in ("held", "failed", "not_applicable", "applied"):
        assert result_label(code) == vocabulary.label("outcome", code)
    assert result_label("needs_approval") == vocabulary.label("eligibility_status", "needs_approval")
    for name in ("eligibility_status", "panel_status", "verdict", "assessment_status", "fee_status"):
        for code, label in vocabulary.labels(name).items():
            assert status_label(code) == label, code
    assert [result_label(x) for x in ("held", "failed", "needs_approval")] == ["符合", "不符合", "须经审批"]
    assert [status_label(x) for x in ("pass", "return", "payable", "suspended")] == [
        "通过",
        "退回修改",
        "按考评结果支付",
        "暂停支付",
    ]
    assert [percent(x) for x in ("0.5", "0.01", "0.005", "1")] == ["50%", "1%", "0.5%", "100%"]
    assert [yes_no(value) for value in (True, False)] == ["是", "否"]
    with pytest.raises(ValueError, match="unknown result"):
        result_label("maybe")
    with pytest.raises(ValueError, match="unknown result"):
        result_label("eligible")
    with pytest.raises(ValueError, match="unknown status"):
        status_label("held")


def test_the_filter_set_is_closed() -> None:
    """The environment registers exactly these filters; the template contract documents each."""
    assert set(FILTERS) == {
        "yuan",
        "yuan_in_words",
        "date_zh",
        "percent",
        "result_label",
        "status_label",
        "yes_no",
    }
    assert set(memo_data().filters) == set(FILTERS)
