"""移送函 to the district finance bureau, when FLW-02 or FLW-03 is raised (rulebook §6).

The template words the request by ``referral_rule``: FLW-03 (proven misconduct, which only finance
departments at county level and above may sanction) before FLW-02 (差 after rework: a list review).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.memos.kinds.base import MemoKind, Refusal
from engine.memos.source import NONE

if TYPE_CHECKING:
    from engine.memos.source import Source

__all__ = ["REFERRAL"]

REFERRED = ("FLW-02", "FLW-03")
"""The follow-ups a referral letter is written for."""


def _flags(src: Source) -> list[str]:
    return [f for f in src.decision.get("flags", []) if f in REFERRED]


def _refusal(src: Source) -> Refusal | None:
    if _flags(src):
        return None
    return Refusal("memo.nothing_to_refer", {"rules": "、".join(REFERRED)}, {"rules": ", ".join(REFERRED)})


def _build(src: Source) -> dict[str, Any]:
    flags = _flags(src)
    rule = "FLW-03" if "FLW-03" in flags else "FLW-02"
    fee = src.decision["fee"]
    assessment = src.decision["assessment"]
    return {
        "reasons": [src.flag_row(flag) for flag in flags],
        "referral_rule": rule,
        "referral_cite": str(src.entry(rule)["cite"]),
        "conduct": src.conduct(),
        "composite": assessment.get("composite") or NONE,
        "grade": assessment.get("grade") or NONE,
        "rework_round": int((src.case.get("draft") or {}).get("rework_round", 0)),
        "payable": fee.get("payable"),
        "fee_status": str(fee["status"]),
    }


REFERRAL = MemoKind(name="referral", template="referral", refusal=_refusal, build=_build)
