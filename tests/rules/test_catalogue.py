"""Every rule has a builder, a citation and table-driven cases for each of its outcomes."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from rules import load_rulebook
from rules._yaml import read_yaml
from rules.rulesets._registry import BUILDERS
from rules.rulesets.compile import compile_ruleset

CASES = Path(__file__).parent


def _outcomes_covered() -> dict[str, set[str]]:
    covered: dict[str, set[str]] = defaultdict(set)
    for path in CASES.rglob("*.yaml"):
        for case in read_yaml(path):
            for key, value in (case.get("output") or {}).items():
                if key.startswith("trace."):
                    covered[key[len("trace.") :]].add(value)
    return covered


def test_every_rule_of_every_version_has_a_builder_and_a_citation() -> None:
    """Static check: the catalogue and the builders agree, and every rule cites its source."""
    for rs in load_rulebook().versions:
        compile_ruleset(rs)
        for rule in rs.rules:
            assert rule.id in BUILDERS
            assert rule.cite


def test_every_builder_has_a_rule() -> None:
    """No builder is left without a catalogue entry."""
    ids = {r.id for rs in load_rulebook().versions for r in rs.rules}
    assert set(BUILDERS) <= ids


def test_every_check_has_a_held_and_a_failed_case_and_every_computation_both_outcomes() -> None:
    """The YAML suite exercises each rule both ways (issue 6: static checks on the rule data)."""
    covered = _outcomes_covered()
    missing = []
    for rule in load_rulebook().at("2024-01-01").rules:
        needed = {"held", "failed"} if rule.kind == "check" else {"applied", "not_applicable"}
        lacking = needed - covered[rule.id]
        if lacking:
            missing.append(f"{rule.id}: {sorted(lacking)}")
    assert missing == []
