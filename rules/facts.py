"""The declared facts of a case (``rules/facts.yaml``), in the manner of OpenFisca's variables.

Fact derivation (``engine/facts``) computes, from a validated case, one flat *engine fact* for
durable_rules and, per rule, the *shown facts* of its trace entry. Each of them is declared once, with
its label, and for engine facts its type, unit, code list and the rules whose conditions read it; the
*decided values* (grade, coefficient, payable ...) are what any rule's wording may name besides.
Compiling a version refuses a builder that reads an undeclared fact (``rules/rulesets/compile.py``);
loading refuses wording that names a blank with no fact behind it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from rules._yaml import read_yaml, validated
from rules.errors import RulebookError
from rules.schema import FactsFile

HUNDRED = Decimal(100)


def hundredths(value: Decimal) -> int:
    """A score or amount as whole hundredths, exact (unit ``hundredths``: durable_rules sees no floats)."""
    scaled = value * HUNDRED
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} has more than two decimals")
    return int(scaled)


@dataclass(frozen=True)
class EngineFact:
    """A field of the engine fact: ``type`` is ``bool``, ``int`` or ``text``; ``codes`` names a code list."""

    name: str
    type: str
    unit: str
    label: str
    codes: str | None
    read_by: tuple[str, ...]


@dataclass(frozen=True)
class ShownFact:
    """A value of a trace entry's ``facts`` (or a decided value, with ``shown_by`` empty).

    ``unit`` and ``keys`` say how a memo's footnote writes it (rules/schema.py ``ShownFactEntry``).
    """

    name: str
    label: str
    codes: str | None
    shown_by: tuple[str, ...]
    unit: str | None = None
    keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class FactBook:
    """Every declared fact, by name."""

    path: Path
    engine: Mapping[str, EngineFact]
    shown: Mapping[str, ShownFact]
    decided: Mapping[str, ShownFact]

    def shown_by(self, rule_id: str) -> dict[str, ShownFact]:
        """The facts a rule's trace entry shows."""
        return {name: fact for name, fact in self.shown.items() if rule_id in fact.shown_by}

    def blank(self, rule_id: str, name: str) -> ShownFact | None:
        """What a blank ``{name}`` of a rule's wording names: one of its shown facts or a decided value."""
        fact = self.shown.get(name)
        if fact is not None and rule_id in fact.shown_by:
            return fact
        return self.decided.get(name)


def load_facts(path: Path, rule_ids: set[str], code_lists: set[str]) -> FactBook:
    """Read and check ``facts.yaml``: readers are catalogue rules, code lists exist, types fit units.

    Raises:
        RulebookError: naming the file and the fact.
    """
    data = validated(FactsFile, read_yaml(path), path)

    def checked(section: str, name: str, codes: str | None, rules: list[str]) -> None:
        if codes is not None and codes not in code_lists:
            raise RulebookError(str(path), f"{section}.{name}.codes", f"no code list {codes} in vocabulary")
        unknown = sorted(set(rules) - rule_ids)
        if unknown:
            raise RulebookError(
                str(path), f"{section}.{name}", f"no rule {', '.join(unknown)} in the catalogue"
            )

    engine: dict[str, EngineFact] = {}
    for name, e in data.engine.items():
        checked("engine", name, e.codes, e.read_by)
        if (e.type == "text") != (e.unit == "code") or (e.unit == "code") != (e.codes is not None):
            raise RulebookError(str(path), f"engine.{name}", "a text fact is a code: unit code and its codes")
        if (e.type == "bool") != (e.unit == "flag"):
            raise RulebookError(str(path), f"engine.{name}", "a bool fact has the unit flag, and only it")
        engine[name] = EngineFact(name, e.type, e.unit, e.label, e.codes, tuple(e.read_by))
    shown: dict[str, ShownFact] = {}
    for name, s in data.shown.items():
        checked("shown", name, s.codes, s.shown_by)
        for key_list in s.keys:
            checked("shown", name, key_list, [])
        shown[name] = ShownFact(name, s.label, s.codes, tuple(s.shown_by), s.unit, tuple(s.keys))
    decided: dict[str, ShownFact] = {}
    for name, d in data.decided.items():
        checked("decided", name, d.codes, [])
        decided[name] = ShownFact(name, d.label, d.codes, (), d.unit)
    return FactBook(path, engine, shown, decided)
