"""A parameter names its Chinese label and the code lists of its values; a slip there fails the load."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from rules import Rulebook
from rules.errors import RulebookError

if TYPE_CHECKING:
    from pathlib import Path


def _edit(rules_copy: Path, name: str, old: str, new: str) -> None:
    path = rules_copy / "parameters" / f"{name}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_parameter_has_a_chinese_label() -> None:
    rulebook = Rulebook()
    for version in rulebook.versions:
        for rule in version.rules:
            for name in rule.parameters:
                label = rulebook.parameter(name).label
                assert label, (rule.id, name)
                assert not label.isascii(), (rule.id, name)


@pytest.mark.parametrize(
    ("name", "old", "new", "said"),
    [
        (  # a code no list knows in a list parameter
            "eligibility/allowed_agency_kinds",
            "cpa_firm, appraisal_firm",
            "cpa_firm, apraisal_firm",
            "'apraisal_firm' is not a code of agency_kind",
        ),
        (  # a mapping's key
            "fees/grade_coefficients",
            "良: ",
            "良好: ",
            "'良好' is not a code of grade",
        ),
        (  # a field of each band
            "assessment/grade_bands",
            "{grade: 中,",
            "{grade: 中等,",
            "'中等' is not a code of grade",
        ),
        (  # a mapping's field list
            "panel/recusal",
            "lookback_years: 3",
            "lookback: 3",
            "expected the keys ['lookback_years', 'relations']",
        ),
        (  # the metadata names a list the vocabulary lacks
            "panel/allowed_pools",
            "codes: pool",
            "codes: pools",
            "unknown code list pools",
        ),
    ],
)
def test_a_code_slip_in_a_parameter_is_a_load_error(
    rules_copy: Path, name: str, old: str, new: str, said: str
) -> None:
    _edit(rules_copy, name, old, new)
    with pytest.raises(RulebookError) as info:
        Rulebook(rules_copy)
    assert said in str(info.value)
    assert f"{name}.yaml" in str(info.value)
