"""A reading put to use: the case's node filled from the file, the decision's trace pointing into it."""

from __future__ import annotations

from typing import Any

import pytest

from engine import CaseError, evaluate
from engine.deliverables import Reading, apply_reading, attach_locations, read_deliverable
from tests.deliverables.conftest import CORPUS, example_case, expected


def _read(name: str, node: str) -> Reading:
    return read_deliverable((CORPUS / name).read_bytes(), name=name, node=node)  # type: ignore[arg-type]


def _trace(decision: dict[str, Any], rule: str) -> dict[str, Any]:
    return next(entry for entry in decision["trace"] if entry["rule"] == rule)


def test_fields_the_file_does_not_determine_are_kept_from_the_case() -> None:
    """Dates and scores stay the case's; sections and indicators come from the file."""
    case = example_case()
    reading = _read("plan_06_sum_999_missing.docx", "plan")
    applied = apply_reading(case, reading)
    assert applied["plan"]["deadline"] == case["plan"]["deadline"]
    assert applied["plan"]["scores"] == case["plan"]["scores"]
    assert applied["plan"]["sections"] == ["project_overview", "evaluation_framework", "evidence_methods"]
    assert applied["draft"] == case["draft"]
    assert case["plan"]["sections"][-1] == "timetable", "the case given is not changed"


def test_a_node_the_case_lacks_needs_what_the_file_leaves_unread() -> None:
    """Applied to a case without a plan, the unread dates are bad input naming them."""
    case = example_case()
    del case["plan"]
    with pytest.raises(CaseError) as caught:
        evaluate(apply_reading(case, _read("plan_example.docx", "plan")))
    assert {tuple(e["loc"]) for e in caught.value.errors} >= {("plan", "deadline"), ("plan", "submitted_on")}


def test_the_worked_example_decides_as_before_and_its_trace_points_into_the_files() -> None:
    """Read plan and draft give the example's decision; the PLN/RPT entries carry their places."""
    case = example_case()
    plan, draft = _read("plan_example.docx", "plan"), _read("draft_example.docx", "draft")
    decision = evaluate(apply_reading(apply_reading(case, plan), draft))
    located = attach_locations(decision, [plan, draft])
    assert {k: v for k, v in located.items() if k != "trace"} == {
        k: v for k, v in evaluate(case).items() if k != "trace"
    }
    want_plan, want_draft = expected(CORPUS / "plan_example.docx"), expected(CORPUS / "draft_example.docx")
    sections = [want_plan["locations"][f"sections.{c}"] for c in want_plan["fields"]["sections"]]
    assert _trace(located, "PLN-01")["locations"] == sections
    weights = [want_plan["locations"][f"indicators.{i}.weight"] for i in range(8)]
    assert _trace(located, "PLN-03")["locations"] == weights
    scores = [want_draft["locations"][f"indicator_scores.{i}.score"] for i in range(8)]
    assert _trace(located, "RPT-02")["locations"] == [*scores, want_draft["locations"]["reported_total"]]
    assert _trace(located, "RPT-04")["locations"] == [
        want_draft["locations"]["reported_total"],
        want_draft["locations"]["reported_grade"],
    ]
    assert "locations" not in _trace(located, "RPT-05"), "opinions_exchanged is not read from the file"
    assert "locations" not in _trace(located, "ELG-01")
    assert "locations" not in _trace(decision, "PLN-01"), "the decision given is not changed"


def test_failed_checks_point_at_the_offending_cells() -> None:
    """99.9 fails PLN-03 (every weight cell), a blank evidence cell fails PLN-06 (that cell)."""
    case = example_case()
    plan = _read("plan_06_sum_999_missing.docx", "plan")
    decision = attach_locations(evaluate(apply_reading(case, plan)), [plan])
    want = expected(CORPUS / "plan_06_sum_999_missing.docx")["locations"]
    assert decision["plan_review"]["failed"] == ["PLN-01", "PLN-03", "PLN-06"]
    assert len(_trace(decision, "PLN-03")["locations"]) == 8
    assert _trace(decision, "PLN-06")["locations"] == [want["indicators.3.evidence_ref"]]
    assert _trace(decision, "PLN-04")["locations"] == [
        want[f"indicators.{i}.{f}"] for i in range(4, 8) for f in ("level1", "weight")
    ]


def test_a_standard_that_is_none_of_the_four_is_the_offending_cell() -> None:
    """PLN-05 fails on the cell naming two standards, and points at it only."""
    plan = _read("plan_08_two_tables.docx", "plan")
    decision = attach_locations(evaluate(apply_reading(example_case(), plan)), [plan])
    want = expected(CORPUS / "plan_08_two_tables.docx")["locations"]
    assert _trace(decision, "PLN-05")["outcome"] == "failed"
    assert _trace(decision, "PLN-05")["locations"] == [want["indicators.5.standard"]]


def test_99_99_holds_within_the_tolerance() -> None:
    """Weights summing to 99.99 hold PLN-03."""
    plan = _read("plan_05_sum_9999.docx", "plan")
    decision = evaluate(apply_reading(example_case(), plan))
    assert _trace(decision, "PLN-03")["outcome"] == "held"


def test_a_draft_whose_total_does_not_add_up_fails_rpt02_at_its_cells() -> None:
    """The text's 87.5 against scores adding to 87."""
    draft = _read("draft_03_total_conflict.docx", "draft")
    decision = attach_locations(evaluate(apply_reading(example_case(), draft)), [draft])
    assert decision["draft_review"]["failed"] == ["RPT-02"]
    places = _trace(decision, "RPT-02")["locations"]
    assert (
        places[-1]["paragraph"]
        == expected(CORPUS / "draft_03_total_conflict.docx")["locations"]["reported_total"]["paragraph"]
    )
    assert len(places) == 9


def test_a_reading_that_leaves_a_list_unread_keeps_the_case_list() -> None:
    """An unreadable weight leaves indicators to the case; PLN-03 then concerns nothing read."""
    case = example_case()
    plan = _read("plan_09_unreadable.docx", "plan")
    applied = apply_reading(case, plan)
    assert applied["plan"]["indicators"] == case["plan"]["indicators"]
    decision = attach_locations(evaluate(applied), [plan])
    assert "locations" not in _trace(decision, "PLN-03")
    assert "locations" in _trace(decision, "PLN-01")
