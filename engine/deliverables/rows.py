"""The rows of an indicator table group: each indicator's cells by field, the total rows, warnings.

An indicator's name is the most specific level with text in its row (``指标名称``, else the third,
second, first level). A level-1 cell that is blank (not merged: Word repeats a merged cell's text at
each row it covers) takes the level-1 of the row above, with a warning naming both cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.deliverables.body import Cell
from engine.deliverables.model import Location, ReadingWarning
from engine.deliverables.tables import LEVELS, Group, Layout, classify
from engine.deliverables.words import Node, Words

Value = tuple[str, Location]
"""A cell's text as written and where it is."""


@dataclass
class Row:
    """One indicator row: the cell of each field its table has, and the cell its name comes from."""

    values: dict[str, Value]
    name: Value | None


@dataclass
class Rows:
    """What an indicator table group holds."""

    group: Group
    indicators: list[Row] = field(default_factory=list)
    totals: list[dict[str, Value]] = field(default_factory=list)
    warnings: list[ReadingWarning] = field(default_factory=list)


def _cell_location(lay: Layout, row: int, column: int, cell: Cell, header: str) -> Location:
    return Location(text=cell.text, table=lay.table.index, row=row, column=column, header=header)


def read_rows(group: Group, node: Node, words: Words) -> Rows:
    """The indicators and total rows of a group, in order."""
    out = Rows(group)
    columns = group.first.columns
    fields = dict(words.header_fields(node))
    level1_above: Value | None = None
    for lay in group.parts:
        for r in range(lay.header_rows, len(lay.table.rows)):
            cells = lay.table.rows[r]
            kind = classify(cells, Layout(lay.table, lay.header_rows, columns), words, fields)
            values = {
                name: (cells[col.index].text, _cell_location(lay, r, col.index, cells[col.index], col.header))
                for name, col in columns.items()
            }
            if kind == "total":
                out.totals.append(values)
                continue
            if kind != "indicator":
                continue
            name = next(
                (values[level] for level in LEVELS if level in values and values[level][0].strip()), None
            )
            level1 = values.get("level1")
            if level1 is not None and not level1[0].strip() and level1_above is not None:
                out.warnings.append(
                    ReadingWarning(
                        "level1_carried",
                        {"place": level1[1], "above": level1_above[1], "level1": level1_above[0]},
                        location=level1[1],
                        other_location=level1_above[1],
                    )
                )
                values["level1"] = level1_above
            elif level1 is not None and level1[0].strip():
                level1_above = level1
            out.indicators.append(Row(values, name))
    return out
