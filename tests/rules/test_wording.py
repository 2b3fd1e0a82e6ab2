"""The catalogue's wording: parameter blanks filled per version, fact blanks per decision (rules/wording.py)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from rules.wording import Lang, fill_parameters, printf_style


@pytest.mark.parametrize(
    ("wording", "text", "names"),
    [
        ("委托日期{commissioned_on}在{batches}内", "委托日期%s在%s内", ["commissioned_on", "batches"]),
        ("扣减{share}即100%以内", "扣减%s即100%%以内", ["share"]),
        ("扣减比例不超过100%", "扣减比例不超过100%", []),
        ("{a}与{a}", "%s与%s", ["a", "a"]),
        ("{{字面}}{a}", "{字面}%s", ["a"]),
    ],
)
def test_wording_becomes_printf_style_and_fills_like_format(
    wording: str, text: str, names: list[str]
) -> None:
    """Each blank becomes %s in order, a literal % survives filling, wording without blanks is untouched."""
    assert printf_style(wording) == (text, names)
    values = {name: f"<{name}>" for name in names}
    filled = text % tuple(values[n] for n in names) if names else text
    assert filled == wording.format_map(values)


@pytest.mark.parametrize("wording", ["{a:>5}", "{a!r}", "{}", "{a"])
def test_blanks_that_are_not_plain_names_are_refused(wording: str) -> None:
    """The catalogue's blanks are plain names; anything else is an error when the version loads."""
    with pytest.raises(ValueError):
        printf_style(wording)


PARAMS = {
    "fees.grade_coefficients": {
        "优": Decimal("1.00"),
        "良": Decimal("0.95"),
        "中": Decimal("0.85"),
        "差": Decimal("0.60"),
    },
    "assessment.grade_bands": (
        ("差", Decimal(0), Decimal(60)),
        ("中", Decimal(60), Decimal(80)),
        ("良", Decimal(80), Decimal(90)),
        ("优", Decimal(90), Decimal(100)),
    ),
    "fees.late_deduction": {"rate_per_working_day": Decimal("0.005"), "cap": Decimal("0.10")},
    "panel.min_members": 5,
    "eligibility.violation_lookback_years": 3,
    "plan_review.required_level1": ("决策", "过程"),
}


@pytest.mark.parametrize(
    ("text", "lang", "filled"),
    [
        ("系数：{fees.grade_coefficients:grades}", "zh", "系数：优1.00，良0.95，中0.85，差0.60"),
        ("by grade: {fees.grade_coefficients:grades}", "en", "by grade: 优 1.00, 良 0.95, 中 0.85, 差 0.60"),
        ("良{fees.grade_coefficients.良}", "zh", "良0.95"),
        ("{assessment.grade_bands:bands}", "zh", "优≥90，良≥80，中≥60，差<60"),
        ("{assessment.grade_bands:bands}", "en", "优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 < 60"),
        (
            "每日{fees.late_deduction.rate_per_working_day:percent}，上限{fees.late_deduction.cap:percent}",
            "zh",
            "每日0.5%，上限10%",
        ),
        ("{eligibility.violation_lookback_years:count}年内", "zh", "三年内"),
        ("within {eligibility.violation_lookback_years:count} years", "en", "within 3 years"),
        ("不少于{panel.min_members}人", "zh", "不少于5人"),
        ("覆盖{plan_review.required_level1}", "zh", "覆盖决策、过程"),
        ("100%{{不变}}", "zh", "100%{不变}"),
    ],
)
def test_parameter_blanks_are_filled_with_the_version_s_values(text: str, lang: Lang, filled: str) -> None:
    """Each format shows the value as the rule texts write it, in the text's language."""
    assert fill_parameters(text, PARAMS, lang, facts_allowed=False) == filled


def test_fact_blanks_of_trace_wording_stay_for_each_decision() -> None:
    """In trace wording the parameter blanks are filled and the fact blanks kept, braces escaped."""
    wording = "{{注}}超过{panel.min_members}人：{member_count}"
    filled = fill_parameters(wording, PARAMS, "zh", facts_allowed=True)
    assert filled == "{{注}}超过5人：{member_count}"
    assert printf_style(filled) == ("{注}超过5人：%s", ["member_count"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{panel.max_members}", "the blank {panel.max_members} names no parameter"),
        ("{fees.late_deduction.ceiling}", "names no key ceiling of the parameter fees.late_deduction"),
        ("{fees.late_deduction}", "names a mapping or a flag"),
        ("{panel.min_members:percent}", "the format percent needs a decimal share"),
        ("{panel.min_members:roman}", "uses an unknown format"),
        ("{member_count}", "names no parameter (write a dotted path)"),
    ],
)
def test_a_blank_that_cannot_be_filled_is_named(text: str, message: str) -> None:
    """The loader turns these into errors naming the file, the rule and the blank."""
    with pytest.raises(ValueError, match=re.escape(message)):
        fill_parameters(text, PARAMS, "zh", facts_allowed=False)
