"""Fixtures of the rule-data tests: a temporary copy of the rule data, and the process restored after."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine import start
from rules import RULES_DIR, rules_dir
from tests.support.environment import fresh_environment

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """The rule data (no Python) copied to a temporary directory, to edit."""
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__", "rulesets"))
    return target


@pytest.fixture
def process_rules_dir() -> Iterator[None]:
    """Whatever rules directory a test makes the process's, the shipped one is the process's after it."""
    before = rules_dir()
    yield
    start(before)


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in a file by ``new`` (``old`` must be there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def kaoping(*args: str, rules: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The ``kaoping`` command as a real process, on the rule data under ``rules`` (KAOPING_RULES_DIR)."""
    env = fresh_environment()
    if rules is not None:
        env["KAOPING_RULES_DIR"] = str(rules)
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )
