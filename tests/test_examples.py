"""The shipped examples: the worked example, and a year of cases that scripts/make_examples.py writes."""

from __future__ import annotations

import json
import runpy
from pathlib import Path

from engine import CaseError, evaluate

ROOT = Path(__file__).resolve().parents[1]


def test_the_years_cases_are_what_the_script_writes() -> None:
    """examples/cases.jsonl is reproducible: the script gives the same text."""
    script = runpy.run_path(str(ROOT / "scripts" / "make_examples.py"))
    assert (ROOT / "examples" / "cases.jsonl").read_text(encoding="utf-8") == script["text"]()


def test_every_example_is_decided_within_its_year() -> None:
    """Each line is a case of 2024 that the engine decides (no bad input), ids in commission order."""
    lines = (ROOT / "examples" / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 100
    dates = []
    for number, line in enumerate(lines, start=1):
        case = json.loads(line)
        assert case["case_id"] == f"QB-2024-{number:03d}"
        dates.append(case["commission"]["commissioned_on"])
        try:
            evaluate(case)
        except CaseError as exc:  # pragma: no cover - the assertion says which
            raise AssertionError(f"line {number}: {exc}") from None
    assert dates == sorted(dates)
    assert {d[:4] for d in dates} == {"2024"}
