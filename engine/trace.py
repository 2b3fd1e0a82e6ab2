"""The trace: one entry per rule, in rulebook order, with the outcome, a Chinese sentence, facts, citation.

Wording lives in the catalogue (``detail`` per outcome); this module only fills its blanks. Templates are
parsed once per version, so writing 41 entries costs a few dict look-ups each.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any

from rules import Rule, RuleSet

_FORMATTER = string.Formatter()


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


@dataclass(frozen=True)
class _Template:
    text: str
    names: tuple[str, ...]


class TraceWriter:
    """Writes the trace of one rule version."""

    def __init__(self, rs: RuleSet) -> None:
        self.rules: tuple[Rule, ...] = rs.rules
        self._labels = rs.labels
        self._templates: dict[tuple[str, str], _Template] = {}
        for rule in rs.rules:
            for outcome in ("held", "failed", "not_applicable", "applied"):
                text = rule.detail.get(outcome) or rule.detail["not_applicable"]
                names = tuple(dict.fromkeys(f for _, f, _, _ in _FORMATTER.parse(text) if f))
                self._templates[rule.id, outcome] = _Template(text, names)

    def write(
        self, outcomes: dict[str, str], facts: dict[str, dict[str, Any]], context: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Every rule's entry; ``context`` supplies decided values (grade, payable...) the wording names."""
        entries = []
        for rule in self.rules:
            outcome = outcomes[rule.id]
            template = self._templates[rule.id, outcome]
            rule_facts = facts.get(rule.id)
            rule_facts = {} if rule_facts is None else rule_facts
            values = {}
            for name in template.names:
                if name in rule_facts:
                    value = rule_facts[name]
                else:
                    value = context.get(name)
                    if value is not None:
                        rule_facts[name] = value
                labels = self._labels.get(name)
                if labels is not None:
                    if isinstance(value, str):
                        value = labels.get(value, value)
                    elif isinstance(value, list):
                        value = [labels.get(v, v) for v in value]
                values[name] = shown(value)
            entries.append(
                {
                    "rule": rule.id,
                    "outcome": outcome,
                    "detail": template.text.format_map(values),
                    "facts": rule_facts,
                    "cite": rule.cite,
                }
            )
        return entries
