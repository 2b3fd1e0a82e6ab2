"""A straight-line plain-Python reading of the rulebook, written only as a floor and an oracle.

It hard-codes the rulebook's numbers on purpose (the product keeps them in rules/), reads the raw JSON
case without validation, and decides everything except the trace. The engine must agree with it on
every generated case; its speed is the floor Python can reach.
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

D = Decimal
ALLOWED_KINDS = {"consultancy", "cpa_firm", "appraisal_firm", "law_firm", "research_institute", "university"}
CLAUSES = [
    "parties",
    "scope",
    "requirements",
    "timeline",
    "fee_payment",
    "liability",
    "confidentiality",
    "quality_fee_linkage",
]
PLAN_SECTIONS = ["project_overview", "evaluation_framework", "evidence_methods", "timetable"]
REPORT_SECTIONS = [
    "summary",
    "project_overview",
    "evaluation_work",
    "analysis_conclusion",
    "experience_problems_suggestions",
    "other_matters",
]
STANDARDS = {"计划标准", "行业标准", "历史标准", "其他标准"}
COEFFICIENT = {"优": D("1.00"), "良": D("0.95"), "中": D("0.85"), "差": D("0.60")}


def _d(value: Any) -> Decimal:
    return D(str(value))


def _date(text: str) -> date:
    return date.fromisoformat(text)


def _back3(day: date) -> date:
    try:
        return day.replace(year=day.year - 3)
    except ValueError:
        return day.replace(year=day.year - 3, day=28)


def _band(x: Decimal) -> str:
    return "优" if x >= 90 else "良" if x >= 80 else "中" if x >= 60 else "差"


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


def decide(case: dict[str, Any]) -> dict[str, Any]:
    """The rulebook, top to bottom."""
    c, a = case["commission"], case["agency"]
    on = _date(c["commissioned_on"])
    version = "2024-01-01" if on >= date(2024, 1, 1) else "2021-08-01"
    elg: list[str] = []
    warn: list[str] = []
    if not any(_date(b["valid_from"]) <= on <= _date(b["valid_to"]) for b in a["designated_list"]):
        elg.append("ELG-01")
    if c["procurement"]["channel"] != "e_marketplace" or not (c["procurement"].get("order_no") or "").strip():
        elg.append("ELG-02")
    if a["marketplace_status"] != "active":
        elg.append("ELG-03")
    if a["kind"] not in ALLOWED_KINDS:
        elg.append("ELG-04")
    if any(x in (c["commissioning_party"], c["project_unit"]) for x in a["affiliations"]):
        elg.append("ELG-05")
    if any(
        v["kind"] == "major_illegal_record" and _back3(on) < _date(v["date"]) <= on for v in a["violations"]
    ):
        elg.append("ELG-06")
    if c["evaluation_kind"] == "self":
        elg.append("ELG-07")
    if any(x not in c["contract_clauses"] for x in CLAUSES):
        elg.append("ELG-08")
    earlier = [
        h
        for _, _, h in sorted(
            ((h["decided_on"], i, h) for i, h in enumerate(a["history"]) if _date(h["decided_on"]) < on),
            reverse=True,
        )
    ]
    if earlier and (
        earlier[0]["grade"] == "差"
        or (len(earlier) >= 2 and _d(earlier[0]["composite"]) < 80 and _d(earlier[1]["composite"]) < 80)
    ):
        warn.append("ELG-09")
    eligibility = "ineligible" if elg else "needs_approval" if warn else "eligible"

    panel = case.get("panel")
    exp: list[str] = []
    conflicted: list[str] = []
    if panel:
        members = panel["members"]
        formed = _date(panel["formed_on"])
        if len(members) < 5:
            exp.append("EXP-01")
        if sum(1 for m in members if m["domain_expert"]) * 2 < len(members):
            exp.append("EXP-02")
        if any(m["pool"] not in ("municipal", "district") for m in members):
            exp.append("EXP-03")
        for m in members:
            for t in m["ties"]:
                if t["org"] in (a["name"], c["project_unit"]) and (
                    t.get("until") is None or _date(t["until"]) > _back3(formed)
                ):
                    conflicted.append(m["id"])
                    break
        if conflicted:
            exp.append("EXP-04")

    plan, draft = case.get("plan"), case.get("draft")
    pln: list[str] = []
    if plan:
        inds = plan["indicators"]
        full = c["evaluation_kind"] in ("tracking", "post")
        if any(s not in plan["sections"] for s in PLAN_SECTIONS):
            pln.append("PLN-01")
        if full and any(x not in {i["level1"] for i in inds} for x in ("决策", "过程", "产出", "效益")):
            pln.append("PLN-02")
        if abs(sum((_d(i["weight"]) for i in inds), D(0)) - 100) > D("0.01"):
            pln.append("PLN-03")
        if full and sum((_d(i["weight"]) for i in inds if i["level1"] in ("产出", "效益")), D(0)) < 60:
            pln.append("PLN-04")
        if any(i["standard"] not in STANDARDS or not i["method"].strip() for i in inds):
            pln.append("PLN-05")
        if any(not (i.get("evidence_ref") or "").strip() for i in inds):
            pln.append("PLN-06")
    rpt: list[str] = []
    if draft:
        if any(s not in draft["sections"] for s in REPORT_SECTIONS):
            rpt.append("RPT-01")
        total = _d(draft["reported_total"])
        if abs(sum((_d(i["score"]) for i in draft["indicator_scores"]), D(0)) - total) > D("0.05"):
            rpt.append("RPT-02")
        if any(_d(i["score"]) > _d(i["weight"]) for i in draft["indicator_scores"]):
            rpt.append("RPT-03")
        if _band(total) != draft["reported_grade"]:
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
            (sum((_d(ep[i]) for i in ids), D(0)) / len(ids)).quantize(D("0.01"), ROUND_HALF_UP)
            if ids and all(i in ep for i in ids)
            else None
        )
        node[name] = {
            "expert_panel": mean,
            "project_unit": _d(s["project_unit"]) if s.get("project_unit") is not None else None,
            "finance_office": _d(s["finance_office"]) if s.get("finance_office") is not None else None,
        }
    parties = ("expert_panel", "project_unit", "finance_office")
    missing = [f"{n}.{p}" for n in ("plan", "draft") for p in parties if node[n][p] is None]
    conduct = bool(case["prohibited_conduct"])
    party_scores = composite = grade = None
    if not missing:
        ps = {p: D("0.4") * node["plan"][p] + D("0.6") * node["draft"][p] for p in parties}  # type: ignore[operator]
        composite = (
            D("0.5") * ps["expert_panel"] + D("0.3") * ps["finance_office"] + D("0.2") * ps["project_unit"]
        ).quantize(D("0.01"), ROUND_HALF_UP)
        party_scores = {p: str(v.quantize(D("0.001"))) for p, v in ps.items()}
        grade = _band(composite)
    if conduct:
        grade = "差"

    late = sum(_late(n["deadline"], n["submitted_on"]) for n in (plan, draft) if n)
    fee_amount = _d(c["contract_fee"])
    rate, cap = (D("0.01"), D("0.10")) if version == "2024-01-01" else (D("0.005"), D("0.05"))
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
        deduction = (fee_amount * min(rate * late, cap)).quantize(D("0.01"), ROUND_HALF_UP)
        withheld = grade == "差" and draft["rework_round"] == 0  # type: ignore[index]
        payable = (
            D("0.00")
            if withheld
            else max(
                D("0.00"), (fee_amount * COEFFICIENT[grade] - deduction).quantize(D("0.01"), ROUND_HALF_UP)
            )
        )  # type: ignore[index]
        fee.update(
            status="withheld" if withheld else "payable",
            coefficient=str(COEFFICIENT[grade]),  # type: ignore[index]
            late_working_days=late,
            deduction=str(deduction),
            payable=str(payable),
            payable_in_words=amount_in_words(payable),
        )
        if grade == "差":
            flags.append("FLW-01" if withheld else "FLW-02")
    if late > 10:
        flags.append("FLW-04")
    if composite is not None and composite < 80 and earlier and _d(earlier[0]["composite"]) < 80:
        flags.append("FLW-05")
    if any(
        node[n]["project_unit"] is not None
        and node[n]["expert_panel"] is not None
        and node[n]["project_unit"] - node[n]["expert_panel"] > 15
        for n in ("plan", "draft")
    ):  # type: ignore[operator]
        flags.append("FLW-06")
    return {
        "case_id": case["case_id"],
        "rule_version": version,
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


def main() -> int:
    """JSON Lines of cases in, the oracle's decisions out: the floor of the batch, end to end.

    Run: ``python -m bench.oracle < cases.jsonl > decisions.jsonl`` (no validation, no trace).
    """
    out = sys.stdout.buffer
    for line in sys.stdin.buffer:
        if line.strip():
            out.write(orjson.dumps(decide(json.loads(line, parse_float=Decimal)), default=str) + b"\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
