"""Write the corpus of Word deliverables and the reading expected of each, beside it.

Run from the repository root: ``.venv/bin/python -m tests.deliverables.corpus.build_corpus``. The .docx
files are deterministic (fixed zip entries and core properties), so running it again rewrites the same
bytes; ``tests/deliverables/test_corpus.py`` checks that the committed files are what it writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.deliverables.corpus.drafts import DRAFTS
from tests.deliverables.corpus.plans import PLANS

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"


def documents() -> Iterator[tuple[str, bytes, dict[str, Any]]]:
    """Every corpus document: its file name, its bytes, its expected reading."""
    for make in (*PLANS, *DRAFTS):
        yield make()


def expected_json(expected: dict[str, Any]) -> str:
    """The expected reading as it is written beside the file."""
    return json.dumps(expected, ensure_ascii=False, indent=2) + "\n"


def build(target: Path = FILES) -> list[Path]:
    """Write every document and its ``<name>.expected.json`` into ``target``; the .docx paths."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data, expected in documents():
        path = target / name
        path.write_bytes(data)
        (target / f"{path.stem}.expected.json").write_text(expected_json(expected), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in build():
        print(path.relative_to(HERE.parents[2]))
