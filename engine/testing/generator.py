"""Generate valid contract cases with a seeded RNG: varied enough to reach every rule both ways.

Each case varies the worked example (``QB-2024-007.case.json`` beside this module): dates across every
rule version, failures of each check now and then, scores around every grade band.
"""

from __future__ import annotations

import copy
import json
import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

BASE = json.loads(Path(__file__).with_name("QB-2024-007.case.json").read_text(encoding="utf-8"))

KINDS = [
    "consultancy",
    "cpa_firm",
    "appraisal_firm",
    "law_firm",
    "research_institute",
    "university",
    "individual",
]
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
CONDUCT = [
    "fabrication",
    "collusion",
    "unauthorised_subcontracting",
    "improper_gain",
    "leak",
    "undisclosed_conflict",
]
GRADES = ["优", "良", "中", "差"]
_WEIGHT_SLIPS = ["-0.02", "-0.01", "0.01", "0.02", "5"]  # a weight off by a little, or by a lot
FIRST = date(2021, 8, 1)
LAST = date(2026, 6, 30)


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _score(rng: random.Random, centre: float) -> str:
    value = min(100.0, max(0.0, rng.gauss(centre, 8)))
    return f"{round(value, 1):.1f}"


def _maybe_drop(rng: random.Random, items: list[str], p: float) -> list[str]:
    return [x for x in items if rng.random() > p]


def _commission(c: dict[str, Any], index: int, rng: random.Random, on: date) -> None:
    c["commissioned_on"] = on.isoformat()
    c["evaluation_kind"] = rng.choice(
        ["post", "post", "tracking", "pre", "self"] if rng.random() < 0.2 else ["post"]
    )
    c["contract_fee"] = f"{rng.randint(5000, 300000)}.{rng.randint(0, 99):02d}"
    c["procurement"] = rng.choice(
        [{"channel": "e_marketplace", "order_no": f"DZMC-{index}"}] * 8
        + [{"channel": "public_tender", "order_no": None}, {"channel": "e_marketplace", "order_no": " "}]
    )
    c["contract_clauses"] = _maybe_drop(rng, CLAUSES, 0.02)


def _agency(a: dict[str, Any], c: dict[str, Any], rng: random.Random, on: date) -> None:
    a["kind"] = rng.choice(KINDS) if rng.random() < 0.2 else "cpa_firm"
    start = on - timedelta(days=rng.randint(-30, 900))
    a["designated_list"] = [
        {
            "batch": "B1",
            "valid_from": start.isoformat(),
            "valid_to": (start + timedelta(days=rng.randint(0, 1100))).isoformat(),
        }
    ]
    a["marketplace_status"] = rng.choice(["active"] * 12 + ["frozen", "suspended", "removed"])
    a["affiliations"] = [c["project_unit"]] if rng.random() < 0.03 else []
    a["violations"] = [
        {
            "kind": rng.choice(["major_illegal_record", "complaint_upheld", "other"]),
            "date": _day(rng, on - timedelta(days=1400), on + timedelta(days=30)).isoformat(),
        }
        for _ in range(rng.choice([0, 0, 0, 0, 1, 2]))
    ]
    a["history"] = [
        {
            "decided_on": _day(rng, on - timedelta(days=1500), on + timedelta(days=60)).isoformat(),
            "composite": _score(rng, 80),
            "grade": rng.choice(GRADES),
        }
        for _ in range(rng.choice([0, 1, 1, 2, 3]))
    ]


def _tie(rng: random.Random, on: date, orgs: list[str]) -> dict[str, Any]:
    until = (
        _day(rng, on - timedelta(days=1500), on + timedelta(days=30)).isoformat()
        if rng.random() < 0.8
        else None
    )
    tie = {
        "org": rng.choice(orgs),
        "relation": rng.choice(["employee", "director", "supervisor", "controller", "relative_of_head"]),
    }
    if until:
        tie["until"] = until
    return tie


def _panel(case: dict[str, Any], rng: random.Random, on: date) -> list[str]:
    """The panel's members (now and then a tie, another pool, fewer domain experts); their ids."""
    panel = case["panel"]
    panel["formed_on"] = (on + timedelta(days=rng.randint(0, 60))).isoformat()
    orgs = [case["agency"]["name"], case["commission"]["project_unit"], "无关单位"]
    members: list[dict[str, Any]] = []
    for i in range(rng.choice([5, 5, 5, 4, 6, 7])):
        ties = [_tie(rng, on, orgs)] if rng.random() < 0.1 else []
        members.append(
            {
                "id": f"E{i + 1}",
                "name": f"专家{i + 1}",
                "pool": rng.choice(["municipal", "district"] * 10 + ["other"]),
                "domain_expert": rng.random() < 0.6,
                "ties": ties,
            }
        )
    panel["members"] = members
    return [m["id"] for m in members]


def _plan(plan: dict[str, Any], rng: random.Random, on: date) -> date:
    """The plan's dates, sections and indicators; its deadline."""
    deadline = on + timedelta(days=rng.randint(20, 60))
    plan["deadline"] = deadline.isoformat()
    plan["submitted_on"] = (deadline + timedelta(days=rng.choice([-3, 0, 0, 1, 2, 5, 12, 20]))).isoformat()
    plan["sections"] = _maybe_drop(rng, PLAN_SECTIONS, 0.03)
    for ind in plan["indicators"]:
        if rng.random() < 0.05:
            ind["weight"] = f"{Decimal(ind['weight']) + Decimal(rng.choice(_WEIGHT_SLIPS)):.2f}"
        if rng.random() < 0.02:
            ind["standard"] = "自定标准"
        if rng.random() < 0.02:
            ind.pop("evidence_ref")
    return deadline


def _draft(draft: dict[str, Any], rng: random.Random, plan_deadline: date) -> None:
    d_deadline = plan_deadline + timedelta(days=rng.randint(40, 120))
    draft["deadline"] = d_deadline.isoformat()
    draft["submitted_on"] = (d_deadline + timedelta(days=rng.choice([-5, 0, 0, 1, 3, 9, 16]))).isoformat()
    draft["rework_round"] = rng.choice([0, 0, 0, 1, 2])
    draft["sections"] = _maybe_drop(rng, REPORT_SECTIONS, 0.03)
    if rng.random() < 0.05:
        draft["reported_total"] = rng.choice(["87.05", "87.06", "90", "60", "59.99"])
    if rng.random() < 0.05:
        draft["reported_grade"] = rng.choice(GRADES)
    draft["opinions_exchanged"] = rng.random() > 0.03
    draft["signed_and_sealed"] = rng.random() > 0.03


def _scores(rng: random.Random, ids: list[str], centre: int) -> dict[str, Any]:
    return {
        "expert_panel": {i: _score(rng, centre) for i in ids},
        "project_unit": _score(rng, centre + 3),
        "finance_office": _score(rng, centre),
    }


def generate(index: int, rng: random.Random) -> dict[str, Any]:
    """One case; mostly clean, with every kind of failure and boundary showing up now and then."""
    case: dict[str, Any] = copy.deepcopy(BASE)
    case["case_id"] = f"GEN-{index:06d}"
    on = _day(rng, FIRST, LAST)
    _commission(case["commission"], index, rng, on)
    _agency(case["agency"], case["commission"], rng, on)
    ids = _panel(case, rng, on)
    deadline = _plan(case["plan"], rng, on)
    centre = rng.choice([92, 86, 75, 55])
    case["plan"]["scores"] = _scores(rng, ids, centre)
    _draft(case["draft"], rng, deadline)
    case["draft"]["scores"] = _scores(rng, ids, centre)
    roll = rng.random()  # now and then a node, a member's score or the panel is missing
    if roll < 0.05:
        del case["draft"]
    elif roll < 0.08:
        del case["plan"]
    elif roll < 0.15:
        case["draft"]["scores"]["expert_panel"].pop(ids[0])
    elif roll < 0.18:
        del case["panel"]
        for node in ("plan", "draft"):
            case[node]["scores"].pop("expert_panel")
    case["prohibited_conduct"] = [rng.choice(CONDUCT)] if rng.random() < 0.03 else []
    return case


def cases(n: int, seed: int = 20240315) -> list[dict[str, Any]]:
    """``n`` generated cases, the same for the same seed."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not a secret
    return [generate(i, rng) for i in range(n)]
