"""What-if: changes are paths into the case; the difference names each result that changes and by how much."""

from __future__ import annotations

import pytest

from engine.compare import compare, describe
from engine.errors import CaseError
from engine.whatif import apply_changes, set_path, what_if
from rules import load_rulebook
from tests.office.conftest import EXAMPLE, example


def test_the_issues_example_changes_and_their_effect(evaluator):
    """The project unit's draft score 88 → 85 and E2's plan score 91 → 90: two party scores and the composite."""
    result = what_if(
        evaluator, example(), {"draft.scores.project_unit": "85", "plan.scores.expert_panel.E2": "90"}
    )
    changed = {c["field"]: c for c in result["changes"]}
    assert set(changed) == {
        "assessment.party_scores.expert_panel",
        "assessment.party_scores.project_unit",
        "assessment.composite",
    }
    assert changed["assessment.composite"] == {
        "field": "assessment.composite",
        "before": "88.76",
        "after": "88.36",
        "by": "-0.40",
        "added": None,
        "removed": None,
    }
    assert result["original"]["fee"]["payable"] == "74400.00"
    assert "trace" not in result["original"]
    assert "trace" not in result["changed"]


def test_grade_fee_and_flags_change_with_their_amounts(evaluator):
    """A late plan (30 more working days) and a rework: deduction, payable and FLW-04 change."""
    result = what_if(evaluator, example(), {"plan.submitted_on": "2024-05-30"})
    changed = {c["field"]: c for c in result["changes"]}
    assert changed["fee.deduction"]["by"] == "+6400.00"
    assert changed["fee.payable"]["by"] == "-6400.00"
    assert changed["flags"]["added"] == ["FLW-04"]
    assert changed["flags"]["removed"] == []
    lines = [describe(c, load_rulebook()) for c in result["changes"]]
    assert "应付服务费：74400.00 → 68000.00（-6400.00）" in lines
    assert "后续处理：无 → FLW-04 记录逾期违约" in lines


def test_no_change_means_an_empty_difference(evaluator):
    """The same case twice: nothing changes."""
    assert what_if(evaluator, example(), {})["changes"] == []


def test_paths_walk_objects_lists_and_member_ids_with_dots():
    """Lists by index, an expert id holding dots, missing objects created, null removes."""
    case = example()
    set_path(case, "panel.members.0.pool", "other")
    assert case["panel"]["members"][0]["pool"] == "other"
    set_path(case, "plan.scores.expert_panel.E.1", "80")
    assert case["plan"]["scores"]["expert_panel"]["E.1"] == "80"
    del case["draft"]["scores"]
    set_path(case, "draft.scores.project_unit", "70")
    assert case["draft"]["scores"] == {"project_unit": "70"}
    set_path(case, "draft.scores.project_unit", None)
    assert case["draft"]["scores"] == {}


@pytest.mark.parametrize(
    "path", ["", "plan..scores", "panel.members.9.pool", "panel.members.x.pool", "commission.project_name.x"]
)
def test_a_path_that_cannot_be_followed_is_bad_input_naming_it(path):
    """Each bad path is an error at ["set", path]."""
    with pytest.raises(CaseError) as caught:
        apply_changes(example(), {path: "1"})
    assert caught.value.errors[0]["loc"] == ["set", path]


def test_errors_say_whether_the_case_or_a_change_is_wrong(evaluator):
    """A bad value set is named at its change; a bad case at ["case", ...]; the original is untouched."""
    with pytest.raises(CaseError) as caught:
        what_if(
            evaluator, example(), {"draft.scores.project_unit": "101", "plan.scores.finance_office": "9.99"}
        )
    locs = sorted(e["loc"] for e in caught.value.errors)
    assert locs == [["set", "draft.scores.project_unit"], ["set", "plan.scores.finance_office"]]
    bad = example()
    bad["commission"]["contract_fee"] = "-1"
    with pytest.raises(CaseError) as caught:
        what_if(evaluator, bad, {})
    assert caught.value.errors[0]["loc"] == ["case", "commission", "contract_fee"]
    assert EXAMPLE["draft"]["scores"]["project_unit"] == "88"


def test_compare_lists_added_and_removed_and_numbers_by_value():
    """ "88.0" and "88.00" are the same number; lists say what they gained and lost."""
    before = {"assessment": {"composite": "88.00"}, "flags": ["FLW-04", "FLW-06"]}
    after = {"assessment": {"composite": "88.0"}, "flags": ["FLW-01", "FLW-04"]}
    assert compare(before, after) == [
        {
            "field": "flags",
            "before": ["FLW-04", "FLW-06"],
            "after": ["FLW-01", "FLW-04"],
            "by": None,
            "added": ["FLW-01"],
            "removed": ["FLW-06"],
        }
    ]
