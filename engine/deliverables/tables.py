"""The indicator table: found by its header row, continued across Word tables, its rows classified.

A table is an indicator table of a node when its header row — or two header rows, the lower one naming
what the upper one's merged cell groups — names a column of an indicator level or name and the node's
number column (``weight`` for a plan, ``score`` for a draft), by the vocabulary's header texts
(``deliverable_headers``). A table right after it (nothing but empty paragraphs and page breaks between)
with the same columns, or of the same width without a header, continues it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from engine.deliverables.body import Block, Cell, Paragraph, Table
from engine.deliverables.words import Node, Words
from rules.vocabulary import heading_key

LEVELS = ("name", "level3", "level2", "level1")
"""The columns an indicator's name may come from, most specific first."""

_NUMBER_FIELD: dict[Node, str] = {"plan": "weight", "draft": "score"}
_UNIT_SUFFIX = re.compile(r"[(（][^()（）]*[)）]\s*$")

RowKind = Literal["blank", "total", "subtotal", "divider", "header", "indicator"]


@dataclass(frozen=True)
class Column:
    """A column of an indicator table: its grid index and its header as written."""

    index: int
    header: str


@dataclass(frozen=True)
class Layout:
    """An indicator table's columns by field, and how many header rows it has."""

    table: Table
    header_rows: int
    columns: dict[str, Column]
    repeated: tuple[tuple[str, Column, Column], ...] = ()
    """Fields named by two different header cells: (field, the column read, the column left)."""

    def signature(self) -> tuple[int, tuple[tuple[str, int], ...]]:
        """Width and the field of each column: a continuation has the same."""
        return self.table.width, tuple(sorted((f, c.index) for f, c in self.columns.items()))


def header_field(text: str, fields: dict[str, str]) -> str | None:
    """The field a header cell names (``分值（分）`` names what ``分值`` names)."""
    found = fields.get(heading_key(text))
    if found is None and _UNIT_SUFFIX.search(text):
        found = fields.get(heading_key(_UNIT_SUFFIX.sub("", text)))
    return found


def _two_header_rows(table: Table, fields: dict[str, str]) -> bool:
    if len(table.rows) < 2:
        return False
    return any(cell.origin[0] == 1 and header_field(cell.text, fields) for cell in table.rows[1])


def layout(table: Table, node: Node, words: Words) -> Layout | None:
    """The table's layout as an indicator table of ``node``, or None when it is none."""
    if not table.rows:
        return None
    fields = dict(words.header_fields(node))
    header_rows = 2 if _two_header_rows(table, fields) else 1
    columns: dict[str, Column] = {}
    origins: dict[str, tuple[int, int]] = {}
    repeated: list[tuple[str, Column, Column]] = []
    for c in range(table.width):
        stack: list[Cell] = [table.rows[r][c] for r in reversed(range(header_rows))]
        for cell in stack:
            found = header_field(cell.text, fields)
            if found is None:
                continue
            column = Column(c, cell.text)
            if found not in columns:
                columns[found] = column
                origins[found] = cell.origin
            elif origins[found] != cell.origin:
                repeated.append((found, columns[found], column))
            break
    has_level = any(level in columns for level in LEVELS)
    if not has_level or _NUMBER_FIELD[node] not in columns:
        return None
    return Layout(table, header_rows, columns, tuple(repeated))


def _keys(row: tuple[Cell, ...], lay: Layout) -> list[str]:
    """The keys of the cells that may label a row: its level and name cells and its first text."""
    cells = [row[lay.columns[level].index] for level in LEVELS if level in lay.columns]
    first = next((cell for cell in row if cell.text.strip()), None)
    if first is not None:
        cells.append(first)
    return [heading_key(cell.text) for cell in cells if cell.text.strip()]


def classify(row: tuple[Cell, ...], lay: Layout, words: Words, fields: dict[str, str]) -> RowKind:
    """What a row below the header is."""
    if not any(cell.text.strip() for cell in row):
        return "blank"
    keys = _keys(row, lay)
    if any(key in words.total_rows for key in keys):
        return "total"
    if any(key in words.subtotal_rows for key in keys):
        return "subtotal"
    if len(row) > 1 and len({cell.origin for cell in row}) == 1:
        return "divider"
    if any(header_field(row[c.index].text, fields) == f for f, c in lay.columns.items()):
        return "header"
    return "indicator"


@dataclass(frozen=True)
class Group:
    """An indicator table and the tables continuing it; each part with its header rows."""

    parts: tuple[Layout, ...]

    @property
    def first(self) -> Layout:
        """The table that starts the group (its columns are every part's)."""
        return self.parts[0]


def _blank(block: Block) -> bool:
    return isinstance(block, Paragraph) and not block.text.strip()


def groups(blocks: list[Block], node: Node, words: Words) -> list[Group]:
    """Every indicator table of the document with its continuations, in body order."""
    found: list[list[Layout]] = []
    open_group = False  # the last group may still be continued: only blank paragraphs since its table
    for block in blocks:
        if not isinstance(block, Table):
            open_group = open_group and _blank(block)
            continue
        lay = layout(block, node, words)
        current = found[-1] if found and open_group else None
        if current is not None:
            first = current[0]
            if lay is not None and lay.signature() == first.signature():
                current.append(lay)
                continue
            if lay is None and block.width == first.table.width:
                current.append(Layout(block, 0, first.columns))
                continue
        if lay is None:
            open_group = False
            continue
        found.append([lay])
        open_group = True
    return [Group(tuple(parts)) for parts in found]
