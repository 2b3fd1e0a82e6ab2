"""Fact derivation produces exactly the declared facts (rules/facts.yaml), of their declared types."""

from __future__ import annotations

from typing import Any

import pytest

from engine.calendar import default_calendar
from engine.facts import STEPS, Facts, derive, problems
from engine.models import Case
from engine.testing import cases
from rules import load_rulebook
from tests.yamlcases import load_base, shared_evaluator

_TYPES = {"bool": (bool,), "int": (int,), "text": (str,)}


def _sample() -> list[dict[str, Any]]:
    """The worked example and a generated set reaching every rule both ways."""
    return [load_base("worked_example_2024"), *cases(400, seed=12)]


SAMPLE = _sample()


def test_every_step_produces_what_it_declares_and_the_steps_together_every_declared_fact() -> None:
    """Each step adds exactly its declared facts, and nothing undeclared reaches the engine."""
    rulebook = load_rulebook()
    declared = rulebook.facts.engine
    for raw in SAMPLE:
        case = Case.model_validate(raw)
        rs = rulebook.in_force_on(case.commission.commissioned_on)
        assert rs is not None
        facts = Facts()
        for step in STEPS:
            before = set(facts.engine)
            step.run(case, rs, facts, default_calendar())
            assert set(facts.engine) - before == set(step.produces), step.run.__name__
        assert set(facts.engine) == set(declared)


def test_every_derived_fact_has_its_declared_type_and_codes() -> None:
    """bool facts are bools, int facts ints, text facts codes of their list (or empty: none yet)."""
    rulebook = load_rulebook()
    wrong = []
    for raw in SAMPLE:
        case = Case.model_validate(raw)
        rs = rulebook.in_force_on(case.commission.commissioned_on)
        assert rs is not None
        for name, value in derive(case, rs, default_calendar()).engine.items():
            fact = rulebook.facts.engine[name]
            fits = isinstance(value, _TYPES[fact.type]) and (fact.type == "bool") == isinstance(value, bool)
            if fact.codes and value != "":
                fits = fits and value in rs.labels[fact.codes]
            if not fits:
                wrong.append(f"{raw['case_id']}: {name}={value!r}")
    assert wrong == []


def test_every_trace_fact_is_declared_and_every_declared_one_is_shown() -> None:
    """A trace entry's facts are the rule's declared shown facts (and the decided values its wording names)."""
    declared = load_rulebook().facts
    evaluator = shared_evaluator()
    seen: set[tuple[str, str]] = set()
    undeclared = []
    for raw in SAMPLE:
        for entry in evaluator.evaluate(raw)["trace"]:
            for name in entry["facts"]:
                seen.add((entry["rule"], name))
                if declared.blank(entry["rule"], name) is None:
                    undeclared.append(f"{entry['rule']}.{name}")
    assert sorted(set(undeclared)) == []
    expected = {(rule, name) for name, fact in declared.shown.items() for rule in fact.shown_by}
    assert sorted(expected - seen) == []


def test_the_engine_refuses_a_fact_nobody_declared(monkeypatch: pytest.MonkeyPatch) -> None:
    """A step that produces an undeclared fact makes the engine fail to build, naming the step."""
    from engine import facts as facts_module  # noqa: PLC0415 - the registry under test

    sneaky = type(STEPS[0])(STEPS[0].run, (*STEPS[0].produces, "extra_fact"))
    monkeypatch.setattr(facts_module, "STEPS", (sneaky, *STEPS[1:]))
    found = [str(p) for p in problems(load_rulebook().facts)]
    assert found == [
        (
            f"{load_rulebook().facts.path}: engine.extra_fact: the derivation eligibility produces it, "
            "but facts.yaml does not declare it"
        )
    ]
