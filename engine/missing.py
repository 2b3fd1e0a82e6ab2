"""Scores not given yet, in words: ``报告初稿 专家组：E4 赵敏、E5 陈刚未评分``.

The decision lists an absent party-node score by code (``draft.expert_panel``, the contract's
``assessment.missing``); a person reads which node, which party and, for the expert panel, who has not
scored. Used by the trace of ASM-01 and by the memos that cannot be issued before the scores are in.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from rules import load_rulebook
from rules.messages import Lang, message

__all__ = ["missing_phrases", "missing_phrases_of_case"]


def missing_phrases(
    missing: Sequence[str],
    members: Sequence[tuple[str, str]],
    scored: Mapping[str, Collection[str]],
    lang: Lang = "zh",
) -> list[str]:
    """One phrase per absent score ``<node>.<party>``.

    ``members``: the panel's (id, name) pairs; ``scored``: per node, the ids of the members who scored.
    An expert panel that some members scored names the others; one nobody scored is named as a party.
    """
    vocabulary = load_rulebook().vocabulary
    phrases = []
    for key in missing:
        node, _, party = key.partition(".")
        values: dict[str, Any] = {
            "node": vocabulary.label("node", node, lang),
            "party": vocabulary.label("party", party, lang),
        }
        given = scored.get(node) or ()
        if party == "expert_panel" and members and given:
            unscored = [message("score.member", lang, id=i, name=n) for i, n in members if i not in given]
            values["members"] = message("join.items", lang).join(unscored)
            phrases.append(message("score.missing_members", lang, **values))
        else:
            phrases.append(message("score.missing", lang, **values))
    return phrases


def missing_phrases_of_case(missing: Sequence[str], case: Mapping[str, Any], lang: Lang = "zh") -> str:
    """:func:`missing_phrases` of a case as plain JSON (a stored case, a memo's input), joined."""
    panel = case.get("panel") or {}
    members = [(str(m["id"]), str(m["name"])) for m in panel.get("members") or [] if isinstance(m, Mapping)]
    scored = {
        node: list(((case.get(node) or {}).get("scores") or {}).get("expert_panel") or {})
        for node in ("plan", "draft")
    }
    return message("join.clauses", lang).join(missing_phrases(missing, members, scored, lang))
