"""Shared helpers of the deliverable tests: the corpus files and their expected readings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).parent / "corpus" / "files"
EXAMPLE_CASE = ROOT / "examples" / "QB-2024-007.case.json"


def corpus_files() -> list[Path]:
    """Every .docx of the corpus, by name."""
    return sorted(CORPUS.glob("*.docx"))


def expected(path: Path) -> dict[str, Any]:
    """The reading expected of a corpus file."""
    data: dict[str, Any] = json.loads(
        path.with_name(f"{path.stem}.expected.json").read_text(encoding="utf-8")
    )
    return data


def example_case() -> dict[str, Any]:
    """The worked example's case."""
    data: dict[str, Any] = json.loads(EXAMPLE_CASE.read_text(encoding="utf-8"))
    return data
