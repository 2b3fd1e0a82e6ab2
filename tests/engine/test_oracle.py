"""The engine agrees with an independent plain-Python reading of the rulebook on generated cases."""

from __future__ import annotations

from collections import Counter

from engine.testing import cases, decide
from tests.yamlcases import shared_evaluator


def test_engine_matches_the_oracle_on_2000_generated_cases() -> None:
    """Adapter rule 11: thousands of generated cases, zero mismatches, every outcome reached."""
    evaluator = shared_evaluator()
    seen: Counter[str] = Counter()
    mismatches = []
    for case in cases(2000, seed=7):
        decision = evaluator.evaluate(case)
        for entry in decision.pop("trace"):
            seen[f"{entry['rule']}:{entry['outcome']}"] += 1
        expected = decide(case)
        if decision != expected:
            mismatches.append(case["case_id"])
    assert mismatches == []
    for status in (
        "FEE-04:applied",
        "FEE-05:applied",
        "FEE-06:applied",
        "ELG-09:failed",
        "EXP-04:failed",
        "FLW-06:applied",
    ):
        assert seen[status] > 0, status
