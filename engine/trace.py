"""The trace: one entry per rule, in rulebook order, with the outcome, a Chinese sentence, facts, citation.

Wording lives in the catalogue (``detail`` per outcome); this module only fills its blanks. Templates are
parsed once per version, so writing 41 entries costs a few dict look-ups each.
"""

from __future__ import annotations

import string
from typing import Any

from rules import RuleSet

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


_MISSING = object()
_OUTCOMES = ("held", "failed", "not_applicable", "applied")
# Per outcome: the wording and, for each blank, its name and the labels of its codes (or None).
_Templates = dict[str, tuple[str, tuple[tuple[str, dict[str, str] | None], ...]]]


class TraceWriter:
    """Writes the trace of one rule version."""

    def __init__(self, rs: RuleSet) -> None:
        self._plan: list[tuple[str, str, _Templates]] = []
        for rule in rs.rules:
            templates: _Templates = {}
            for outcome in _OUTCOMES:
                text = rule.detail.get(outcome) or rule.detail["not_applicable"]
                names = dict.fromkeys(f for _, f, _, _ in _FORMATTER.parse(text) if f)
                templates[outcome] = (text, tuple((n, rs.labels.get(n)) for n in names))
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
                values = {}
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
                    values[name] = value if type(value) is str else shown(value)
                detail = text.format_map(values)
            entries.append(
                {"rule": rule_id, "outcome": outcome, "detail": detail, "facts": rule_facts, "cite": cite}
            )
        return entries
