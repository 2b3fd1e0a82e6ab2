"""Evaluate a case: pick the version, derive facts, let durable_rules decide, assemble the decision.

The decision is built exactly in the contract's shape (the contract's "Decision (output)"), with one
trace entry per rule of the version, in rulebook order.
"""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

from engine._durable import DurableEngine
from engine.calendar import WorkingDayCalendar, default_calendar
from engine.errors import CaseError, EngineError
from engine.facts import Facts, derive, problems
from engine.models import Case
from engine.money import amount_in_words, quantize, to_fen
from engine.problems import entry
from engine.trace import TraceWriter
from engine.validate import parse_case
from rules import Rulebook, RuleSet, load_rulebook, rules_dir, use_rules_dir
from rules.rulesets import compile_versions

_FIRST_PARTY_SCORE_PLACES = 3  # contract: party scores exact with exactly 3 decimals


class Evaluator:
    """Every rule version compiled once into its own durable_rules Host (adapter rule 3).

    Raises:
        RulebookError: a builder reads an undeclared fact, or a declared fact no derivation produces.
    """

    def __init__(self, rulebook: Rulebook | None = None, calendar: WorkingDayCalendar | None = None) -> None:
        self.rulebook = rulebook or load_rulebook()
        self.calendar = calendar or default_calendar()
        compiled = compile_versions(self.rulebook.versions)
        slips = problems(self.rulebook.facts)
        if slips:
            raise slips[0]
        self._engines = {version: DurableEngine(ruleset) for version, ruleset in compiled.items()}
        self._writers = {rs.version: TraceWriter(rs) for rs in self.rulebook.versions}
        self._families = {rs.version: _rule_ids_by_family(rs) for rs in self.rulebook.versions}
        self._effects = {version: _effects_by_name(engine) for version, engine in self._engines.items()}

    def version_for(self, case: Case) -> RuleSet:
        """The version in force on the commission date (rulebook §0), or a CaseError before the first."""
        rs = self.rulebook.in_force_on(case.commission.commissioned_on)
        if rs is None:
            first = self.rulebook.versions[0].version
            raise CaseError(
                [entry(["commission", "commissioned_on"], "out_of_scope", first=first)],
                case.case_id,
            )
        return rs

    def evaluate(self, data: Any) -> dict[str, Any]:
        """Validate raw JSON and decide it; :class:`CaseError` for anything that cannot be decided."""
        return self.decide(parse_case(data))

    def decide(self, case: Case) -> dict[str, Any]:
        """Decide a validated case."""
        rs = self.version_for(case)
        try:
            facts = derive(case, rs, self.calendar)
        except CaseError as exc:
            exc.case_id = case.case_id
            raise
        engine = self._engines[rs.version]
        outcomes, sets = _apply(
            engine.compiled.defaults, self._effects[rs.version], engine.fire(facts.engine)
        )
        decision = _assemble(case, rs, facts, outcomes, sets, self._families[rs.version])
        wording = _wording(case, facts, decision, outcomes, sets)
        decision["trace"] = self._writers[rs.version].write(outcomes, facts.trace, wording)
        return decision


def _rule_ids_by_family(rs: RuleSet) -> dict[str, tuple[str, ...]]:
    """Each family's rule ids, sorted (a decision lists failed rules in id order)."""
    families: dict[str, list[str]] = {}
    for rule in rs.rules:
        families.setdefault(rule.family, []).append(rule.id)
    return {family: tuple(sorted(ids)) for family, ids in families.items()}


# Per durable rule name: the (rule, outcome) pairs and the (key, value) decision values it records.
_Effects = dict[str, tuple[tuple[tuple[str, str], ...], tuple[tuple[str, Any], ...]]]


def _effects_by_name(engine: DurableEngine) -> _Effects:
    """The effect table flattened once per version, so applying a fired rule is two short loops."""
    return {
        name: (
            tuple((e.rule, e.outcome) for e in effects if e.rule is not None and e.outcome is not None),
            tuple(pair for e in effects for pair in e.sets),
        )
        for name, effects in engine.compiled.effects.items()
    }


def _apply(
    defaults: dict[str, str], effects: _Effects, fired: list[str]
) -> tuple[dict[str, str], dict[str, Any]]:
    """Turn the fired durable rules into rule outcomes and decision values; conflicts are engine bugs."""
    outcomes = dict(defaults)
    decided: dict[str, str] = {}
    sets: dict[str, Any] = {}
    for name in fired:
        rule_outcomes, values = effects[name]
        for rule, outcome in rule_outcomes:
            if decided.get(rule, outcome) != outcome:
                raise EngineError(f"{rule} decided both {decided[rule]} and {outcome}")
            decided[rule] = outcomes[rule] = outcome
        for key, value in values:
            if sets.get(key, value) != value:
                raise EngineError(f"{key} decided both {sets[key]} and {value}")
            sets[key] = value
    return outcomes, sets


def _having(ids: tuple[str, ...], outcomes: dict[str, str], outcome: str) -> list[str]:
    return [rule_id for rule_id in ids if outcomes[rule_id] == outcome]


def _fee(case: Case, facts: Facts, sets: dict[str, Any]) -> dict[str, Any]:
    status = sets.get("fee.status", "pending")
    fee: dict[str, Any] = {
        "status": status,
        "coefficient": None,
        "late_working_days": None,
        "deduction": None,
        "payable": None,
        "payable_in_words": None,
    }
    if status in {"payable", "withheld"}:
        coefficient = Decimal(sets["fee.coefficient"])
        payable = Decimal("0.00")
        if status == "payable":
            payable = max(
                Decimal("0.00"), to_fen(case.commission.contract_fee * coefficient - facts.deduction)
            )
        fee.update(
            coefficient=str(quantize(coefficient, 2)),
            late_working_days=facts.late_working_days,
            deduction=str(facts.deduction),
            payable=str(payable),
            payable_in_words=amount_in_words(payable),
        )
    elif status == "suspended":
        fee.update(
            late_working_days=facts.late_working_days,
            payable="0.00",
            payable_in_words=amount_in_words(Decimal("0.00")),
        )
    return fee


def _assemble(  # noqa: PLR0913, PLR0917 - the parts of one decision
    case: Case,
    rs: RuleSet,
    facts: Facts,
    outcomes: dict[str, str],
    sets: dict[str, Any],
    families: dict[str, tuple[str, ...]],
) -> dict[str, Any]:
    """The decision without its trace; failed rules and flags in rule-id order."""
    complete = not facts.missing
    exp_04_failed = outcomes.get("EXP-04") == "failed"
    empty: tuple[str, ...] = ()
    return {
        "case_id": case.case_id,
        "rule_version": rs.version,
        "eligibility": {
            "status": sets.get("eligibility.status", "eligible"),
            "failed": _having(families.get("eligibility", empty), outcomes, "failed"),
        },
        "panel": {
            "status": sets.get("panel.status", "valid"),
            "failed": _having(families.get("panel", empty), outcomes, "failed"),
            "conflicted_members": facts.conflicted_members if exp_04_failed else [],
        },
        "plan_review": {
            "verdict": sets.get("plan_review.verdict", "pass"),
            "failed": _having(families.get("plan_review", empty), outcomes, "failed"),
        },
        "draft_review": {
            "verdict": sets.get("draft_review.verdict", "pass"),
            "failed": _having(families.get("report_review", empty), outcomes, "failed"),
        },
        "assessment": {
            "status": "complete" if complete else "incomplete",
            "missing": list(facts.missing),
            "party_scores": (
                {p: str(quantize(v, _FIRST_PARTY_SCORE_PLACES)) for p, v in facts.party_scores.items()}
                if complete and facts.party_scores
                else None
            ),
            "composite": str(facts.composite) if complete and facts.composite is not None else None,
            "grade": sets.get("grade"),
        },
        "fee": _fee(case, facts, sets),
        "flags": _having(families.get("followups", empty), outcomes, "applied"),
    }


def _wording(
    case: Case, facts: Facts, decision: dict[str, Any], outcomes: dict[str, str], sets: dict[str, Any]
) -> dict[str, Any]:
    """Decided values the trace's wording names besides each rule's own facts."""
    fee = decision["fee"]
    return {
        "grade": sets.get("grade"),
        "coefficient": fee["coefficient"],
        "deduction": fee["deduction"],
        "payable": fee["payable"],
        "payable_in_words": fee["payable_in_words"],
        "contract_fee": str(case.commission.contract_fee),
        "band_grade": sets.get("report.band_grade"),
        "rework_round": case.draft.rework_round if case.draft else None,
        "evaluation_kind": case.commission.evaluation_kind,
        "prohibited_conduct": list(case.prohibited_conduct),
        "divergent_nodes": [
            n
            for n in ("plan", "draft")
            if outcomes.get("FLW-06") == "applied" and facts.engine[f"{n}_div_known"]
        ],
    }


_EVALUATORS: dict[Path, Evaluator] = {}
_LOCK = threading.Lock()
# The process's rules directory as last seen, with its evaluator: the common call is one comparison.
_current: tuple[Path, Evaluator] | None = None


def start(rules_directory: Path | None = None) -> Evaluator:
    """The process's evaluator over its rules directory, built now (lifespan, CLI: eager registration).

    With ``rules_directory`` that directory becomes the process's rule data first (``rules.use_rules_dir``,
    the settings' ``rules_dir``); an evaluator is built once per directory.
    """
    global _current  # noqa: PLW0603 - one evaluator per rules directory and process, built once
    if rules_directory is not None:
        use_rules_dir(rules_directory)
    wanted = rules_dir()
    seen = _current
    if seen is not None and seen[0] is wanted:
        return seen[1]
    with _LOCK:
        root = wanted.resolve()
        evaluator = _EVALUATORS.get(root)
        if evaluator is None:
            evaluator = _EVALUATORS[root] = Evaluator(load_rulebook(root))
        _current = (wanted, evaluator)
        return evaluator


def evaluate(data: Any) -> dict[str, Any]:
    """Evaluate one raw case (a dict from JSON) with the process's evaluator."""
    return start().evaluate(data)
