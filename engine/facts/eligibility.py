"""Facts of the eligibility checks ELG-01..09 (rulebook §1), as of the commission date."""

from __future__ import annotations

from engine.calendar import WorkingDayCalendar
from engine.facts._common import NONE_H, Facts, derives, join, shown, years_before
from engine.models import Case
from rules import RuleSet
from rules.facts import hundredths

# The two latest earlier composites: ELG-09 reads as many as its `low_run` (hist_c1_h, hist_c2_h),
# FLW-05 the latest. A version that asks for more fails to compile, naming the fact it would need.
_COMPOSITES = 2


@derives(
    "elg01_covering",
    "channel",
    "order_no_present",
    "marketplace_status",
    "agency_kind",
    "elg05_conflicts",
    "elg06_violations",
    "evaluation_kind",
    "elg08_missing",
    "hist_count",
    "hist_latest_grade",
    "hist_c1_h",
    "hist_c2_h",
)
def eligibility(case: Case, rs: RuleSet, f: Facts, _calendar: WorkingDayCalendar) -> None:
    """The list batches, procurement, agency kind, independence, violations, clauses and record."""
    c, a = case.commission, case.agency
    on = c.commissioned_on
    covering = [b for b in a.designated_list if b.valid_from <= on <= b.valid_to]
    f.engine["elg01_covering"] = len(covering)
    f.trace["ELG-01"] = {
        "commissioned_on": on.isoformat(),
        "covering_batches": join([b.batch for b in covering]),
        "valid_to": max((b.valid_to for b in covering), default=on).isoformat() if covering else None,
        "batches": join([f"{b.batch}（{b.valid_from}至{b.valid_to}）" for b in a.designated_list]),
    }
    order_no = (c.procurement.order_no or "").strip()
    f.engine["channel"] = c.procurement.channel
    f.engine["order_no_present"] = bool(order_no)
    f.trace["ELG-02"] = {"channel": c.procurement.channel, "order_no": order_no or "无"}
    f.engine["marketplace_status"] = a.marketplace_status
    f.trace["ELG-03"] = {"marketplace_status": a.marketplace_status}
    f.engine["agency_kind"] = a.kind
    f.trace["ELG-04"] = {"agency_kind": a.kind, "allowed_kinds": shown(rs)["allowed_kinds"]}
    conflicts = [x for x in a.affiliations if x in (c.commissioning_party, c.project_unit)]
    f.engine["elg05_conflicts"] = len(conflicts)
    f.trace["ELG-05"] = {
        "commissioning_party": c.commissioning_party,
        "project_unit": c.project_unit,
        "conflicting_affiliations": join(conflicts),
    }
    after = years_before(on, rs.param("eligibility.violation_lookback_years"))
    kinds = rs.param("eligibility.barring_violation_kinds")
    barring = [v for v in a.violations if v.kind in kinds and after < v.date <= on]
    f.engine["elg06_violations"] = len(barring)
    f.trace["ELG-06"] = {
        "window_after": after.isoformat(),
        "commissioned_on": on.isoformat(),
        "barring_violations": join([f"{v.date} {rs.label('violation_kind', v.kind)}" for v in barring]),
    }
    f.engine["evaluation_kind"] = c.evaluation_kind
    f.trace["ELG-07"] = {"evaluation_kind": c.evaluation_kind}
    required = rs.param("eligibility.required_contract_clauses")
    missing = [rs.label("contract_clause", code) for code in required if code not in c.contract_clauses]
    f.engine["elg08_missing"] = len(missing)
    f.trace["ELG-08"] = {"required_count": len(required), "missing_clauses": join(missing)}
    _record(case, rs, f)


def _record(case: Case, rs: RuleSet, f: Facts) -> None:
    """ELG-09's record: earlier assessments, latest first (equal dates: the later entry in the list)."""
    on = case.commission.commissioned_on
    earlier = sorted(
        ((h.decided_on, i, h) for i, h in enumerate(case.agency.history) if h.decided_on < on), reverse=True
    )
    latest = [h for _, _, h in earlier]
    f.engine["hist_count"] = len(latest)
    f.engine["hist_latest_grade"] = latest[0].grade if latest else ""
    for i in range(1, _COMPOSITES + 1):
        f.engine[f"hist_c{i}_h"] = hundredths(latest[i - 1].composite) if len(latest) >= i else NONE_H
    low_run = rs.param("eligibility.record")["low_run"]
    f.trace["ELG-09"] = {
        "history_count": len(latest),
        "latest_grade": latest[0].grade if latest else "无",
        "latest_composites": join([str(h.composite) for h in latest[:low_run]]),
    }
