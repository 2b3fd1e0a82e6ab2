"""Review memos cite where a failed check's finding is in the Word file (见评价方案表1第5行‘证据编号’栏)."""

from __future__ import annotations

from engine import evaluate
from engine.deliverables import apply_reading, attach_locations, read_deliverable
from engine.memos import build_context
from tests.deliverables.conftest import CORPUS
from tests.memos.conftest import DATE, OFFICE, Memo, case, render


def _read_plan(name: str) -> tuple[dict, dict]:
    reading = read_deliverable((CORPUS / name).read_bytes(), name=name, node="plan")
    data = apply_reading(case(), reading)
    return data, attach_locations(evaluate(data), [reading])


def test_a_failed_check_cites_its_cells_and_headings() -> None:
    """PLN-06 names the blank evidence cell; PLN-01 the headings seen; PLN-03 the weight cells together."""
    data, decision = _read_plan("plan_06_sum_999_missing.docx")
    context = build_context(
        data, decision, "review-plan", office=OFFICE, document_number=7, document_date=DATE
    )
    where = {row["rule"]: row["file_location"] for row in context.values["checks"]}
    assert where["PLN-06"] == "见评价方案表1第5行‘证据编号’栏"
    assert where["PLN-03"] == "见评价方案表1第2、3、4、5、6、7、8、9行‘标准分’栏"
    assert where["PLN-01"] == "见评价方案第1段“一、项目概况”；第2段“二、评价指标体系”；第3段“三、评价方法”"
    assert where["PLN-02"] == ""  # held: nothing to point at
    assert "（见评价方案表1第5行‘证据编号’栏）" in context.values["failed_checks"]


def test_the_rendered_memo_prints_the_citation_after_the_finding() -> None:
    """The rule table's detail cell carries the citation in brackets."""
    data, decision = _read_plan("plan_06_sum_999_missing.docx")
    text = Memo(render(data, "review-plan", decision=decision)).text
    assert "（见评价方案表1第5行‘证据编号’栏）" in text


def test_without_a_reading_the_memo_cites_nothing() -> None:
    """A case keyed in by hand: every file_location is empty, the memo renders as before."""
    data = case()
    context = build_context(
        data, evaluate(data), "review-plan", office=OFFICE, document_number=7, document_date=DATE
    )
    assert {row["file_location"] for row in context.values["checks"]} == {""}
    assert "见评价方案" not in Memo(render(data, "review-plan")).text
