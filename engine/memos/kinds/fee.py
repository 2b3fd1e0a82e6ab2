"""第三方评价机构工作质量考评结果及服务费核定单: scores, grade and fee (rulebook §4, §5, §6).

Applies once the fee is decided (not ``pending``). The template prints the payment status by
``fee_status``; each figure carries the footnote of the rule that produced it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.memos.kinds.base import MemoKind, Refusal
from engine.memos.marks import clean
from engine.memos.source import NONE, fact, number
from engine.missing import missing_phrases_of_case

if TYPE_CHECKING:
    from engine.memos.source import Source

__all__ = ["FEE"]

_PARTIES = ("expert_panel", "project_unit", "finance_office")
_PAY_RULES = {"withheld": "FEE-05", "suspended": "FEE-06"}


def _refusal(src: Source) -> Refusal | None:
    if src.decision["fee"]["status"] != "pending":
        return None
    missing = [clean(m) for m in src.decision["assessment"].get("missing") or []]
    return Refusal(
        "memo.fee_pending",
        {"missing": missing_phrases_of_case(missing, src.case)},
        {"missing": missing_phrases_of_case(missing, src.case, "en")},
    )


def _build(src: Source) -> dict[str, Any]:
    fee = src.decision["fee"]
    assessment = src.decision["assessment"]
    asm01, asm02 = src.entry("ASM-01"), src.entry("ASM-02")
    party_scores = assessment.get("party_scores") or {}
    matrix = [
        {
            "party": party,
            "party_name": src.label("party", party),
            "plan": src.node_score("plan", party),
            "draft": src.node_score("draft", party),
            "party_score": number(party_scores.get(party)),
            "weight": str(fact(asm02, "party_weights", party)),
        }
        for party in _PARTIES
    ]
    grade_rule = "ASM-04" if src.entry("ASM-04")["outcome"] == "applied" else "ASM-03"
    draft = src.case.get("draft") or {}
    return {
        "assessment_status": str(assessment["status"]),
        "matrix": matrix,
        "plan_weight": str(fact(asm01, "node_weights", "plan")),
        "draft_weight": str(fact(asm01, "node_weights", "draft")),
        "party_scores_note": src.note("ASM-01"),
        "composite": assessment.get("composite") or NONE,
        "composite_note": src.note("ASM-02"),
        "grade": assessment.get("grade") or NONE,
        "grade_note": src.note(grade_rule),
        "conduct": src.conduct(),
        "rework_round": int(draft.get("rework_round", 0)),
        "coefficient": fee.get("coefficient") or NONE,
        "coefficient_note": src.note("FEE-01"),
        "late_working_days": int(fee.get("late_working_days") or 0),
        "late_detail": clean(src.entry("FEE-02")["detail"]),
        "late_note": src.note("FEE-02"),
        "deduction": fee.get("deduction"),
        "deduction_note": src.note("FEE-03"),
        "payable": fee.get("payable"),
        "payable_note": src.note(_PAY_RULES.get(str(fee["status"]), "FEE-04")),
        "fee_status": str(fee["status"]),
        "follow_ups": [src.flag_row(rule) for rule in src.decision.get("flags", [])],
    }


FEE = MemoKind(name="fee", template="fee", refusal=_refusal, build=_build)
