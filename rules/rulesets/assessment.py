"""Builders of the assessment rules ASM-01..04 and the fee rules FEE-01..06 (rulebook §4-§5)."""

from __future__ import annotations

from rules._loader import RuleSet
from rules.rulesets._cond import Cond, F
from rules.rulesets._registry import Logic, builds, grade_bands

COMPLETE = F("complete").true
CONDUCT = F("conduct").true
GRADED = COMPLETE & F("conduct").false


def withheld(rs: RuleSet) -> Cond:
    """Graded with the withholding grade before the required reworks (FEE-05, FLW-01)."""
    rule = rs.param("fees.withhold")
    band: Cond = dict(grade_bands(rs, "composite_h"))[rule["grade"]]
    reworks: int = rule["reworks_required"]
    return GRADED & band & (F("rework_round") < reworks)


@builds("ASM-01")
def asm_01_party_scores(rs: RuleSet) -> Logic:  # noqa: ARG001 - weights applied in facts
    """Party scores exist once every party-node score is in."""
    return Logic(applied=[(COMPLETE, {})])


@builds("ASM-02")
def asm_02_composite(rs: RuleSet) -> Logic:  # noqa: ARG001 - weights applied in facts
    """The composite exists once every party-node score is in."""
    return Logic(applied=[(COMPLETE, {})])


@builds("ASM-03")
def asm_03_grade_band(rs: RuleSet) -> Logic:
    """The grade is the band of the rounded composite (no conduct proven)."""
    return Logic(
        applied=[(GRADED & band, {"grade": grade}) for grade, band in grade_bands(rs, "composite_h")]
    )


@builds("ASM-04")
def asm_04_conduct_forces_grade(rs: RuleSet) -> Logic:
    """Proven prohibited conduct forces the grade."""
    return Logic(applied=[(CONDUCT, {"grade": rs.param("assessment.prohibited_conduct_grade")})])


@builds("FEE-01")
def fee_01_coefficient(rs: RuleSet) -> Logic:
    """The coefficient of the grade, whenever the fee is payable or withheld."""
    coefficients = rs.param("fees.grade_coefficients")
    return Logic(
        applied=[
            (GRADED & band, {"fee.coefficient": str(coefficients[grade])})
            for grade, band in grade_bands(rs, "composite_h")
        ]
    )


@builds("FEE-02")
def fee_02_late_days_counted(rs: RuleSet) -> Logic:  # noqa: ARG001 - counting is fact derivation
    """Lateness is counted whenever a node has been submitted."""
    return Logic(applied=[(F("plan_submitted").true | F("draft_submitted").true, {})])


@builds("FEE-03")
def fee_03_late_deduction(rs: RuleSet) -> Logic:  # noqa: ARG001 - rate and cap applied in facts
    """The deduction applies whenever the fee is payable or withheld."""
    return Logic(applied=[(GRADED, {})])


@builds("FEE-04")
def fee_04_payable(rs: RuleSet) -> Logic:
    """Payable when graded and not withheld."""
    return Logic(applied=[(GRADED & ~withheld(rs), {"fee.status": "payable"})])


@builds("FEE-05")
def fee_05_withheld(rs: RuleSet) -> Logic:
    """Withheld on the first round with the withholding grade."""
    return Logic(applied=[(withheld(rs), {"fee.status": "withheld"})])


@builds("FEE-06")
def fee_06_suspended(rs: RuleSet) -> Logic:  # noqa: ARG001 - no parameters
    """Suspended when prohibited conduct is proven."""
    return Logic(applied=[(CONDUCT, {"fee.status": "suspended"})])
