"""Reading an evaluation plan 评价方案: its sections and indicator table (``sections``, ``indicators``).

Each indicator: ``name`` the most specific level, ``level1`` the level-1 cell (typed numbering and a
point count such as （20分） left out), ``weight`` a number, ``standard`` one of the standards when the cell
names exactly one (else as written, for PLN-05 to judge), ``method`` as written, ``evidence_ref`` as
written and left out when blank. The weights are checked against a 合计 row. Dates are never in a plan
the way the case needs them: ``deadline`` and ``submitted_on`` stay unread.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from engine.deliverables.body import Block
from engine.deliverables.indicators import Found, Item, RowReader, check_total, read_list
from engine.deliverables.model import FieldName, Location, ReadingWarning
from engine.deliverables.rows import Row
from engine.deliverables.sections import Sections
from engine.deliverables.values import level_name, standard
from engine.deliverables.words import Words

UNREAD_ALWAYS = ("deadline", "submitted_on")
FIELD_ORDER = ("deadline", "submitted_on", "sections", "indicators")
_NEEDED = ("level1", "weight", "standard", "method")


def _item(reader: RowReader, row: Row) -> Item:
    item: dict[str, Any] = {}
    where: dict[str, Location] = {}
    reader.name(row, item, where)
    text, location = row.values["level1"]
    item["level1"] = level_name(text)
    where["level1"] = location
    reader.number(row, "weight", item, where)
    text, location = row.values["standard"]
    item["standard"], named = standard(text, reader.words)
    where["standard"] = location
    if len(named) > 1:
        reader.found.warnings.append(
            ReadingWarning(
                "standard_ambiguous", {"place": location, "standards": "、".join(named)}, location=location
            )
        )
    text, location = row.values["method"]
    item["method"] = text.strip()
    where["method"] = location
    if "evidence_ref" in row.values:
        text, location = row.values["evidence_ref"]
        if text.strip():
            item["evidence_ref"] = text.strip()
        where["evidence_ref"] = location
    return item, where


def read_plan(blocks: list[Block], sections: Sections, words: Words) -> Found:
    """The plan's fields, locations, unread fields and warnings."""
    found = Found()
    found.fields["sections"] = list(sections.codes)
    found.locations.update({f"sections.{code}": loc for code, loc in sections.locations.items()})
    rows = read_list(blocks, node="plan", words=words, found=found, needed=_NEEDED, read=_item)
    if rows is not None and "indicators" in found.fields:
        if "evidence_ref" not in rows.group.first.columns:
            found.warnings.append(
                ReadingWarning(
                    "no_evidence_column",
                    {"field": FieldName(("plan", "indicators", "evidence_ref"))},
                )
            )
        total = sum((Decimal(i["weight"]) for i in found.fields["indicators"]), Decimal(0))
        check_total(rows, "weight", total, words, found)
    found.unread[:0] = UNREAD_ALWAYS
    return found
