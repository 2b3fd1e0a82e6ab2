"""Fact derivation: the plain-Python arithmetic of rulebook §0 "Where arithmetic lives".

Dates, windows, sums, means, weighted scores, rounding and late working days are computed here, exactly,
with Decimal; the result is one flat engine fact (ints in hundredths, bools, strings) for durable_rules
to decide on, plus the per-rule facts the trace shows. Nothing here decides whether a rule holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from engine.calendar import CalendarGapError, WorkingDayCalendar
from engine.errors import CaseError
from engine.models import Case, Plan, Scores
from engine.money import quantize, to_fen
from rules import RuleSet
from rules.rulesets._registry import hundredths

NODES = ("plan", "draft")
PARTIES = ("expert_panel", "project_unit", "finance_office")
NONE_H = -1  # "no such value" for hundredths facts; every real score is >= 0
_NODE_PARTY = tuple(
    (n, p, f"{n}.{p}") for n in NODES for p in PARTIES
)  # ("plan", "expert_panel", "plan.expert_panel")


def years_before(day: date, years: int) -> date:
    """The same month and day ``years`` earlier; 29 February becomes 28 February (contract conventions)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _join(items: list[str]) -> str:
    return "、".join(items) if items else "无"


@dataclass
class Facts:
    """Everything derived from a case before the engine runs."""

    engine: dict[str, Any] = field(default_factory=dict)
    trace: dict[str, dict[str, Any]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    party_scores: dict[str, Decimal] | None = None
    composite: Decimal | None = None
    late_working_days: int = 0
    deduction: Decimal = Decimal("0.00")
    conflicted_members: list[str] = field(default_factory=list)


_SHOWN: dict[tuple[str, str], dict[str, Any]] = {}


def _shown(rs: RuleSet) -> dict[str, Any]:
    """The version's parameters as the trace shows them: the same for every case, so written once.

    Keyed by version and content hash (a changed rule directory is a new entry). The weight maps are
    copied into each case's trace, never shared.
    """
    key = (rs.version, rs.content_hash)
    shown = _SHOWN.get(key)
    if shown is None:
        shown = _SHOWN[key] = {
            "allowed_kinds": _join(
                [rs.label("agency_kind", k) for k in rs.param("eligibility.allowed_agency_kinds")]
            ),
            "min_domain_share": str(rs.param("panel.min_domain_share")),
            "allowed_pools": _join([rs.label("pool", p) for p in rs.param("panel.allowed_pools")]),
            "required_level1": _join(list(rs.param("plan_review.required_level1"))),
            "weight_total": str(rs.param("plan_review.weight_total")),
            "weight_tolerance": str(rs.param("plan_review.weight_tolerance")),
            "min_output_benefit_weight": str(rs.param("plan_review.min_output_benefit_weight")),
            "total_tolerance": str(rs.param("report_review.total_tolerance")),
            "node_weights": {k: str(v) for k, v in rs.param("assessment.node_weights").items()},
            "party_weights": {k: str(v) for k, v in rs.param("assessment.party_weights").items()},
            "divergence_points": str(rs.param("followups.divergence_points")),
            "low_composite": str(rs.param("followups.low_composite")),
            "rate_per_working_day": str(rs.param("fees.late_deduction")["rate_per_working_day"]),
            "cap": str(rs.param("fees.late_deduction")["cap"]),
        }
    return shown


def derive(case: Case, rs: RuleSet, calendar: WorkingDayCalendar) -> Facts:
    """Derive the engine fact and the trace facts of a validated case under one rule version."""
    facts = Facts()
    _eligibility(case, rs, facts)
    _panel(case, rs, facts)
    _plan(case, rs, facts)
    _draft(case, rs, facts)
    _assessment(case, rs, facts)
    _fees(case, rs, calendar, facts)
    return facts


def _eligibility(case: Case, rs: RuleSet, f: Facts) -> None:
    c, a = case.commission, case.agency
    on = c.commissioned_on
    covering = [b for b in a.designated_list if b.valid_from <= on <= b.valid_to]
    f.engine["elg01_covering"] = len(covering)
    f.trace["ELG-01"] = {
        "commissioned_on": on.isoformat(),
        "covering_batches": _join([b.batch for b in covering]),
        "valid_to": max((b.valid_to for b in covering), default=on).isoformat() if covering else None,
        "batches": _join([f"{b.batch}（{b.valid_from}至{b.valid_to}）" for b in a.designated_list]),
    }
    order_no = (c.procurement.order_no or "").strip()
    f.engine["channel"] = c.procurement.channel
    f.engine["order_no_present"] = bool(order_no)
    f.trace["ELG-02"] = {"channel": c.procurement.channel, "order_no": order_no or "无"}
    f.engine["marketplace_status"] = a.marketplace_status
    f.trace["ELG-03"] = {"marketplace_status": a.marketplace_status}
    f.engine["agency_kind"] = a.kind
    f.trace["ELG-04"] = {
        "agency_kind": a.kind,
        "allowed_kinds": _shown(rs)["allowed_kinds"],
    }
    conflicts = [x for x in a.affiliations if x in (c.commissioning_party, c.project_unit)]
    f.engine["elg05_conflicts"] = len(conflicts)
    f.trace["ELG-05"] = {
        "commissioning_party": c.commissioning_party,
        "project_unit": c.project_unit,
        "conflicting_affiliations": _join(conflicts),
    }
    after = years_before(on, rs.param("eligibility.violation_lookback_years"))
    kinds = rs.param("eligibility.barring_violation_kinds")
    barring = [v for v in a.violations if v.kind in kinds and after < v.date <= on]
    f.engine["elg06_violations"] = len(barring)
    f.trace["ELG-06"] = {
        "window_after": after.isoformat(),
        "commissioned_on": on.isoformat(),
        "barring_violations": _join([f"{v.date} {rs.label('violation_kind', v.kind)}" for v in barring]),
    }
    f.engine["evaluation_kind"] = c.evaluation_kind
    f.trace["ELG-07"] = {"evaluation_kind": c.evaluation_kind}
    required = rs.param("eligibility.required_contract_clauses")
    missing = [rs.label("contract_clause", code) for code in required if code not in c.contract_clauses]
    f.engine["elg08_missing"] = len(missing)
    f.trace["ELG-08"] = {"required_count": len(required), "missing_clauses": _join(missing)}
    record = rs.param("eligibility.record")
    earlier = sorted(
        ((h.decided_on, i, h) for i, h in enumerate(a.history) if h.decided_on < on), reverse=True
    )
    latest = [h for _, _, h in earlier]
    f.engine["hist_count"] = len(latest)
    f.engine["hist_latest_grade"] = latest[0].grade if latest else ""
    for i in range(1, max(record["low_run"], 1) + 1):
        f.engine[f"hist_c{i}_h"] = hundredths(latest[i - 1].composite) if len(latest) >= i else NONE_H
    f.trace["ELG-09"] = {
        "history_count": len(latest),
        "latest_grade": latest[0].grade if latest else "无",
        "latest_composites": _join([str(h.composite) for h in latest[: record["low_run"]]]),
    }


def _panel(case: Case, rs: RuleSet, f: Facts) -> None:
    panel = case.panel
    f.engine["panel_formed"] = panel is not None
    if panel is None:
        for rule in ("EXP-01", "EXP-02", "EXP-03", "EXP-04"):
            f.trace[rule] = {"panel": "未组建"}
        for key in (
            "member_count",
            "exp02_domain_scaled",
            "exp02_members_scaled",
            "exp03_outside",
            "exp04_conflicted",
        ):
            f.engine[key] = 0
        return
    members = panel.members
    count = len(members)
    domain = sum(1 for m in members if m.domain_expert)
    share = rs.param("panel.min_domain_share")
    numerator, denominator = share.as_integer_ratio()
    f.engine["member_count"] = count
    f.engine["exp02_domain_scaled"] = domain * denominator
    f.engine["exp02_members_scaled"] = count * numerator
    f.trace["EXP-01"] = {"member_count": count, "min_members": rs.param("panel.min_members")}
    f.trace["EXP-02"] = {
        "member_count": count,
        "domain_count": domain,
        "min_domain_share": _shown(rs)["min_domain_share"],
    }
    pools = rs.param("panel.allowed_pools")
    outside = [f"{m.id} {m.name}（{rs.label('pool', m.pool)}）" for m in members if m.pool not in pools]
    f.engine["exp03_outside"] = len(outside)
    f.trace["EXP-03"] = {
        "outside_pool": _join(outside),
        "allowed_pools": _shown(rs)["allowed_pools"],
    }
    recusal = rs.param("panel.recusal")
    cutoff = years_before(panel.formed_on, recusal["lookback_years"])
    orgs = (case.agency.name, case.commission.project_unit)
    conflicted, described = [], []
    for m in members:
        ties = [
            t
            for t in m.ties
            if t.org in orgs and t.relation in recusal["relations"] and (t.until is None or t.until > cutoff)
        ]
        if ties:
            conflicted.append(m.id)
            links = "；".join(f"{t.org}{rs.label('relation', t.relation)}，至{t.until or '今'}" for t in ties)
            described.append(f"{m.id} {m.name}（{links}）")
    f.conflicted_members = sorted(conflicted)
    f.engine["exp04_conflicted"] = len(conflicted)
    f.trace["EXP-04"] = {
        "formed_on": panel.formed_on.isoformat(),
        "tie_cutoff": cutoff.isoformat(),
        "conflicted_members": f.conflicted_members,
        "conflicts": _join(described),
    }


def _plan(case: Case, rs: RuleSet, f: Facts) -> None:
    plan: Plan | None = case.plan
    f.engine["plan_submitted"] = plan is not None
    if plan is None:
        for key in (
            "pln01_missing",
            "pln02_missing",
            "pln03_weight_h",
            "pln04_weight_h",
            "pln05_lacking",
            "pln06_lacking",
        ):
            f.engine[key] = 0
        for rule in ("PLN-01", "PLN-02", "PLN-03", "PLN-04", "PLN-05", "PLN-06"):
            f.trace[rule] = {"plan": "未提交"}
        return
    missing = [
        f"“{rs.label('plan_section', code)}”"
        for code in rs.param("plan_review.required_sections")
        if code not in plan.sections
    ]
    f.engine["pln01_missing"] = len(missing)
    f.trace["PLN-01"] = {"missing_sections": _join(missing)}
    required = rs.param("plan_review.required_level1")
    present = {i.level1 for i in plan.indicators}
    lacking_level1 = [x for x in required if x not in present]
    f.engine["pln02_missing"] = len(lacking_level1)
    f.trace["PLN-02"] = {
        "evaluation_kind": case.commission.evaluation_kind,
        "required_level1": _shown(rs)["required_level1"],
        "missing_level1": _join(lacking_level1),
    }
    total = sum((i.weight for i in plan.indicators), Decimal(0))
    f.engine["pln03_weight_h"] = hundredths(total)
    f.trace["PLN-03"] = {
        "weight_sum": str(total),
        "weight_total": _shown(rs)["weight_total"],
        "tolerance": _shown(rs)["weight_tolerance"],
    }
    levels = rs.param("plan_review.output_benefit_level1")
    output_benefit = sum((i.weight for i in plan.indicators if i.level1 in levels), Decimal(0))
    f.engine["pln04_weight_h"] = hundredths(output_benefit)
    f.trace["PLN-04"] = {
        "output_benefit_weight": str(output_benefit),
        "minimum": _shown(rs)["min_output_benefit_weight"],
    }
    standards = rs.param("plan_review.allowed_standards")
    lacking = [i.name for i in plan.indicators if i.standard not in standards or not i.method.strip()]
    f.engine["pln05_lacking"] = len(lacking)
    f.trace["PLN-05"] = {"indicator_count": len(plan.indicators), "indicators_lacking": _join(lacking)}
    no_evidence = [i.name for i in plan.indicators if not (i.evidence_ref or "").strip()]
    f.engine["pln06_lacking"] = len(no_evidence)
    f.trace["PLN-06"] = {
        "indicator_count": len(plan.indicators),
        "indicators_without_evidence": _join(no_evidence),
    }


def _draft(case: Case, rs: RuleSet, f: Facts) -> None:
    draft = case.draft
    f.engine["draft_submitted"] = draft is not None
    if draft is None:
        for key in ("rpt01_missing", "rpt02_diff_h", "rpt03_out", "rpt04_total_h", "rework_round"):
            f.engine[key] = 0
        f.engine.update(reported_grade="", opinions_exchanged=True, signed_and_sealed=True)
        for rule in ("RPT-01", "RPT-02", "RPT-03", "RPT-04", "RPT-05", "RPT-06"):
            f.trace[rule] = {"draft": "未提交"}
        return
    missing = [
        f"“{rs.label('report_section', code)}”"
        for code in rs.param("report_review.required_sections")
        if code not in draft.sections
    ]
    f.engine["rpt01_missing"] = len(missing)
    f.trace["RPT-01"] = {"missing_sections": _join(missing)}
    score_sum = sum((i.score for i in draft.indicator_scores), Decimal(0))
    difference = abs(score_sum - draft.reported_total)
    f.engine["rpt02_diff_h"] = hundredths(difference)
    f.trace["RPT-02"] = {
        "score_sum": str(score_sum),
        "reported_total": str(draft.reported_total),
        "difference": str(difference),
        "tolerance": _shown(rs)["total_tolerance"],
    }
    out = [f"{i.name}（{i.score}/{i.weight}）" for i in draft.indicator_scores if i.score > i.weight]
    f.engine["rpt03_out"] = len(out)
    f.trace["RPT-03"] = {"indicator_count": len(draft.indicator_scores), "out_of_range": _join(out)}
    f.engine["rpt04_total_h"] = hundredths(draft.reported_total)
    f.engine["reported_grade"] = draft.reported_grade
    f.trace["RPT-04"] = {"reported_total": str(draft.reported_total), "reported_grade": draft.reported_grade}
    f.engine["opinions_exchanged"] = draft.opinions_exchanged
    f.trace["RPT-05"] = {"opinions_exchanged": draft.opinions_exchanged}
    f.engine["signed_and_sealed"] = draft.signed_and_sealed
    f.trace["RPT-06"] = {"signed_and_sealed": draft.signed_and_sealed}
    f.engine["rework_round"] = draft.rework_round


def _node_scores(case: Case, scores: Scores | None, places: int) -> dict[str, Decimal | None]:
    """The three parties' scores at one node; the panel's is the members' mean once all have scored."""
    out: dict[str, Decimal | None] = dict.fromkeys(PARTIES)
    if scores is None:
        return out
    members = [m.id for m in case.panel.members] if case.panel else []
    given = scores.expert_panel or {}
    if members and all(m in given for m in members):
        out["expert_panel"] = quantize(sum((given[m] for m in members), Decimal(0)) / len(members), places)
    out["project_unit"] = scores.project_unit
    out["finance_office"] = scores.finance_office
    return out


def _assessment(case: Case, rs: RuleSet, f: Facts) -> None:
    places = rs.param("assessment.panel_mean_places")
    nodes = {
        "plan": _node_scores(case, case.plan.scores if case.plan else None, places),
        "draft": _node_scores(case, case.draft.scores if case.draft else None, places),
    }
    node_facts: dict[str, str | None] = {}
    given: dict[tuple[str, str], Decimal] = {}
    for n, p, key in _NODE_PARTY:
        value = nodes[n][p]
        if value is None:
            node_facts[key] = None
            f.missing.append(key)
        else:
            node_facts[key] = str(value)
            given[n, p] = value
    complete = not f.missing
    node_weights = rs.param("assessment.node_weights")
    party_weights = rs.param("assessment.party_weights")
    if complete:
        f.party_scores = {p: sum((node_weights[n] * given[n, p] for n in NODES), Decimal(0)) for p in PARTIES}
        f.composite = quantize(
            sum((party_weights[p] * f.party_scores[p] for p in PARTIES), Decimal(0)),
            rs.param("assessment.composite_places"),
        )
    conduct = list(case.prohibited_conduct)
    f.engine["complete"] = complete
    f.engine["conduct"] = bool(conduct)
    f.engine["composite_h"] = hundredths(f.composite) if f.composite is not None else NONE_H
    shown = (
        {p: str(quantize(v, 3)) for p, v in f.party_scores.items()}
        if f.party_scores
        else dict.fromkeys(PARTIES)
    )
    f.trace["ASM-01"] = {
        "node_weights": dict(_shown(rs)["node_weights"]),
        "node_scores": node_facts,
        "missing": _join(f.missing),
        **shown,
    }
    f.trace["ASM-02"] = {
        "party_weights": dict(_shown(rs)["party_weights"]),
        "composite": str(f.composite) if f.composite is not None else None,
    }
    f.trace["ASM-03"] = {"composite": f.trace["ASM-02"]["composite"]}
    f.trace["ASM-04"] = {"prohibited_conduct": conduct}
    divergent: dict[str, str] = {}
    for n in NODES:
        unit, mean = nodes[n]["project_unit"], nodes[n]["expert_panel"]
        f.engine[f"{n}_div_known"] = unit is not None and mean is not None
        f.engine[f"{n}_div_h"] = 0
        if unit is not None and mean is not None:
            f.engine[f"{n}_div_h"] = hundredths(unit - mean)
            divergent[n] = str(unit - mean)
    f.trace["FLW-06"] = {
        "unit_minus_panel": divergent,
        "threshold": _shown(rs)["divergence_points"],
    }
    latest = f.engine["hist_c1_h"]
    f.trace["FLW-05"] = {
        "composite": f.trace["ASM-02"]["composite"],
        "previous_composite": str(Decimal(latest) / 100) if latest != NONE_H else "无",
        "threshold": _shown(rs)["low_composite"],
    }
    for rule in ("FLW-01", "FLW-02", "FLW-03"):
        f.trace[rule] = {}


def _late_days(calendar: WorkingDayCalendar, node: str, deadline: date, submitted: date) -> int:
    try:
        return calendar.late_working_days(deadline, submitted)
    except CalendarGapError as exc:
        raise CaseError(
            [
                {
                    "loc": [node, "submitted_on"],
                    "msg": (
                        f"the working-day calendar does not cover {exc.year}; "
                        f"add rules/calendar/{exc.year}.yaml"
                    ),
                    "type": "calendar_gap",
                }
            ]
        ) from None


def _fees(case: Case, rs: RuleSet, calendar: WorkingDayCalendar, f: Facts) -> None:
    late: dict[str, int] = {}
    for name, node in (("plan", case.plan), ("draft", case.draft)):
        late[name] = _late_days(calendar, name, node.deadline, node.submitted_on) if node else 0
    total = late["plan"] + late["draft"]
    f.late_working_days = total
    f.engine["late_days"] = total
    rule = rs.param("fees.late_deduction")
    share = min(rule["rate_per_working_day"] * total, rule["cap"])
    f.deduction = to_fen(case.commission.contract_fee * share)
    f.trace["FEE-02"] = {
        "plan_late_days": late["plan"],
        "draft_late_days": late["draft"],
        "late_working_days": total,
    }
    f.trace["FEE-03"] = {
        "contract_fee": str(case.commission.contract_fee),
        "rate_per_working_day": _shown(rs)["rate_per_working_day"],
        "cap": _shown(rs)["cap"],
        "late_working_days": total,
        "share": str(share),
        "deduction": str(f.deduction),
    }
    f.trace["FLW-04"] = {"late_working_days": total, "threshold": rs.param("followups.late_violation_days")}
