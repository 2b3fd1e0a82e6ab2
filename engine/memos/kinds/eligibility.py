"""资格审查意见书: the agency's eligibility for the commission (rulebook §1, ELG-01…09).

Always applies. The template words the conclusion by ``eligibility_status`` and names the failed rules
(``blocking_items``) and those that need the office head's approval (``approval_items``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.memos.kinds.base import MemoKind
from engine.memos.marks import clean

if TYPE_CHECKING:
    from engine.memos.source import Source

__all__ = ["ELIGIBILITY"]


def _items(rows: list[dict[str, Any]], result: str) -> str:
    return "；".join(f"{r['rule']} {r['title']}" for r in rows if r["result"] == result)


def build(src: Source) -> dict[str, Any]:
    """The eligibility memo's own fields."""
    procurement = src.case["commission"]["procurement"]
    order_no = procurement.get("order_no")
    rows = src.family("ELG-")
    return {
        "procurement_channel": src.label("channel", procurement["channel"]),
        "order_no": clean(order_no) if order_no and str(order_no).strip() else "",
        "eligibility_status": str(src.decision["eligibility"]["status"]),
        "rules": rows,
        "blocking_items": _items(rows, "failed"),
        "approval_items": _items(rows, "needs_approval"),
    }


ELIGIBILITY = MemoKind(name="eligibility", template="eligibility", refusal=lambda _src: None, build=build)
