"""The trace: one entry per rule, in rulebook order, with the outcome, a Chinese sentence, facts, citation.

Wording lives in the catalogue (``detail`` per outcome, its parameter blanks already filled for the
version); this module only fills its fact blanks. Templates are parsed once per version into printf-style
text (``%s`` per blank, ``%`` doubled), so writing an entry costs a few dict look-ups rather than parsing
braces again; a blank's codes are labelled by the code list its fact declares (``rules/facts.yaml``).
"""

from __future__ import annotations

from typing import Any

from rules import RuleSet
from rules.wording import printf_style


def shown(value: Any) -> str:
    """A fact as a person reads it in a sentence."""
    if value is None:
        return "—"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value) or "无"
    if isinstance(value, dict):
        return "；".join(f"{k} {shown(v)}" for k, v in value.items()) or "无"
    return str(value)


_MISSING = object()
_OUTCOMES = ("held", "failed", "not_applicable", "applied")
# Per outcome: the wording, printf-style, and for each blank in order its name and the labels of its
# codes (or None).
_Templates = dict[str, tuple[str, tuple[tuple[str, dict[str, str] | None], ...]]]


def _labels(rs: RuleSet, rule_id: str, name: str) -> dict[str, str] | None:
    """The labels of the codes a blank's fact holds (its declared code list), or None."""
    fact = rs.facts.blank(rule_id, name)
    return rs.labels.get(fact.codes) if fact is not None and fact.codes else None


class TraceWriter:
    """Writes the trace of one rule version."""

    def __init__(self, rs: RuleSet) -> None:
        self._plan: list[tuple[str, str, _Templates]] = []
        for rule in rs.rules:
            templates: _Templates = {}
            for outcome in _OUTCOMES:
                text, names = printf_style(rule.detail.get(outcome) or rule.detail["not_applicable"])
                templates[outcome] = (text, tuple((n, _labels(rs, rule.id, n)) for n in names))
            self._plan.append((rule.id, rule.cite, templates))

    def write(
        self, outcomes: dict[str, str], facts: dict[str, dict[str, Any]], context: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Every rule's entry; ``context`` supplies decided values (grade, payable...) the wording names."""
        entries = []
        for rule_id, cite, templates in self._plan:
            outcome = outcomes[rule_id]
            text, blanks = templates[outcome]
            rule_facts = facts.get(rule_id)
            if rule_facts is None:
                rule_facts = {}
            detail = text
            if blanks:
                values = []
                for name, labels in blanks:
                    value = rule_facts.get(name, _MISSING)
                    if value is _MISSING:
                        value = context.get(name)
                        if value is not None:
                            rule_facts[name] = value
                    if labels is not None:
                        value = (
                            [labels.get(v, v) for v in value]
                            if isinstance(value, list)
                            else labels.get(value, value)
                        )
                    values.append(value if type(value) is str else shown(value))
                detail = text % tuple(values)
            entries.append(
                {"rule": rule_id, "outcome": outcome, "detail": detail, "facts": rule_facts, "cite": cite}
            )
        return entries
