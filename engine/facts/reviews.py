"""Facts of the evaluation-plan checks PLN-01..06 and the draft-report checks RPT-01..06 (rulebook §3)."""

from __future__ import annotations

from decimal import Decimal

from engine.calendar import WorkingDayCalendar
from engine.facts._common import Facts, derives, join, shown
from engine.models import Case
from rules import RuleSet
from rules.facts import hundredths

_PLAN_COUNTS = (
    "pln01_missing",
    "pln02_missing",
    "pln03_weight_h",
    "pln04_weight_h",
    "pln05_lacking",
    "pln06_lacking",
)
_DRAFT_COUNTS = ("rpt01_missing", "rpt02_diff_h", "rpt03_out", "rpt04_total_h", "rework_round")
_DRAFT_ANSWERS = ("reported_grade", "opinions_exchanged", "signed_and_sealed")


@derives("plan_submitted", *_PLAN_COUNTS)
def plan(case: Case, rs: RuleSet, f: Facts, _calendar: WorkingDayCalendar) -> None:
    """Sections, level-1 coverage, weights, standards and evidence; every count 0 before submission."""
    submitted = case.plan
    f.engine["plan_submitted"] = submitted is not None
    if submitted is None:
        for key in _PLAN_COUNTS:
            f.engine[key] = 0
        not_submitted = rs.label("verdict", "not_submitted")
        for rule in ("PLN-01", "PLN-02", "PLN-03", "PLN-04", "PLN-05", "PLN-06"):
            f.trace[rule] = {"plan": not_submitted}
        return
    indicators = submitted.indicators
    missing = [
        f"“{rs.label('plan_section', code)}”"
        for code in rs.param("plan_review.required_sections")
        if code not in submitted.sections
    ]
    f.engine["pln01_missing"] = len(missing)
    f.trace["PLN-01"] = {"missing_sections": join(missing)}
    present = {i.level1 for i in indicators}
    lacking_level1 = [x for x in rs.param("plan_review.required_level1") if x not in present]
    f.engine["pln02_missing"] = len(lacking_level1)
    f.trace["PLN-02"] = {
        "evaluation_kind": case.commission.evaluation_kind,
        "required_level1": shown(rs)["required_level1"],
        "missing_level1": join(lacking_level1),
    }
    total = sum((i.weight for i in indicators), Decimal(0))
    f.engine["pln03_weight_h"] = hundredths(total)
    f.trace["PLN-03"] = {
        "weight_sum": str(total),
        "weight_total": shown(rs)["weight_total"],
        "tolerance": shown(rs)["weight_tolerance"],
    }
    levels = rs.param("plan_review.output_benefit_level1")
    output_benefit = sum((i.weight for i in indicators if i.level1 in levels), Decimal(0))
    f.engine["pln04_weight_h"] = hundredths(output_benefit)
    f.trace["PLN-04"] = {
        "output_benefit_weight": str(output_benefit),
        "minimum": shown(rs)["min_output_benefit_weight"],
    }
    standards = rs.param("plan_review.allowed_standards")
    lacking = [i.name for i in indicators if i.standard not in standards or not i.method.strip()]
    f.engine["pln05_lacking"] = len(lacking)
    f.trace["PLN-05"] = {"indicator_count": len(indicators), "indicators_lacking": join(lacking)}
    no_evidence = [i.name for i in indicators if not (i.evidence_ref or "").strip()]
    f.engine["pln06_lacking"] = len(no_evidence)
    f.trace["PLN-06"] = {"indicator_count": len(indicators), "indicators_without_evidence": join(no_evidence)}


@derives("draft_submitted", *_DRAFT_COUNTS, *_DRAFT_ANSWERS)
def draft(case: Case, rs: RuleSet, f: Facts, _calendar: WorkingDayCalendar) -> None:
    """Sections, total, scores within weights, grade and formalities; neutral before submission."""
    submitted = case.draft
    f.engine["draft_submitted"] = submitted is not None
    if submitted is None:
        for key in _DRAFT_COUNTS:
            f.engine[key] = 0
        f.engine.update(reported_grade="", opinions_exchanged=True, signed_and_sealed=True)
        not_submitted = rs.label("verdict", "not_submitted")
        for rule in ("RPT-01", "RPT-02", "RPT-03", "RPT-04", "RPT-05", "RPT-06"):
            f.trace[rule] = {"draft": not_submitted}
        return
    missing = [
        f"“{rs.label('report_section', code)}”"
        for code in rs.param("report_review.required_sections")
        if code not in submitted.sections
    ]
    f.engine["rpt01_missing"] = len(missing)
    f.trace["RPT-01"] = {"missing_sections": join(missing)}
    score_sum = sum((i.score for i in submitted.indicator_scores), Decimal(0))
    difference = abs(score_sum - submitted.reported_total)
    f.engine["rpt02_diff_h"] = hundredths(difference)
    f.trace["RPT-02"] = {
        "score_sum": str(score_sum),
        "reported_total": str(submitted.reported_total),
        "difference": str(difference),
        "tolerance": shown(rs)["total_tolerance"],
    }
    out = [f"{i.name}（{i.score}/{i.weight}）" for i in submitted.indicator_scores if i.score > i.weight]
    f.engine["rpt03_out"] = len(out)
    f.trace["RPT-03"] = {"indicator_count": len(submitted.indicator_scores), "out_of_range": join(out)}
    f.engine["rpt04_total_h"] = hundredths(submitted.reported_total)
    f.engine["reported_grade"] = submitted.reported_grade
    f.trace["RPT-04"] = {
        "reported_total": str(submitted.reported_total),
        "reported_grade": submitted.reported_grade,
    }
    f.engine["opinions_exchanged"] = submitted.opinions_exchanged
    f.trace["RPT-05"] = {"opinions_exchanged": submitted.opinions_exchanged}
    f.engine["signed_and_sealed"] = submitted.signed_and_sealed
    f.trace["RPT-06"] = {"signed_and_sealed": submitted.signed_and_sealed}
    f.engine["rework_round"] = submitted.rework_round
