"""The layout of a score sheet, written into the workbook's hidden sheet and read back on import.

The template records which case it is for and, per party sheet, where everything is: the header row
and its texts, the column of each node, and each score row with the key it stands for (a member id, or
the party itself) and the text shown in its first column. On import the layout is compared with what
the workbook holds, so a sheet of another case, or one edited into another shape, is refused with
what changed.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

LAYOUT_SHEET = "_kaoping_layout"
MARKER = "kaoping-score-sheet"
FORMAT = 1
_CHUNK = 30_000  # an Excel cell holds at most 32,767 characters
Column = Literal["A", "B", "C", "D"]
"""The columns a score sheet's table uses (member or party, name, plan, draft)."""


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Row(_Shape):
    """One score row: its number, the member id (or the party's code) and the text of its first cell."""

    row: int = Field(ge=1, le=10_000)
    key: str = Field(min_length=1, max_length=200)
    shown: str = Field(max_length=500)


class PartySheet(_Shape):
    """One party's sheet: its name, header row and texts, node columns and score rows."""

    name: str = Field(min_length=1, max_length=31)
    party: Literal["expert_panel", "project_unit", "finance_office"]
    header_row: int = Field(ge=1, le=10_000)
    headers: dict[Column, str]
    columns: dict[Literal["plan", "draft"], Column]
    rows: list[Row] = Field(max_length=1000)


class Layout(_Shape):
    """The whole workbook's layout."""

    format: Literal[1]
    case_id: str = Field(min_length=1, max_length=64)
    sheets: list[PartySheet] = Field(min_length=1, max_length=3)


def layout_cells(layout: Layout) -> list[str]:
    """The hidden sheet's column A: the marker, then the layout's JSON in pieces a cell can hold."""
    text = json.dumps(layout.model_dump(), ensure_ascii=False, separators=(",", ":"))
    return [MARKER, *(text[i : i + _CHUNK] for i in range(0, len(text), _CHUNK))]


def parse_layout(cells: list[str]) -> Layout | None:
    """The layout from the hidden sheet's column A, or ``None`` when it is missing or damaged."""
    if not cells or cells[0] != MARKER:
        return None
    try:
        return Layout.model_validate(json.loads("".join(cells[1:])))
    except (ValueError, RecursionError, ValidationError):
        return None
