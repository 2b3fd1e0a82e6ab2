"""Compile a version snapshot into one durable_rules ruleset definition plus its effect table.

Every durable rule tests the single case fact; rules with the same condition are merged so that one
engine action records every effect of that condition. Actions only mark which durable rule fired;
the effect table turns those marks into rule outcomes and decision values.

Every field a condition reads must be a fact declared in ``rules/facts.yaml`` that lists the rule among
its readers, compared with a value of its type (a code of its code list): a slip is a
:class:`RulebookError` naming the rule and the fact.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rules._loader import RuleSet
from rules.errors import RulebookError
from rules.facts import FactBook
from rules.rulesets import assessment, eligibility, followups, panel, reviews, sections  # noqa: F401 - registers
from rules.rulesets._cond import Cond, Ref
from rules.rulesets._registry import BUILDERS, SECTION_BUILDERS, Effect, Logic

DEFAULT_OUTCOME = {"check": "held", "computation": "not_applicable", "consequence": "not_applicable"}
_TYPES: dict[str, tuple[type, ...]] = {"bool": (bool,), "int": (int,), "text": (str,)}


@dataclass(frozen=True)
class CompiledRuleset:
    """A version's durable_rules definition (without actions), what each of its rules means and reads."""

    version: str
    definition: dict[str, dict[str, Any]]
    effects: dict[str, tuple[Effect, ...]]
    defaults: dict[str, str]
    reads: Mapping[str, frozenset[str]] = field(default_factory=dict)


def _logic(rs: RuleSet) -> dict[str, Logic]:
    missing = [r.id for r in rs.rules if r.id not in BUILDERS]
    if missing:
        raise RulebookError("rules/catalogue", ",".join(missing), "rule without a builder in rules/rulesets")
    return {r.id: BUILDERS[r.id](rs) for r in rs.rules}


def _literal_fits(rs: RuleSet, fact_type: str, codes: str | None, value: Any) -> bool:
    if isinstance(value, Ref):
        other = rs.facts.engine.get(value.field)
        return other is not None and other.type == fact_type
    if fact_type != "bool" and isinstance(value, bool):
        return False
    if not isinstance(value, _TYPES[fact_type]):
        return False
    return codes is None or value in rs.labels.get(codes, {})


def _read(rs: RuleSet, reader: str, conditions: Iterable[Cond], *, rule: bool) -> frozenset[str]:
    """The declared facts the conditions read; ``reader`` is a rule id (``rule``) or a section builder."""
    declared = rs.facts
    read: set[str] = set()
    for cmp in (c for cond in conditions for c in cond.comparisons()):
        for name in cmp.fields():
            fact = declared.engine.get(name)
            if fact is None:
                raise RulebookError(
                    str(declared.path),
                    reader,
                    f"reads the fact {name}, which facts.yaml does not declare "
                    "(declare it, with its type, unit, label and readers, and derive it in engine/facts)",
                )
            if rule and reader not in fact.read_by:
                raise RulebookError(
                    str(declared.path),
                    f"engine.{name}.read_by",
                    f"{reader} reads {name} but is not among its readers ({', '.join(fact.read_by)})",
                )
            read.add(name)
        fact = declared.engine[cmp.field]
        if not _literal_fits(rs, fact.type, fact.codes, cmp.value):
            expected = f"a code of {fact.codes}" if fact.codes else f"a {fact.type}"
            raise RulebookError(
                str(declared.path), reader, f"compares {cmp.field} with {cmp.value!r}, not {expected}"
            )
    return frozenset(read)


def compile_ruleset(rs: RuleSet) -> CompiledRuleset:
    """Build every rule of the version, check what it reads and merge identical conditions."""
    logic = _logic(rs)
    reads = {rule_id: _read(rs, rule_id, built.conditions(), rule=True) for rule_id, built in logic.items()}
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
        built_sections = build_section(rs, logic)
        _read(rs, build_section.__name__, (cond for cond, _ in built_sections), rule=False)
        pending.extend((cond, Effect(None, None, tuple(sets.items()))) for cond, sets in built_sections)

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
    return CompiledRuleset(rs.version, definition, effects, defaults, reads)


def reader_problems(compiled: Iterable[CompiledRuleset], facts: FactBook) -> list[RulebookError]:
    """Declared readers that read the fact in no version (a stale ``read_by`` entry), one error each."""
    actual: dict[str, set[str]] = {}
    for ruleset in compiled:
        for rule_id, names in ruleset.reads.items():
            for name in names:
                actual.setdefault(name, set()).add(rule_id)
    return [
        RulebookError(
            str(facts.path),
            f"engine.{name}.read_by",
            f"{rule_id} is declared to read {name}, but its builder reads it in no version",
        )
        for name, fact in facts.engine.items()
        for rule_id in fact.read_by
        if rule_id not in actual.get(name, set())
    ]


def compile_versions(rulesets: Iterable[RuleSet]) -> dict[str, CompiledRuleset]:
    """Every version compiled, with the declared readers checked against them all.

    Raises:
        RulebookError: the first slip (``kaoping rules check`` lists every one).
    """
    snapshots = list(rulesets)
    compiled = {rs.version: compile_ruleset(rs) for rs in snapshots}
    if snapshots:
        problems = reader_problems(compiled.values(), snapshots[0].facts)
        if problems:
            raise problems[0]
    return compiled
