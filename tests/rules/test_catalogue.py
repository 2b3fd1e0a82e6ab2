"""Every rule of every version has a builder, a citation and table-driven cases for each of its outcomes."""

from __future__ import annotations

import functools
from collections import defaultdict
from pathlib import Path

import pytest

from engine import CaseError
from rules import load_rulebook
from rules._yaml import read_yaml
from rules.rulesets import compile_ruleset
from rules.rulesets._registry import BUILDERS
from tests.yamlcases import build_case, shared_evaluator

CASES = Path(__file__).parent
VERSIONS = [rs.version for rs in load_rulebook().versions]


def _specs() -> list[dict]:
    return [spec for path in sorted(CASES.rglob("*.yaml")) for spec in read_yaml(path)]


def _outcomes_covered() -> dict[str, set[str]]:
    covered: dict[str, set[str]] = defaultdict(set)
    for spec in _specs():
        for key, value in (spec.get("output") or {}).items():
            if key.startswith("trace."):
                covered[key[len("trace.") :]].add(value)
    return covered


@functools.cache
def _rules_cased_per_version() -> dict[str, set[str]]:
    """For each version, the rules some YAML case names in its expectations while decided under it."""
    found: dict[str, set[str]] = defaultdict(set)
    for spec in _specs():
        named = {key[len("trace.") :] for key in spec.get("output") or {} if key.startswith("trace.")}
        if not named:
            continue
        try:
            decision = shared_evaluator().evaluate(build_case(spec.get("input") or {}))
        except CaseError:
            continue
        found[decision["rule_version"]] |= named
    return found


@pytest.mark.parametrize("version", VERSIONS)
def test_every_rule_of_the_version_has_a_builder_and_a_citation(version: str) -> None:
    """Static check: the catalogue and the builders agree, and every rule cites its source."""
    rs = load_rulebook().at(version)
    compile_ruleset(rs)
    for rule in rs.rules:
        assert rule.id in BUILDERS
        assert rule.cite


def test_every_builder_has_a_rule() -> None:
    """No builder is left without a catalogue entry in some version."""
    ids = {r.id for rs in load_rulebook().versions for r in rs.rules}
    assert set(BUILDERS) <= ids


@pytest.mark.parametrize("version", VERSIONS)
def test_every_rule_of_the_version_has_cases_for_each_outcome(version: str) -> None:
    """The YAML suite exercises each rule of the version both ways (held/failed, applied/not_applicable)."""
    covered = _outcomes_covered()
    missing = []
    for rule in load_rulebook().at(version).rules:
        needed = {"held", "failed"} if rule.kind == "check" else {"applied", "not_applicable"}
        lacking = needed - covered[rule.id]
        if lacking:
            missing.append(f"{rule.id}: {sorted(lacking)}")
    assert missing == []


@pytest.mark.parametrize("version", VERSIONS[1:])
def test_a_rule_whose_numbers_change_in_the_version_has_a_case_under_it(version: str) -> None:
    """A version that changes a rule's parameters carries a YAML case of that rule decided under it."""
    rulebook = load_rulebook()
    current, previous = rulebook.at(version), rulebook.at(VERSIONS[VERSIONS.index(version) - 1])
    changed = [
        rule.id
        for rule in current.rules
        if any(current.param(p) != previous.params.get(p) for p in rule.parameters)
    ]
    assert sorted(set(changed) - _rules_cased_per_version()[version]) == []
