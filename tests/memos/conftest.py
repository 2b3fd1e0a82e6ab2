"""Shared helpers of the memo tests: fixture cases, the office, rendering and reading memos."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest

from engine import evaluate
from engine.memos import OfficeInfo, render_memo

FIXTURES = Path(__file__).parent / "fixtures"
OFFICE = OfficeInfo(name="七宝镇财政所", number_prefix="七财评", district_bureau="闵行区财政局")
DATE = dt.date(2024, 7, 1)
KINDS = ("eligibility", "review-plan", "review-draft", "fee", "referral")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def load(name: str) -> dict[str, Any]:
    """A JSON fixture from tests/memos/fixtures/."""
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return data


def case(name: str = "worked_example") -> dict[str, Any]:
    """A fresh copy of a fixture case (``worked_example`` is the rulebook §7 case)."""
    return copy.deepcopy(load(f"{name}.case.json"))


def misconduct_case() -> dict[str, Any]:
    """The failing case with proven fabrication, so FLW-03 is raised and the fee suspended."""
    data = case("failing")
    data["prohibited_conduct"] = ["fabrication", "collusion"]
    data["draft"]["rework_round"] = 0
    return data


def render(
    data: dict[str, Any], kind: str, decision: dict[str, Any] | None = None, number: int | None = 7, **kw: Any
) -> bytes:
    """Render one memo with the real engine's decision (unless one is given)."""
    return render_memo(
        data,
        decision if decision is not None else evaluate(data),
        kind,
        office=kw.pop("office", OFFICE),
        document_number=number,
        document_date=kw.pop("document_date", DATE),
        **kw,
    )


def plain(text: str) -> str:
    """A memo's text as a person reads it: without the word joiners that keep a date or a document
    number on one line, non-breaking hyphens read as hyphens."""
    return text.replace("\u2060", "").replace("\u2011", "-")


class Memo:
    """A rendered memo, reopened with python-docx and as raw parts (texts read by :func:`plain`)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.document = docx.Document(io.BytesIO(data))
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            self.parts = {name: z.read(name) for name in z.namelist()}

    @property
    def paragraphs(self) -> list[str]:
        return [plain(p.text) for p in self.document.paragraphs]

    @property
    def rows(self) -> list[list[str]]:
        return [[plain(c.text) for c in row.cells] for t in self.document.tables for row in t.rows]

    @property
    def text(self) -> str:
        """Body paragraphs and table cells, one per line."""
        return "\n".join(self.paragraphs + ["|".join(r) for r in self.rows])

    @property
    def footnotes(self) -> dict[int, str]:
        """Footnote id → text, without the separator footnotes."""
        xml = self.parts.get("word/footnotes.xml", b"").decode()
        notes = {}
        for match in re.finditer(r'<w:footnote w:id="(\d+)"[^>]*>(.*?)</w:footnote>', xml, re.DOTALL):
            notes[int(match.group(1))] = plain(
                "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", match.group(2))).strip()
            )
        return notes

    @property
    def reference_ids(self) -> list[int]:
        xml = self.parts["word/document.xml"].decode()
        return [int(i) for i in re.findall(r'<w:footnoteReference w:id="(\d+)"/>', xml)]


def memo(data: dict[str, Any], kind: str, **kw: Any) -> Memo:
    """Render and reopen."""
    return Memo(render(data, kind, **kw))


@pytest.fixture(scope="session")
def worked() -> dict[str, Memo]:
    """The worked example's memos (all but the referral, which it does not support)."""
    data = case()
    decision = evaluate(data)
    return {k: memo(data, k, decision=decision) for k in KINDS if k != "referral"}


@pytest.fixture(scope="session")
def failing() -> dict[str, Memo]:
    """The failing case's memos: ineligible, invalid panel, both reviews returned, 差 after rework."""
    data = case("failing")
    decision = evaluate(data)
    return {k: memo(data, k, decision=decision, number=None) for k in KINDS}
