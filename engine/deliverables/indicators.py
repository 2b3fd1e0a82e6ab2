"""A node's indicator table read into the contract's list, or left unread with the reason.

The list is ``plan.indicators`` or ``draft.indicator_scores``.

Which table: the indicator table group naming the most of the node's columns; two groups naming as many
are a warning (the first is read). The list is read only when every row reads completely: a column the
node needs that the table lacks, a row without a name, a number that is none — each is a warning naming
the place, and the list stays unread rather than half read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from engine.deliverables.model import FieldName, Location, ReadingWarning
from engine.deliverables.rows import Row, Rows, read_rows
from engine.deliverables.tables import Group, groups
from engine.deliverables.values import canonical, number, one_line
from engine.deliverables.words import Node, Words

LIST_FIELD: dict[Node, str] = {"plan": "indicators", "draft": "indicator_scores"}


@dataclass
class Found:
    """Fields read, their locations, fields left unread, warnings."""

    fields: dict[str, Any] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    unread: list[str] = field(default_factory=list)
    warnings: list[ReadingWarning] = field(default_factory=list)


def table_location(group: Group) -> Location:
    """The header row of a group's first table, as a place."""
    first = group.first
    header = " | ".join(dict.fromkeys(c.text for c in first.table.rows[0] if c.text))
    return Location(text=header, table=first.table.index, row=0)


def choose(found_groups: list[Group], node: Node) -> tuple[Group | None, list[ReadingWarning]]:
    """The group to read and the warnings choosing it gives."""
    if not found_groups:
        return None, [ReadingWarning("no_table", {"field": FieldName((node, LIST_FIELD[node]))})]
    best = max(len(g.first.columns) for g in found_groups)
    top = [g for g in found_groups if len(g.first.columns) == best]
    warnings = []
    if len(top) > 1:
        first, other = table_location(top[0]), table_location(top[1])
        warnings.append(
            ReadingWarning(
                "several_tables",
                {"first": first, "other": other},
                location=first,
                other_location=other,
            )
        )
    return top[0], warnings


def column_warnings(group: Group, node: Node, needed: tuple[str, ...]) -> tuple[list[ReadingWarning], bool]:
    """Warnings on the columns (a field named twice, a needed one missing); False when one is missing."""
    warnings = []
    place = table_location(group)
    for name, read, left in group.first.repeated:
        warnings.append(
            ReadingWarning(
                "column_repeated",
                {
                    "field": FieldName((node, LIST_FIELD[node], name)),
                    "read": read.header,
                    "left": left.header,
                },
                location=Location(text=read.header, table=place.table, row=0, column=read.index),
                other_location=Location(text=left.header, table=place.table, row=0, column=left.index),
            )
        )
    complete = True
    for name in needed:
        if name not in group.first.columns:
            complete = False
            warnings.append(
                ReadingWarning(
                    "missing_column",
                    {"field": FieldName((node, LIST_FIELD[node], name)), "place": place},
                    location=place,
                )
            )
    return warnings, complete


class RowReader:
    """Reads rows into items, collecting warnings; an unreadable cell marks the list unread."""

    def __init__(self, node: Node, words: Words, found: Found) -> None:
        self.node = node
        self.words = words
        self.found = found
        self.ok = True

    def number(self, row: Row, name: str, item: dict[str, Any], where: dict[str, Location]) -> Decimal | None:
        """A number cell into the item; a warning and the list unread when it states none."""
        text, location = row.values[name]
        value = number(text, self.words)
        if value is None:
            self.ok = False
            self.found.warnings.append(
                ReadingWarning(
                    "unreadable_number",
                    {
                        "place": location,
                        "text": text,
                        "field": FieldName((self.node, LIST_FIELD[self.node], name)),
                    },
                    location=location,
                )
            )
            return None
        item[name] = value
        where[name] = location
        return Decimal(value)

    def name(self, row: Row, item: dict[str, Any], where: dict[str, Location]) -> None:
        """The indicator's name from its most specific level; a warning when the row has none."""
        if row.name is None:
            self.ok = False
            first = next(iter(row.values.values()))[1]
            self.found.warnings.append(ReadingWarning("row_without_name", {"place": first}, location=first))
            return
        item["name"] = one_line(row.name[0])
        where["name"] = row.name[1]


def check_total(rows: Rows, name: str, total: Decimal, words: Words, found: Found) -> None:
    """Compare each total row's cell of a column with the column's sum; a warning when they differ."""
    for values in rows.totals:
        if name not in values:
            continue
        text, location = values[name]
        stated = number(text, words, bounded=False)
        if stated is None or Decimal(stated) == total:
            continue
        found.warnings.append(
            ReadingWarning(
                "total_row_mismatch",
                {"place": location, "stated": stated, "sum": canonical(total)},
                location=location,
            )
        )


Item = tuple[dict[str, Any], dict[str, Location]]
"""One indicator in the contract's shape, and where each of its fields was read."""


def read_list(  # noqa: PLR0913 - the document, the node, its words, what is found, and how a row reads
    blocks: list[Any],
    *,
    node: Node,
    words: Words,
    found: Found,
    needed: tuple[str, ...],
    read: Callable[[RowReader, Row], Item],
) -> Rows | None:
    """Read the node's indicator list into ``found``; the rows of the table read (None without a table).

    The list is in ``found.fields`` only when every row read completely; else it is in ``found.unread``.
    """
    list_field = LIST_FIELD[node]
    group, warnings = choose(groups(blocks, node, words), node)
    found.warnings.extend(warnings)
    if group is None:
        found.unread.append(list_field)
        return None
    warnings, complete = column_warnings(group, node, needed)
    found.warnings.extend(warnings)
    rows = read_rows(group, node, words)
    found.warnings.extend(rows.warnings)
    if not complete:
        found.unread.append(list_field)
        return rows
    reader = RowReader(node, words, found)
    items: list[dict[str, Any]] = []
    locations: dict[str, Location] = {}
    for i, row in enumerate(rows.indicators):
        item, where = read(reader, row)
        items.append(item)
        locations.update({f"{list_field}.{i}.{k}": v for k, v in where.items()})
    if not reader.ok:
        found.unread.append(list_field)
        return rows
    found.fields[list_field] = items
    found.locations.update(locations)
    return rows
