"""The trace: one entry per rule, in rulebook order, with the outcome, a Chinese sentence, facts, citation.

Wording lives in the catalogue (``detail`` per outcome, its parameter blanks already filled for the
version); this module only fills its fact blanks. Templates are parsed once per version into printf-style
text (``%s`` per blank, ``%`` doubled), so writing an entry costs a few dict look-ups rather than parsing
braces again; a blank's codes are labelled by the code list its fact declares (``rules/facts.yaml``).
"""

from __future__ import annotations

from decimal import Decimal
from operator import itemgetter
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
_AS_WRITTEN = frozenset({str, int, Decimal})
"""Types a blank shows as ``%s`` writes them (:func:`shown` gives each its ``str``); bool is not one."""
_Blanks = tuple[tuple[str, dict[str, str] | None], ...]


# Per outcome: the wording, printf-style; for each blank in order its name and the labels of its codes
# (or None); and, when every blank names one of the rule's own facts and none is labelled, one look-up
# of all their values, with whether it names one (then it gives the value itself, not a tuple).
_Wording = tuple[str, _Blanks, "itemgetter[Any] | None", bool]


def _labels(rs: RuleSet, rule_id: str, name: str) -> dict[str, str] | None:
    """The labels of the codes a blank's fact holds (its declared code list), or None."""
    fact = rs.facts.blank(rule_id, name)
    return rs.labels.get(fact.codes) if fact is not None and fact.codes else None


def _wording(rs: RuleSet, rule_id: str, template: str) -> _Wording:
    text, names = printf_style(template)
    blanks = tuple((n, _labels(rs, rule_id, n)) for n in names)
    own = rs.facts.shown_by(rule_id)
    direct = bool(names) and all(labels is None and name in own for name, labels in blanks)
    return text, blanks, itemgetter(*names) if direct else None, len(names) == 1


class TraceWriter:
    """Writes the trace of one rule version."""

    def __init__(self, rs: RuleSet) -> None:
        self._plan: list[tuple[str, str, dict[str, _Wording]]] = [
            (
                rule.id,
                rule.cite,
                {
                    outcome: _wording(rs, rule.id, rule.detail.get(outcome) or rule.detail["not_applicable"])
                    for outcome in _OUTCOMES
                },
            )
            for rule in rs.rules
        ]

    def write(
        self, outcomes: dict[str, str], facts: dict[str, dict[str, Any]], context: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Every rule's entry; ``context`` supplies decided values (grade, payable...) the wording names."""
        entries = []
        for rule_id, cite, wordings in self._plan:
            outcome = outcomes[rule_id]
            detail, blanks, direct, single = wordings[outcome]
            rule_facts = facts.get(rule_id)
            if rule_facts is None:
                rule_facts = {}
            if direct is not None:
                # The common case, in C: every blank is one of the rule's own facts, none labelled.
                try:
                    values = (direct(rule_facts),) if single else direct(rule_facts)
                except KeyError:  # this case's facts lack one: the general way below
                    values = _filled(blanks, rule_facts, context)
                else:
                    if not _AS_WRITTEN.issuperset(map(type, values)):
                        values = tuple([v if type(v) is str else shown(v) for v in values])
                detail %= values
            elif blanks:
                detail %= _filled(blanks, rule_facts, context)
            entries.append(
                {"rule": rule_id, "outcome": outcome, "detail": detail, "facts": rule_facts, "cite": cite}
            )
        return entries


def _filled(blanks: _Blanks, rule_facts: dict[str, Any], context: dict[str, Any]) -> tuple[str, ...]:
    """The blanks' values as the wording shows them.

    A blank's value is the rule's own fact, else the decided value of that name (which then joins the
    rule's facts); codes are shown by their labels, other values as :func:`shown` writes them.
    """
    values = []
    for name, labels in blanks:
        value = rule_facts.get(name, _MISSING)
        if value is _MISSING:
            value = context.get(name)
            if value is not None:
                rule_facts[name] = value
        if labels is not None:
            value = [labels.get(v, v) for v in value] if isinstance(value, list) else labels.get(value, value)
        values.append(value if type(value) is str else shown(value))
    return tuple(values)
