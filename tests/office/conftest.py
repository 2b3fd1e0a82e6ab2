"""Shared helpers of the office-tool tests: the worked example, a changed copy, the evaluator."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from engine import Evaluator, start

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE: dict[str, Any] = json.loads((ROOT / "examples" / "QB-2024-007.case.json").read_text("utf-8"))


def example(**changes: Any) -> dict[str, Any]:
    """A deep copy of the worked example with top-level keys replaced."""
    case = copy.deepcopy(EXAMPLE)
    case.update(changes)
    return case


@pytest.fixture(scope="session")
def evaluator() -> Evaluator:
    """The process's evaluator over the shipped rules."""
    return start()
