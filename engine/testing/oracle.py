"""A straight-line plain-Python reading of the rulebook, written only as a floor and an oracle.

It reads the raw JSON case without validation and decides everything except the trace, top to bottom,
with its own arithmetic: it shares no code with fact derivation or the durable_rules builders. The
numbers, lists and bands come from the version's parameters (``rules/parameters``, through the
rulebook loader), so a version that only changes data is checked by it too. The engine must agree with
it on every generated case; its speed is the floor Python can reach.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

import chinese_calendar
import orjson

from engine.money import amount_in_words
from rules import Rulebook, RuleSet, load_rulebook

D = Decimal
PARTIES = ("expert_panel", "project_unit", "finance_office")
NODES = ("plan", "draft")


def _d(value: Any) -> Decimal:
    return D(str(value))


def _date(text: str) -> date:
    return date.fromisoformat(text)


def _back(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _round(value: Decimal, places: int) -> Decimal:
    return value.quantize(D(1).scaleb(-places), ROUND_HALF_UP)


def _band(rs: RuleSet, x: Decimal) -> str:
    bands = rs.param("assessment.grade_bands")
    top = max(high for _, _, high in bands)
    for grade, low, high in bands:
        if low <= x < high or (x == high == top):
            return str(grade)
    raise ValueError(f"{x} is in no grade band")


@cache
def _workday(day: date) -> bool:
    return bool(chinese_calendar.is_workday(day))


def _late(deadline: str, submitted: str) -> int:
    start, end = _date(deadline), _date(submitted)
    count = 0
    day = start.toordinal() + 1
    while day <= end.toordinal():
        count += _workday(date.fromordinal(day))
        day += 1
    return count


class Oracle:
    """The rulebook read straight, over one rulebook's parameters."""

    def __init__(self, rulebook: Rulebook | None = None) -> None:
        self.rulebook = rulebook or load_rulebook()

    def decide(self, case: dict[str, Any]) -> dict[str, Any]:
        """The decision of a raw case, without its trace."""
        c, a = case["commission"], case["agency"]
        on = _date(c["commissioned_on"])
        rs = self.rulebook.in_force_on(on)
        if rs is None:
            raise ValueError(f"no rule version in force on {on}")
        p = rs.param
        elg: list[str] = []
        warn: list[str] = []
        if not any(_date(b["valid_from"]) <= on <= _date(b["valid_to"]) for b in a["designated_list"]):
            elg.append("ELG-01")
        procurement = c["procurement"]
        if (
            procurement["channel"] != p("eligibility.procurement_channel")
            or not (procurement.get("order_no") or "").strip()
        ):
            elg.append("ELG-02")
        if a["marketplace_status"] not in p("eligibility.tradable_marketplace_statuses"):
            elg.append("ELG-03")
        if a["kind"] not in p("eligibility.allowed_agency_kinds"):
            elg.append("ELG-04")
        if any(x in (c["commissioning_party"], c["project_unit"]) for x in a["affiliations"]):
            elg.append("ELG-05")
        window = _back(on, p("eligibility.violation_lookback_years"))
        if any(
            v["kind"] in p("eligibility.barring_violation_kinds") and window < _date(v["date"]) <= on
            for v in a["violations"]
        ):
            elg.append("ELG-06")
        if c["evaluation_kind"] not in p("eligibility.outsourceable_evaluation_kinds"):
            elg.append("ELG-07")
        if any(x not in c["contract_clauses"] for x in p("eligibility.required_contract_clauses")):
            elg.append("ELG-08")
        earlier = [
            h
            for _, _, h in sorted(
                ((h["decided_on"], i, h) for i, h in enumerate(a["history"]) if _date(h["decided_on"]) < on),
                reverse=True,
            )
        ]
        record = p("eligibility.record")
        run = earlier[: record["low_run"]]
        if earlier and (
            earlier[0]["grade"] == record["bad_grade"]
            or (
                len(run) == record["low_run"]
                and all(_d(h["composite"]) < record["low_composite"] for h in run)
            )
        ):
            warn.append("ELG-09")
        eligibility = "ineligible" if elg else "needs_approval" if warn else "eligible"

        panel = case.get("panel")
        exp: list[str] = []
        conflicted: list[str] = []
        if panel:
            members = panel["members"]
            if len(members) < p("panel.min_members"):
                exp.append("EXP-01")
            if sum(1 for m in members if m["domain_expert"]) < p("panel.min_domain_share") * len(members):
                exp.append("EXP-02")
            if any(m["pool"] not in p("panel.allowed_pools") for m in members):
                exp.append("EXP-03")
            recusal = p("panel.recusal")
            cutoff = _back(_date(panel["formed_on"]), recusal["lookback_years"])
            for m in members:
                for t in m["ties"]:
                    if (
                        t["org"] in (a["name"], c["project_unit"])
                        and t["relation"] in recusal["relations"]
                        and (t.get("until") is None or _date(t["until"]) > cutoff)
                    ):
                        conflicted.append(m["id"])
                        break
            if conflicted:
                exp.append("EXP-04")

        plan, draft = case.get("plan"), case.get("draft")
        pln: list[str] = []
        if plan:
            inds = plan["indicators"]
            full = c["evaluation_kind"] in p("plan_review.full_framework_kinds")
            if any(s not in plan["sections"] for s in p("plan_review.required_sections")):
                pln.append("PLN-01")
            if full and any(x not in {i["level1"] for i in inds} for x in p("plan_review.required_level1")):
                pln.append("PLN-02")
            weights = sum((_d(i["weight"]) for i in inds), D(0))
            if abs(weights - p("plan_review.weight_total")) > p("plan_review.weight_tolerance"):
                pln.append("PLN-03")
            levels = p("plan_review.output_benefit_level1")
            if full and sum((_d(i["weight"]) for i in inds if i["level1"] in levels), D(0)) < p(
                "plan_review.min_output_benefit_weight"
            ):
                pln.append("PLN-04")
            if any(
                i["standard"] not in p("plan_review.allowed_standards") or not i["method"].strip()
                for i in inds
            ):
                pln.append("PLN-05")
            if any(not (i.get("evidence_ref") or "").strip() for i in inds):
                pln.append("PLN-06")
        rpt: list[str] = []
        if draft:
            if any(s not in draft["sections"] for s in p("report_review.required_sections")):
                rpt.append("RPT-01")
            total = _d(draft["reported_total"])
            score_sum = sum((_d(i["score"]) for i in draft["indicator_scores"]), D(0))
            if abs(score_sum - total) > p("report_review.total_tolerance"):
                rpt.append("RPT-02")
            if any(_d(i["score"]) > _d(i["weight"]) for i in draft["indicator_scores"]):
                rpt.append("RPT-03")
            if _band(rs, total) != draft["reported_grade"]:
                rpt.append("RPT-04")
            if not draft["opinions_exchanged"]:
                rpt.append("RPT-05")
            if not draft["signed_and_sealed"]:
                rpt.append("RPT-06")

        ids = [m["id"] for m in panel["members"]] if panel else []
        node: dict[str, dict[str, Decimal | None]] = {}
        for name, part in (("plan", plan), ("draft", draft)):
            s = (part or {}).get("scores") or {}
            ep = s.get("expert_panel") or {}
            mean = (
                _round(sum((_d(ep[i]) for i in ids), D(0)) / len(ids), p("assessment.panel_mean_places"))
                if ids and all(i in ep for i in ids)
                else None
            )
            node[name] = {
                "expert_panel": mean,
                "project_unit": _d(s["project_unit"]) if s.get("project_unit") is not None else None,
                "finance_office": _d(s["finance_office"]) if s.get("finance_office") is not None else None,
            }
        missing = [f"{n}.{party}" for n in NODES for party in PARTIES if node[n][party] is None]
        conduct = bool(case["prohibited_conduct"])
        party_scores = composite = grade = None
        if not missing:
            node_weights, party_weights = p("assessment.node_weights"), p("assessment.party_weights")
            ps = {party: sum((node_weights[n] * node[n][party] for n in NODES), D(0)) for party in PARTIES}
            composite = _round(
                sum((party_weights[party] * ps[party] for party in PARTIES), D(0)),
                p("assessment.composite_places"),
            )
            party_scores = {party: str(v.quantize(D("0.001"))) for party, v in ps.items()}
            grade = _band(rs, composite)
        if conduct:
            grade = p("assessment.prohibited_conduct_grade")

        late = sum(_late(n["deadline"], n["submitted_on"]) for n in (plan, draft) if n)
        fee_amount = _d(c["contract_fee"])
        deduction_rule = p("fees.late_deduction")
        withhold = p("fees.withhold")
        fee: dict[str, Any] = dict.fromkeys(
            ("coefficient", "late_working_days", "deduction", "payable", "payable_in_words")
        )
        flags = []
        if conduct:
            fee.update(
                status="suspended",
                late_working_days=late,
                payable="0.00",
                payable_in_words=amount_in_words(D("0.00")),
            )
            flags.append("FLW-03")
        elif missing:
            fee["status"] = "pending"
        else:
            share = min(deduction_rule["rate_per_working_day"] * late, deduction_rule["cap"])
            deduction = _round(fee_amount * share, 2)
            coefficient = p("fees.grade_coefficients")[grade]
            withheld = grade == withhold["grade"] and draft["rework_round"] < withhold["reworks_required"]  # type: ignore[index]
            payable = (
                D("0.00") if withheld else max(D("0.00"), _round(fee_amount * coefficient - deduction, 2))
            )
            fee.update(
                status="withheld" if withheld else "payable",
                coefficient=str(_round(coefficient, 2)),
                late_working_days=late,
                deduction=str(deduction),
                payable=str(payable),
                payable_in_words=amount_in_words(payable),
            )
            if grade == withhold["grade"]:
                flags.append("FLW-01" if withheld else "FLW-02")
        if late > p("followups.late_violation_days"):
            flags.append("FLW-04")
        low = p("followups.low_composite")
        if composite is not None and composite < low and earlier and _d(earlier[0]["composite"]) < low:
            flags.append("FLW-05")
        divergence = p("followups.divergence_points")
        if any(
            node[n]["project_unit"] is not None
            and node[n]["expert_panel"] is not None
            and node[n]["project_unit"] - node[n]["expert_panel"] > divergence  # type: ignore[operator]
            for n in NODES
        ):
            flags.append("FLW-06")
        return {
            "case_id": case["case_id"],
            "rule_version": rs.version,
            "eligibility": {"status": eligibility, "failed": sorted(elg + warn)},
            "panel": {
                "status": "not_formed" if not panel else "invalid" if exp else "valid",
                "failed": exp,
                "conflicted_members": sorted(conflicted),
            },
            "plan_review": {
                "verdict": "not_submitted" if not plan else "return" if pln else "pass",
                "failed": pln,
            },
            "draft_review": {
                "verdict": "not_submitted" if not draft else "return" if rpt else "pass",
                "failed": rpt,
            },
            "assessment": {
                "status": "incomplete" if missing else "complete",
                "missing": missing,
                "party_scores": party_scores,
                "composite": str(composite) if composite is not None else None,
                "grade": grade,
            },
            "fee": {"status": fee.pop("status"), **fee},
            "flags": sorted(flags),
        }


def decide(case: dict[str, Any]) -> dict[str, Any]:
    """The oracle's decision of a raw case under the process's rulebook."""
    return _default().decide(case)


@cache
def _default() -> Oracle:
    return Oracle()


def main() -> int:
    """JSON Lines of cases in, the oracle's decisions out: the floor of the batch, end to end.

    Run: ``python -m engine.testing.oracle < cases.jsonl > decisions.jsonl`` (no validation, no trace).
    """
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        if line.strip():
            out.write(orjson.dumps(decide(json.loads(line, parse_float=Decimal)), default=str) + b"\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
