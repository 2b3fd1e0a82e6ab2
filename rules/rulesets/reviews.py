"""Builders of the plan checks PLN-01..06 and the draft-report checks RPT-01..06 (rulebook §3)."""

from __future__ import annotations

from rules._loader import RuleSet
from rules.facts import hundredths
from rules.rulesets._cond import F
from rules.rulesets._registry import Logic, builds, grade_bands

_PLAN = F("plan_submitted").true
_DRAFT = F("draft_submitted").true


def _full_framework(rs: RuleSet) -> object:
    return _PLAN & F("evaluation_kind").isin(rs.param("plan_review.full_framework_kinds"))


@builds("PLN-01")
def pln_01_plan_sections(rs: RuleSet) -> Logic:  # noqa: ARG001 - section list applied in facts
    """Every required plan section is there."""
    return Logic(applies=_PLAN, fails=F("pln01_missing") > 0)


@builds("PLN-02")
def pln_02_level1_coverage(rs: RuleSet) -> Logic:
    """Tracking/post plans cover every required level-1 indicator."""
    return Logic(applies=_full_framework(rs), fails=F("pln02_missing") > 0)  # type: ignore[arg-type]


@builds("PLN-03")
def pln_03_weights_sum(rs: RuleSet) -> Logic:
    """Weights sum to the total within the tolerance."""
    total = hundredths(rs.param("plan_review.weight_total"))
    tolerance = hundredths(rs.param("plan_review.weight_tolerance"))
    weight = F("pln03_weight_h")
    return Logic(applies=_PLAN, fails=(weight < total - tolerance) | (weight > total + tolerance))


@builds("PLN-04")
def pln_04_output_benefit_weight(rs: RuleSet) -> Logic:
    """Tracking/post plans weigh output + benefit at least the minimum."""
    minimum = hundredths(rs.param("plan_review.min_output_benefit_weight"))
    return Logic(applies=_full_framework(rs), fails=F("pln04_weight_h") < minimum)  # type: ignore[arg-type]


@builds("PLN-05")
def pln_05_standard_and_method(rs: RuleSet) -> Logic:  # noqa: ARG001 - standards applied in facts
    """Every indicator names an allowed standard and a method."""
    return Logic(applies=_PLAN, fails=F("pln05_lacking") > 0)


@builds("PLN-06")
def pln_06_evidence_reference(rs: RuleSet) -> Logic:  # noqa: ARG001 - no parameters
    """Every indicator carries an evidence reference."""
    return Logic(applies=_PLAN, fails=F("pln06_lacking") > 0)


@builds("RPT-01")
def rpt_01_report_sections(rs: RuleSet) -> Logic:  # noqa: ARG001 - section list applied in facts
    """Every required report section is there."""
    return Logic(applies=_DRAFT, fails=F("rpt01_missing") > 0)


@builds("RPT-02")
def rpt_02_total_adds_up(rs: RuleSet) -> Logic:
    """The indicator scores add up to the reported total within the tolerance."""
    return Logic(
        applies=_DRAFT, fails=F("rpt02_diff_h") > hundredths(rs.param("report_review.total_tolerance"))
    )


@builds("RPT-03")
def rpt_03_scores_within_weights(rs: RuleSet) -> Logic:  # noqa: ARG001 - no parameters
    """No indicator score exceeds its weight."""
    return Logic(applies=_DRAFT, fails=F("rpt03_out") > 0)


@builds("RPT-04")
def rpt_04_grade_matches_total(rs: RuleSet) -> Logic:
    """The reported grade is the band of the reported total; the band found is recorded either way."""
    logic = Logic(applies=_DRAFT)
    mismatch = None
    for grade, band in grade_bands(rs, "rpt04_total_h"):
        in_band = _DRAFT & band
        logic.applied.append((in_band, {"report.band_grade": grade}))
        wrong = in_band & (F("reported_grade") != grade)
        mismatch = wrong if mismatch is None else mismatch | wrong
    logic.fails = mismatch
    return logic


@builds("RPT-05")
def rpt_05_opinions_exchanged(rs: RuleSet) -> Logic:  # noqa: ARG001 - no parameters
    """Opinions were exchanged with the evaluated unit."""
    return Logic(applies=_DRAFT, fails=F("opinions_exchanged").false)


@builds("RPT-06")
def rpt_06_signed_and_sealed(rs: RuleSet) -> Logic:  # noqa: ARG001 - no parameters
    """The report is signed and sealed."""
    return Logic(applies=_DRAFT, fails=F("signed_and_sealed").false)
