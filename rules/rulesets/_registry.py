"""Rule builders: each rulebook rule id has exactly one builder that reads only the version snapshot.

A builder returns the rule's :class:`Logic`: for a check, when it applies and when it fails (it holds
otherwise); for a computation or consequence, the conditions under which it is applied and the decision
values it then sets (a grade, a coefficient, a fee status). ``section`` builders decide the statuses and
verdicts of the decision's sections from the same conditions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rules._loader import RuleSet
from rules.facts import hundredths
from rules.rulesets._cond import Cond, F


@dataclass(frozen=True)
class Effect:
    """What happens when a condition holds: a rule outcome and/or decision values."""

    rule: str | None
    outcome: str | None
    sets: tuple[tuple[str, Any], ...] = ()


@dataclass
class Logic:
    """A rule's conditions, as built for one version."""

    applies: Cond | None = None
    fails: Cond | None = None
    applied: list[tuple[Cond, dict[str, Any]]] = field(default_factory=list)

    def conditions(self) -> list[Cond]:
        """Every condition the rule's builder wrote."""
        found = [c for c in (self.applies, self.fails) if c is not None]
        return found + [cond for cond, _ in self.applied]

    def failed_when(self) -> Cond | None:
        """The full failure condition (applicable and failing)."""
        if self.fails is None:
            return None
        return self.fails if self.applies is None else self.applies & self.fails


Builder = Callable[[RuleSet], Logic]
SectionBuilder = Callable[[RuleSet, dict[str, Logic]], list[tuple[Cond, dict[str, Any]]]]

BUILDERS: dict[str, Builder] = {}
SECTION_BUILDERS: list[SectionBuilder] = []


def builds(rule_id: str) -> Callable[[Builder], Builder]:
    """Register the builder of one rule id: ``@builds("ELG-04")`` above a function of the version."""

    def register(fn: Builder) -> Builder:
        if rule_id in BUILDERS:
            raise RuntimeError(f"two builders for {rule_id}")
        BUILDERS[rule_id] = fn
        return fn

    return register


def section(fn: SectionBuilder) -> SectionBuilder:
    """Register a builder of section statuses / verdicts."""
    SECTION_BUILDERS.append(fn)
    return fn


def grade_bands(rs: RuleSet, field_name: str) -> list[tuple[str, Cond]]:
    """Each grade with the condition that ``field_name`` (in hundredths) lies in its band (ASM-03 bands)."""
    bands = rs.param("assessment.grade_bands")
    top = max(b[2] for b in bands)
    value = F(field_name)
    out: list[tuple[str, Cond]] = []
    for grade, low, high in bands:
        upper = value <= hundredths(high) if high == top else value < hundredths(high)
        out.append((grade, (value >= hundredths(low)) & upper))
    return out
