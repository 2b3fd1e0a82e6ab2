"""Read a filled score sheet back: check it is this case's sheet in its shape, then read every score.

The file passes the Office-file guard first (sizes, no DTD, no macros, no external links), then opens
with openpyxl in read-only mode, reading only the rows the layout names (and a few below them), so a
sheet padded with a million rows costs no more than the template. Problems are collected, not raised
one at a time: every change of shape, then (only when the shape is intact) every bad cell.
"""

from __future__ import annotations

import io
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook

from engine.office_file import Limits, MiB, check_package
from engine.problems import entry
from engine.sheets.cells import Problem, read_cell
from engine.sheets.layout import LAYOUT_SHEET, Layout, PartySheet, parse_layout
from rules.errors import KaopingError
from rules.messages import Lang, Term, message

SHEET_LIMITS = Limits(file_bytes=4 * MiB, part_bytes=4 * MiB, total_bytes=16 * MiB, parts=200)
"""Caps on an uploaded score sheet (the template of a 50-member panel is about 12 KB)."""
_BELOW = 30  # rows read below the last score row, to find scores typed outside the table
_LAYOUT_ROWS = 40
_COLUMNS = "ABCDEF"


@dataclass(frozen=True)
class ScoreEntry:
    """One score read from a sheet: where, whose, and the value."""

    sheet: str
    cell: str
    node: str
    party: str
    member: str | None
    value: Decimal


class SheetError(KaopingError):
    """The sheet is refused: every problem found, each worded by its message id."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(self.lines("en")))

    def lines(self, lang: Lang = "zh") -> list[str]:
        """Each problem as a sentence."""
        return [message(p.key, lang, **_values(p)) for p in self.problems]

    def errors(self) -> list[dict[str, Any]]:
        """The contract's error list: ``loc`` the sheet and cell, ``type`` the message id."""
        return [entry(["file", *p.loc], p.key, **_values(p)) for p in self.problems]


def _values(problem: Problem) -> dict[str, Any]:
    """A problem's values, a node code as its label (worded in the message's language)."""
    values = dict(problem.values)
    if "node" in values:
        values["node"] = Term("node", values["node"])
    return values


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _grid(ws: Any, last_row: int) -> dict[str, tuple[Any, str | None]]:
    """``{"C12": (value, data_type)}`` of the first rows and columns, read in one pass."""
    grid: dict[str, tuple[Any, str | None]] = {}
    for row in ws.iter_rows(min_row=1, max_row=last_row, max_col=len(_COLUMNS)):
        for cell in row:
            if getattr(cell, "value", None) is not None:
                grid[cell.coordinate] = (cell.value, getattr(cell, "data_type", None))
    return grid


def _shape(sheet: PartySheet, grid: dict[str, tuple[Any, str | None]]) -> list[Problem]:
    """What moved: header texts, the first cell of each score row, scores typed outside the table."""
    name = sheet.name
    problems = []
    for column, expected in sheet.headers.items():
        cell = f"{column}{sheet.header_row}"
        found = _text(grid.get(cell, (None, None))[0])
        if found != expected:
            problems.append(
                Problem(
                    "sheet.moved_column",
                    {"sheet": name, "cell": cell, "expected": expected, "found": found},
                    (name, cell),
                )
            )
    rows = {r.row for r in sheet.rows}
    for r in sheet.rows:
        cell = f"A{r.row}"
        found = _text(grid.get(cell, (None, None))[0])
        if found != r.shown:
            problems.append(
                Problem(
                    "sheet.moved_row",
                    {"sheet": name, "cell": cell, "expected": r.shown, "found": found},
                    (name, cell),
                )
            )
    last = max(rows, default=sheet.header_row)
    for number in range(sheet.header_row + 1, last + _BELOW + 1):
        scored = [c for c in ("C", "D", "E", "F") if _text(grid.get(f"{c}{number}", (None, None))[0])]
        if number in rows:
            scored = [c for c in scored if c in {"E", "F"}]
        if not scored:
            continue
        cell = f"{scored[0]}{number}"
        problems.append(Problem("sheet.outside_table", {"sheet": name, "cell": cell}, (name, cell)))
    return problems


def _layout(book: Any, case_id: str) -> Layout:
    if LAYOUT_SHEET not in book.sheetnames:
        raise SheetError([Problem("sheet.no_layout")])
    cells = [
        _text(row[0])
        for row in book[LAYOUT_SHEET].iter_rows(max_row=_LAYOUT_ROWS, max_col=1, values_only=True)
        if row and row[0] is not None
    ]
    layout = parse_layout(cells)
    if layout is None:
        raise SheetError([Problem("sheet.layout_damaged")])
    if layout.case_id != case_id:
        raise SheetError([Problem("sheet.other_case", {"found": layout.case_id, "expected": case_id})])
    return layout


@dataclass(frozen=True)
class SheetReading:
    """A sheet whose shape is intact: what each filled score cell holds (a score or a problem)."""

    layout: Layout
    cells: dict[tuple[str, str], ScoreEntry | Problem]

    @property
    def entries(self) -> list[ScoreEntry]:
        """Every score read, before the case's panel and nodes are checked."""
        return [found for found in self.cells.values() if isinstance(found, ScoreEntry)]

    def checked(self, *, members: Collection[str], nodes: Collection[str]) -> list[ScoreEntry]:
        """The scores, checked against the case: each member row on its panel, each node there.

        Raises:
            SheetError: every bad cell, member row not on the panel and score of a missing node.
        """
        entries: list[ScoreEntry] = []
        problems: list[Problem] = []
        for sheet in self.layout.sheets:
            for r in sheet.rows:
                if sheet.party == "expert_panel" and r.key not in members:
                    cell = f"A{r.row}"
                    values = {"sheet": sheet.name, "cell": cell, "member": r.key}
                    problems.append(Problem("sheet.not_on_panel", values, (sheet.name, cell)))
                    continue
                for node, column in sheet.columns.items():
                    cell = f"{column}{r.row}"
                    found = self.cells.get((sheet.name, cell))
                    if isinstance(found, Problem):
                        problems.append(found)
                    elif found is not None and node not in nodes:
                        values = {"sheet": sheet.name, "cell": cell, "node": node}
                        problems.append(Problem("sheet.cell.node_absent", values, (sheet.name, cell)))
                    elif found is not None:
                        entries.append(found)
        if problems:
            raise SheetError(problems)
        return entries


def _cells(
    sheet: PartySheet, grid: dict[str, tuple[Any, str | None]]
) -> dict[tuple[str, str], ScoreEntry | Problem]:
    out: dict[tuple[str, str], ScoreEntry | Problem] = {}
    for r in sheet.rows:
        member = r.key if sheet.party == "expert_panel" else None
        for node, column in sheet.columns.items():
            cell = f"{column}{r.row}"
            value, data_type = grid.get(cell, (None, None))
            found = read_cell(sheet.name, cell, value, data_type)
            if isinstance(found, Problem):
                out[sheet.name, cell] = found
            elif found is not None:
                out[sheet.name, cell] = ScoreEntry(sheet.name, cell, node, sheet.party, member, found)
    return out


def read_sheet(data: bytes, *, case_id: str) -> SheetReading:
    """Read a filled sheet of ``case_id``: its cells, once its shape is known to be intact.

    :meth:`SheetReading.checked` then checks the scores against the case (empty cells are left out).

    Raises:
        OfficeFileError: the file fails the guard (413 too large, else 422).
        SheetError: not this case's sheet, or a changed shape -- every change listed.
    """
    check_package(data, kind="xlsx", limits=SHEET_LIMITS)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file; all mean "unreadable"
        raise SheetError([Problem("sheet.unreadable")]) from None
    try:
        return _read(book, case_id)
    except SheetError:
        raise
    except Exception:  # noqa: BLE001 - as above, for what openpyxl reads lazily
        raise SheetError([Problem("sheet.unreadable")]) from None
    finally:
        book.close()


def _read(book: Any, case_id: str) -> SheetReading:
    layout = _layout(book, case_id)
    shown = [n for n in book.sheetnames if n != LAYOUT_SHEET]
    problems: list[Problem] = []
    cells: dict[tuple[str, str], ScoreEntry | Problem] = {}
    for sheet in layout.sheets:
        if sheet.name not in book.sheetnames:
            others = " / ".join(n for n in shown if n not in {s.name for s in layout.sheets}) or "—"
            problems.append(
                Problem("sheet.missing_sheet", {"sheet": sheet.name, "others": others}, (sheet.name,))
            )
            continue
        last = max((r.row for r in sheet.rows), default=sheet.header_row) + _BELOW
        grid = _grid(book[sheet.name], last)
        problems += _shape(sheet, grid)
        cells.update(_cells(sheet, grid))
    if problems:
        raise SheetError(problems)
    return SheetReading(layout, cells)
