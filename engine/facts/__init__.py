"""Fact derivation: the plain-Python arithmetic of rulebook §0 "Where arithmetic lives", per rule family.

Dates, windows, sums, means, weighted scores, rounding and late working days are computed here, exactly,
with Decimal; the result is one flat engine fact (ints in hundredths, bools, codes) for durable_rules to
decide on, plus the per-rule facts the trace shows. Nothing here decides whether a rule holds. Every
engine fact is declared in ``rules/facts.yaml``; each step says which it produces (``@derives``).
"""

from __future__ import annotations

from engine.calendar import WorkingDayCalendar
from engine.facts._common import Facts, Step, years_before
from engine.facts.assessment import assessment
from engine.facts.eligibility import eligibility
from engine.facts.fees import fees
from engine.facts.panel import panel
from engine.facts.reviews import draft, plan
from engine.models import Case
from rules import RuleSet
from rules.errors import RulebookError
from rules.facts import FactBook

__all__ = ["STEPS", "Facts", "derive", "problems", "produced", "years_before"]

# In this order: the assessment reads the eligibility's latest earlier composite (FLW-05).
STEPS: tuple[Step, ...] = (eligibility, panel, plan, draft, assessment, fees)


def derive(case: Case, rs: RuleSet, calendar: WorkingDayCalendar) -> Facts:
    """Derive the engine fact and the trace facts of a validated case under one rule version."""
    facts = Facts()
    for step in STEPS:
        step.run(case, rs, facts, calendar)
    return facts


def produced() -> dict[str, str]:
    """Every engine fact the steps produce, with the step that produces it."""
    return {name: step.run.__name__ for step in STEPS for name in step.produces}


def problems(declared: FactBook) -> list[RulebookError]:
    """Declared facts no step produces (naming the rules that read them), and produced ones not declared."""
    made = produced()
    out = [
        RulebookError(
            str(declared.path),
            f"engine.{name}",
            f"no derivation in engine/facts produces it, yet {', '.join(fact.read_by)} read it",
        )
        for name, fact in declared.engine.items()
        if name not in made
    ]
    out.extend(
        RulebookError(
            str(declared.path),
            f"engine.{name}",
            f"the derivation {step} produces it, but facts.yaml does not declare it",
        )
        for name, step in made.items()
        if name not in declared.engine
    )
    return out
