"""Compile a version snapshot into one durable_rules ruleset definition plus its effect table.

Every durable rule tests the single case fact; rules with the same condition are merged so that one
engine action records every effect of that condition. Actions only mark which durable rule fired;
the effect table turns those marks into rule outcomes and decision values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rules._loader import RuleSet
from rules.errors import RulebookError
from rules.rulesets import assessment, eligibility, followups, panel, reviews, sections  # noqa: F401 - registers
from rules.rulesets._cond import Cond
from rules.rulesets._registry import BUILDERS, SECTION_BUILDERS, Effect, Logic

DEFAULT_OUTCOME = {"check": "held", "computation": "not_applicable", "consequence": "not_applicable"}


@dataclass(frozen=True)
class CompiledRuleset:
    """A version's durable_rules definition (without actions) and what each of its rules means."""

    version: str
    definition: dict[str, dict[str, Any]]
    effects: dict[str, tuple[Effect, ...]]
    defaults: dict[str, str]


def _logic(rs: RuleSet) -> dict[str, Logic]:
    missing = [r.id for r in rs.rules if r.id not in BUILDERS]
    if missing:
        raise RulebookError("rules/catalogue", ",".join(missing), "rule without a builder in rules/rulesets")
    return {r.id: BUILDERS[r.id](rs) for r in rs.rules}


def compile_ruleset(rs: RuleSet) -> CompiledRuleset:
    """Build every rule of the version and merge identical conditions."""
    logic = _logic(rs)
    pending: list[tuple[Cond, Effect]] = []
    for rule in rs.rules:
        built = logic[rule.id]
        if rule.kind == "check":
            if built.applies is not None:
                pending.append((~built.applies, Effect(rule.id, "not_applicable")))
            failed = built.failed_when()
            if failed is None:
                raise RulebookError("rules/rulesets", rule.id, "a check needs a failure condition")
            pending.append((failed, Effect(rule.id, "failed")))
            pending.extend((cond, Effect(None, None, tuple(sets.items()))) for cond, sets in built.applied)
        else:
            if not built.applied:
                raise RulebookError("rules/rulesets", rule.id, "a computation needs an applied condition")
            pending.extend(
                (cond, Effect(rule.id, "applied", tuple(sets.items()))) for cond, sets in built.applied
            )
    for build_section in SECTION_BUILDERS:
        pending.extend(
            (cond, Effect(None, None, tuple(sets.items()))) for cond, sets in build_section(rs, logic)
        )

    by_condition: dict[str, tuple[dict[str, Any], list[Effect]]] = {}
    for cond, effect in pending:
        as_json = cond.to_json()
        key = json.dumps(as_json, sort_keys=True, ensure_ascii=False)
        by_condition.setdefault(key, (as_json, []))[1].append(effect)
    definition: dict[str, dict[str, Any]] = {}
    effects: dict[str, tuple[Effect, ...]] = {}
    for index, (as_json, merged) in enumerate(by_condition.values()):
        name = f"k{index:03d}"
        definition[name] = {"all": [{"m": as_json}]}
        effects[name] = tuple(merged)
    defaults = {r.id: DEFAULT_OUTCOME[r.kind] for r in rs.rules}
    return CompiledRuleset(rs.version, definition, effects, defaults)
