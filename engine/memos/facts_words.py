"""The values a footnote names, in words: labels and units, never code names.

``node_weights: {"plan": "0.4", "draft": "0.6"}`` reads ``节点权重：评价方案40%、报告初稿60%``. Each fact's
label, unit and key lists are declared in ``rules/facts.yaml``; codes read as their labels in
``rules/vocabulary.yaml``; the units' and lists' wording is ``rules/messages.yaml``'s (``fact.*``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.memos.filters import yuan
from rules.facts import FactBook, ShownFact
from rules.messages import message
from rules.vocabulary import Vocabulary

__all__ = ["FactWords"]


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


class FactWords:
    """Writes trace facts as a footnote reads them."""

    def __init__(self, facts: FactBook, vocabulary: Vocabulary) -> None:
        self.facts = facts
        self.vocabulary = vocabulary

    def declared(self, name: str) -> ShownFact | None:
        """What ``rules/facts.yaml`` says of a fact (shown first, then decided)."""
        return self.facts.shown.get(name) or self.facts.decided.get(name)

    def _code(self, code_list: str | None, value: Any) -> str:
        return self.vocabulary.label(code_list, str(value)) if code_list else str(value)

    def _unit(self, unit: str | None, value: Any) -> str:
        number = _number(value)
        if unit is None or number is None:
            return str(value)
        if unit == "share":
            return message("fact.unit.share", value=f"{(number * 100).normalize():f}")
        if unit == "yuan":
            return message("fact.unit.yuan", value=yuan(number))
        return message(f"fact.unit.{unit}", value=value)

    def _key(self, fact: ShownFact, key: str) -> str:
        parts = key.split(".")
        if len(parts) != len(fact.keys):
            return key
        return message("fact.key_separator").join(
            self.vocabulary.label(code_list, part) for code_list, part in zip(fact.keys, parts, strict=True)
        )

    def value(self, fact: ShownFact | None, value: Any) -> str:  # noqa: PLR0911 - one answer per shape
        """One fact's value: codes by their labels, numbers with their unit, lists and mappings joined."""
        codes = fact.codes if fact else None
        unit = fact.unit if fact else None
        if value is None:
            return message("word.none")
        if isinstance(value, bool):
            return message("fact.yes" if value else "fact.no")
        if isinstance(value, Mapping):
            if not value:
                return message("word.none")
            return message("join.items").join(
                message(
                    "fact.key_value",
                    key=self._key(fact, str(k)) if fact else str(k),
                    value=self.value(fact, v) if not isinstance(v, Mapping) else str(v),
                )
                for k, v in value.items()
            )
        if isinstance(value, Sequence) and not isinstance(value, str):
            if not value:
                return message("word.none")
            return message("join.items").join(self.value(fact, v) for v in value)
        if codes:
            return self._code(codes, value)
        return self._unit(unit, value)

    def text(self, facts: Mapping[str, Any]) -> str:
        """Every fact of a trace entry as ``label：value``, joined; 无 for none."""
        items = []
        for name, value in facts.items():
            fact = self.declared(name)
            label = fact.label if fact else name
            items.append(message("fact.item", label=label, value=self.value(fact, value)))
        return message("join.clauses").join(items) or message("word.none")
