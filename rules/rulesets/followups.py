"""Builders of the follow-up flags FLW-01..06 (rulebook §6)."""

from __future__ import annotations

from rules._loader import RuleSet
from rules.facts import hundredths
from rules.rulesets._cond import F
from rules.rulesets._registry import Logic, builds, grade_bands
from rules.rulesets.assessment import CONDUCT, GRADED, withheld


@builds("FLW-01")
def flw_01_rework_required(rs: RuleSet) -> Logic:
    """The withholding grade on the first round: rework."""
    return Logic(applied=[(withheld(rs), {})])


@builds("FLW-02")
def flw_02_refer_after_rework(rs: RuleSet) -> Logic:
    """The withholding grade after the required reworks: refer for a list review."""
    rule = rs.param("fees.withhold")
    band = dict(grade_bands(rs, "composite_h"))[rule["grade"]]
    return Logic(applied=[(GRADED & band & (F("rework_round") >= rule["reworks_required"]), {})])


@builds("FLW-03")
def flw_03_refer_misconduct(rs: RuleSet) -> Logic:  # noqa: ARG001 - no parameters
    """Prohibited conduct: refer to the district finance bureau."""
    return Logic(applied=[(CONDUCT, {})])


@builds("FLW-04")
def flw_04_late_violation(rs: RuleSet) -> Logic:
    """More late working days than the threshold."""
    return Logic(applied=[(F("late_days") > rs.param("followups.late_violation_days"), {})])


@builds("FLW-05")
def flw_05_two_low_composites(rs: RuleSet) -> Logic:
    """This composite and the latest earlier one are both below the threshold."""
    low = hundredths(rs.param("followups.low_composite"))
    condition = (
        F("complete").true & (F("composite_h") < low) & (F("hist_count") >= 1) & (F("hist_c1_h") < low)
    )
    return Logic(applied=[(condition, {})])


@builds("FLW-06")
def flw_06_rater_divergence(rs: RuleSet) -> Logic:
    """At a node with both scores, the unit exceeds the panel mean by more than the threshold."""
    limit = hundredths(rs.param("followups.divergence_points"))
    plan = F("plan_div_known").true & (F("plan_div_h") > limit)
    draft = F("draft_div_known").true & (F("draft_div_h") > limit)
    return Logic(applied=[(plan | draft, {})])
