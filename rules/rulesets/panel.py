"""Builders of the expert-panel checks EXP-01..04 (rulebook §2)."""

from __future__ import annotations

from rules._loader import RuleSet
from rules.rulesets._cond import F, Ref
from rules.rulesets._registry import Logic, builds

_FORMED = F("panel_formed").true


@builds("EXP-01")
def exp_01_panel_size(rs: RuleSet) -> Logic:
    """At least the minimum number of members."""
    return Logic(applies=_FORMED, fails=F("member_count") < rs.param("panel.min_members"))


@builds("EXP-02")
def exp_02_domain_share(rs: RuleSet) -> Logic:  # noqa: ARG001 - the share scales the facts
    """Domain experts x denominator >= members x numerator of the minimum share."""
    return Logic(applies=_FORMED, fails=F("exp02_domain_scaled") < Ref("exp02_members_scaled"))


@builds("EXP-03")
def exp_03_from_finance_pools(rs: RuleSet) -> Logic:  # noqa: ARG001 - pools applied in facts
    """Every member comes from an allowed pool."""
    return Logic(applies=_FORMED, fails=F("exp03_outside") > 0)


@builds("EXP-04")
def exp_04_recusal(rs: RuleSet) -> Logic:  # noqa: ARG001 - ties applied in facts
    """No member has a tie that requires recusal."""
    return Logic(applies=_FORMED, fails=F("exp04_conflicted") > 0)
