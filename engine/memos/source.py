"""What every memo kind reads: the case, its decision and trace, the rule version, labels and phrases.

:class:`Source` gives the kinds' context builders typed access to the contract shapes, the rule titles and
severities of the decision's own rule version, the vocabulary's labels (:meth:`Source.label`) and the
footnotes (:meth:`Source.note`): each finding's footnote names the rule id and title, the citation (the
trace ``cite``) and the values used (the trace ``facts``), worded by ``rules/memos.yaml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from engine.memos.facts_words import FactWords
from engine.memos.locations import file_location
from engine.memos.marks import Notes, clean
from rules import load_rulebook
from rules.memos import memo_data

__all__ = ["NONE", "Source", "fact", "number"]

NONE = "—"
"""What a memo prints for a figure the decision leaves empty."""


def number(value: Any) -> str:
    """A score as given (``88`` stays ``88``, ``88.5`` stays ``88.5``); ``None`` → —."""
    return NONE if value is None else f"{Decimal(str(value)):f}"


def fact(entry: Mapping[str, Any], *path: str) -> Any:
    """A fact of a trace entry by its key path, e.g. ``("party_weights", "expert_panel")``."""
    node: Any = entry.get("facts") or {}
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            raise ValueError(f"{entry['rule']}: the trace facts have no {'.'.join(path)}")
        node = node[key]
    return node


class Source:
    """Typed reading of the case and decision dicts (contract shapes) for the context builders."""

    def __init__(self, case: Mapping[str, Any], decision: Mapping[str, Any]) -> None:
        self.case = case
        self.decision = decision
        self.trace: dict[str, Mapping[str, Any]] = {str(e["rule"]): e for e in decision.get("trace", [])}
        self.notes = Notes()
        rulebook = load_rulebook()
        self.vocabulary = rulebook.vocabulary
        self.facts = FactWords(rulebook.facts, rulebook.vocabulary)
        self.wording = memo_data()
        # Titles and severities come from the catalogue of the decision's own rule version.
        self.ruleset = rulebook.at(str(decision["rule_version"]))
        rules = self.ruleset.rules
        self.titles = {r.id: r.title for r in rules}
        self.warn_rules = frozenset(r.id for r in rules if r.severity == "WARN")

    def label(self, code_list: str, code: Any) -> str:
        """The Chinese label of a code (the vocabulary's), or the code itself when the list lacks it."""
        return self.vocabulary.label(code_list, clean(code))

    def labels(self, code_list: str, codes: Any) -> str:
        """The labels of several codes, joined by 、 (empty when there are none)."""
        return "、".join(self.label(code_list, code) for code in codes)

    def entry(self, rule: str) -> Mapping[str, Any]:
        """The trace entry of a rule."""
        try:
            return self.trace[rule]
        except KeyError:
            raise ValueError(f"the decision's trace has no entry for {rule}") from None

    def note(self, rule: str) -> str:
        """A footnote mark for a rule's finding: its id and title, citation and the values used."""
        entry = self.entry(rule)
        key = "footnote_not_applicable" if entry.get("outcome") == "not_applicable" else "footnote"
        text = self.wording.phrase(
            key,
            rule=rule,
            title=self.titles.get(rule, ""),
            cite=str(entry["cite"]),
            facts=self.facts.text(entry.get("facts") or {}),
        )
        return self.notes.mark(text)

    def row(self, rule: str) -> dict[str, Any]:
        """A rule's row in a memo table; a failed WARN rule's result is ``needs_approval``."""
        entry = self.entry(rule)
        result = str(entry["outcome"])
        if result == "failed" and rule in self.warn_rules:
            result = "needs_approval"
        return {
            "rule": rule,
            "title": self.titles.get(rule, rule),
            "result": result,
            "detail": clean(entry["detail"]),
            "file_location": file_location(entry, self.wording, lambda node: self.label("node", node)),
            "note": self.note(rule),
        }

    def family(self, prefix: str) -> list[dict[str, Any]]:
        """The rows of every rule whose id starts with ``prefix``, in trace order."""
        return [self.row(rule) for rule in self.trace if rule.startswith(prefix)]

    def flag_row(self, rule: str) -> dict[str, Any]:
        """A raised follow-up's row."""
        return {
            "rule": rule,
            "title": self.titles.get(rule, rule),
            "detail": clean(self.entry(rule)["detail"]),
            "note": self.note(rule),
        }

    def node_score(self, node: str, party: str) -> str:
        """A party's score at a node as the engine derived it (ASM-01 ``node_scores``; the panel's mean)."""
        scores = fact(self.entry("ASM-01"), "node_scores") or {}
        return number(scores.get(f"{node}.{party}"))

    def conduct(self) -> str:
        """The proven prohibited conduct, by its labels joined by 、 (empty when none is proven)."""
        return self.labels("prohibited_conduct", self.case.get("prohibited_conduct", []))
