"""专家组评审意见 on the evaluation plan or the draft report (rulebook §2, §3a/§3b, §4).

Applies once the deliverable is submitted and a panel is formed. The template words the panel's
conclusion by ``panel_status`` and the verdict by ``verdict``; the context names what failed.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from engine.memos.kinds.base import MemoKind, Refusal
from engine.memos.marks import clean
from engine.memos.source import fact, number
from rules.messages import message
from rules.wording import FORMATS

if TYPE_CHECKING:
    from collections.abc import Mapping

    from engine.memos.source import Source

__all__ = ["REVIEW_DRAFT", "REVIEW_PLAN"]

_PANEL = "expert_panel"


def _refusal(src: Source, node: str) -> Refusal | None:
    if src.case.get(node) is None or src.decision[f"{node}_review"]["verdict"] == "not_submitted":
        return Refusal(
            "memo.not_submitted",
            {"node": src.label("node", node)},
            {"node": src.vocabulary.label("node", node, "en")},
        )
    if src.case.get("panel") is None:
        return Refusal("memo.no_panel")
    return None


def _ties(src: Source, member: Mapping[str, Any]) -> str:
    """A conflicted member's ties, e.g. 与上海某乙咨询有限公司任职（至2023-06-30）."""
    phrases = []
    for tie in member.get("ties", []):
        values = {"org": clean(tie["org"]), "relation": src.label("relation", tie["relation"])}
        if tie.get("until"):
            phrases.append(src.wording.phrase("tie", **values, until=clean(tie["until"])))
        else:
            phrases.append(src.wording.phrase("tie_ongoing", **values))
    return "；".join(phrases) or src.wording.phrase("conflict_without_tie")


def _day(src: Source, iso: str) -> str:
    day = date.fromisoformat(iso)
    return src.wording.phrase("until_date", year=str(day.year), month=str(day.month), day=str(day.day))


def _recusal(src: Source, member: Mapping[str, Any], cutoff: str) -> str:
    """Each tie of a member and why it does or does not require recusal.

    EXP-04's terms and the rule version's look-back word it; whether the member is conflicted is the
    engine's decision (``conflicted_members``), which these reasons agree with (tests/memos).
    """
    recusal = src.ruleset.param("panel.recusal")
    years = FORMATS["count"](int(recusal["lookback_years"]), "zh", {})
    orgs = {src.case["agency"]["name"], src.case["commission"]["project_unit"]}
    phrases = []
    for tie in member.get("ties", []):
        until = tie.get("until")
        values = {"org": clean(tie["org"]), "relation": src.label("relation", tie["relation"])}
        period = _day(src, until) if until else src.wording.phrase("until_now")
        if tie["org"] not in orgs:
            phrases.append(src.wording.phrase("tie_elsewhere", **values, period=period))
        elif tie["relation"] not in recusal["relations"]:
            phrases.append(src.wording.phrase("tie_not_recused", **values, period=period))
        elif until is None:
            phrases.append(src.wording.phrase("recusal_ongoing", **values))
        else:
            key = "recusal_recent" if until > cutoff else "recusal_past"
            phrases.append(src.wording.phrase(key, **values, until=period, years=years))
    return src.wording.phrase("tie_separator").join(phrases) or src.wording.phrase("no_ties")


def _members(src: Source, panel: Mapping[str, Any], scores: Mapping[str, Any]) -> list[dict[str, Any]]:
    conflicted = set(src.decision["panel"]["conflicted_members"])
    cutoff = str(fact(src.entry("EXP-04"), "tie_cutoff"))
    return [
        {
            "no": no,
            "id": clean(member["id"]),
            "name": clean(member["name"]),
            "pool": src.label("pool", member["pool"]),
            "domain_expert": bool(member["domain_expert"]),
            "conflicted": member["id"] in conflicted,
            "conflict": _ties(src, member) if member["id"] in conflicted else "",
            "recusal": _recusal(src, member, cutoff),
            "score": number(scores[member["id"]]) if member["id"] in scores else None,
        }
        for no, member in enumerate(panel["members"], start=1)
    ]


def _points(score: str | None, not_scored: str) -> str:
    return not_scored if score is None else message("fact.unit.points", value=score)


def _build(src: Source, node: str) -> dict[str, Any]:
    panel = src.case["panel"]
    deliverable = src.case[node]
    scores = (deliverable.get("scores") or {}).get(_PANEL) or {}
    members = _members(src, panel, scores)
    checks = src.family("PLN-" if node == "plan" else "RPT-")
    asm01 = src.entry("ASM-01")
    not_scored = src.wording.phrase("not_scored")
    mean_note = src.notes.mark(
        src.wording.phrase(
            "panel_mean_footnote",
            rule="ASM-01",
            party=src.label("party", _PANEL),
            node=src.label("node", node),
            cite=str(asm01["cite"]),
            facts=message("join.items").join(
                message(
                    "memo.member_score", id=m["id"], name=m["name"], score=_points(m["score"], not_scored)
                )
                for m in members
            ),
        )
    )
    return {
        "node": node,
        "node_title": src.label("node", node),
        "deadline": str(deliverable["deadline"]),
        "submitted_on": str(deliverable["submitted_on"]),
        "panel_formed_on": str(panel["formed_on"]),
        "panel_status": str(src.decision["panel"]["status"]),
        "members": members,
        "panel_checks": src.family("EXP-"),
        "panel_failed": "、".join(src.decision["panel"]["failed"]),
        "conflicted_names": "、".join(f"{m['name']}（{m['id']}）" for m in members if m["conflicted"]),
        "checks": checks,
        "failed_checks": "；".join(
            f"{c['rule']} {c['title']}：{c['detail']}"
            + (f"（{c['file_location']}）" if c["file_location"] else "")
            for c in checks
            if c["result"] == "failed"
        ),
        "verdict": str(src.decision[f"{node}_review"]["verdict"]),
        "panel_mean": src.node_score(node, _PANEL),
        "panel_mean_note": mean_note,
    }


REVIEW_PLAN = MemoKind(
    name="review-plan",
    template="review",
    refusal=lambda src: _refusal(src, "plan"),
    build=lambda src: _build(src, "plan"),
)
REVIEW_DRAFT = MemoKind(
    name="review-draft",
    template="review",
    refusal=lambda src: _refusal(src, "draft"),
    build=lambda src: _build(src, "draft"),
)
