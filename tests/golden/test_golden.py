"""Decisions stay the same across refactors: a golden set of 3,001 decisions, compared field by field.

``decisions.jsonl.gz`` holds the worked example and 3,000 generated cases (seed 20261205), each with the
decision the engine gave when the set was written, its trace cut down to each rule's id and outcome.
Everything acceptance reads is compared: every field outside the trace, and every trace entry's rule and
outcome in order. The trace's wording (``detail``, ``cite``) and its ``facts`` may change with the
product's own words and are not part of the set.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from tests.yamlcases import shared_evaluator

GOLDEN = Path(__file__).with_name("decisions.jsonl.gz")


def _comparable(decision: dict[str, Any]) -> dict[str, Any]:
    out = dict(decision)
    out["trace"] = [{"rule": e["rule"], "outcome": e["outcome"]} for e in decision["trace"]]
    return out


def test_every_golden_decision_is_unchanged() -> None:
    """Each stored case decides exactly as it did when the set was written (trace wording aside)."""
    evaluator = shared_evaluator()
    differing = []
    count = 0
    with gzip.open(GOLDEN, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            count += 1
            got = _comparable(evaluator.evaluate(row["case"]))
            if got != row["decision"]:
                differing.append(row["case"]["case_id"])
    assert count == 3001
    assert differing == []
