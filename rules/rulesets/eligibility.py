"""Builders of the eligibility checks ELG-01..09 (rulebook §1)."""

from __future__ import annotations

from rules._loader import RuleSet
from rules.facts import hundredths
from rules.rulesets._cond import F
from rules.rulesets._registry import Logic, builds


@builds("ELG-01")
def elg_01_on_designated_list(rs: RuleSet) -> Logic:  # noqa: ARG001 - no parameters
    """A list batch covers the commission date."""
    return Logic(fails=F("elg01_covering") == 0)


@builds("ELG-02")
def elg_02_bought_on_marketplace(rs: RuleSet) -> Logic:
    """Bought on the e-marketplace, with an order number."""
    return Logic(
        fails=(F("channel") != rs.param("eligibility.procurement_channel")) | F("order_no_present").false
    )


@builds("ELG-03")
def elg_03_marketplace_status_active(rs: RuleSet) -> Logic:
    """The agency may trade on the e-marketplace."""
    return Logic(fails=F("marketplace_status").notin(rs.param("eligibility.tradable_marketplace_statuses")))


@builds("ELG-04")
def elg_04_agency_kind_allowed(rs: RuleSet) -> Logic:
    """The agency is of an allowed kind."""
    return Logic(fails=F("agency_kind").notin(rs.param("eligibility.allowed_agency_kinds")))


@builds("ELG-05")
def elg_05_agency_independent(rs: RuleSet) -> Logic:  # noqa: ARG001 - no parameters
    """No affiliation is the commissioning party or the project unit."""
    return Logic(fails=F("elg05_conflicts") > 0)


@builds("ELG-06")
def elg_06_no_recent_major_violation(rs: RuleSet) -> Logic:  # noqa: ARG001 - window applied in facts
    """No barring violation in the look-back window (the window is fact derivation)."""
    return Logic(fails=F("elg06_violations") > 0)


@builds("ELG-07")
def elg_07_task_may_be_outsourced(rs: RuleSet) -> Logic:
    """The evaluation kind is not on the negative list."""
    return Logic(fails=F("evaluation_kind").notin(rs.param("eligibility.outsourceable_evaluation_kinds")))


@builds("ELG-08")
def elg_08_contract_complete(rs: RuleSet) -> Logic:  # noqa: ARG001 - clause list applied in facts
    """No required clause is missing."""
    return Logic(fails=F("elg08_missing") > 0)


@builds("ELG-09")
def elg_09_clean_record(rs: RuleSet) -> Logic:
    """The latest earlier grade is not the bad grade, and the latest run of composites is not all low."""
    record = rs.param("eligibility.record")
    low = hundredths(record["low_composite"])
    bad_grade = (F("hist_count") >= 1) & (F("hist_latest_grade") == record["bad_grade"])
    low_run = F("hist_count") >= record["low_run"]
    for i in range(1, record["low_run"] + 1):
        low_run = low_run & (F(f"hist_c{i}_h") < low)
    return Logic(fails=bad_grade | low_run)
