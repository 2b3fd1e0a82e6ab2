"""Reading a draft report 报告初稿: sections, the score table, the reported total and grade.

``indicator_scores`` come from the score table (name, weight, score of each indicator). The total and
the grade are statements: the text's (综合得分为87.5分，评价等级为“良”) and the tables' (a 合计 row's score,
a row labelled 综合得分 or 评价等级). When statements disagree the text's conclusion is the reading — a
statement in the analysis-and-conclusion section before one elsewhere in the text, the text before a
table — and a warning names both places; two disagreeing statements of the same weight leave the field
unread. Dates, ``rework_round``, ``opinions_exchanged`` and ``signed_and_sealed`` stay unread for the
office to confirm.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine.deliverables.body import Block, Paragraph, Table
from engine.deliverables.indicators import Found, Item, RowReader, check_total, read_list
from engine.deliverables.model import Location, ReadingWarning
from engine.deliverables.rows import Row, Rows
from engine.deliverables.sections import Sections
from engine.deliverables.values import number
from engine.deliverables.words import Words, nfkc
from rules.vocabulary import heading_key

UNREAD_ALWAYS = ("deadline", "submitted_on", "rework_round")
UNREAD_AFTER = ("opinions_exchanged", "signed_and_sealed")
FIELD_ORDER = (
    "deadline",
    "submitted_on",
    "rework_round",
    "sections",
    "indicator_scores",
    "reported_total",
    "reported_grade",
    "opinions_exchanged",
    "signed_and_sealed",
)
_NEEDED = ("weight", "score")
_CONCLUSION = "analysis_conclusion"
_CONCLUSION_TIER, _TEXT_TIER, _TABLE_TIER = 0, 1, 2


@dataclass(frozen=True)
class Statement:
    """A value the file states, where, and how much it weighs (0 the conclusion's text, 2 a table)."""

    value: str
    location: Location
    tier: int


def _item(reader: RowReader, row: Row) -> Item:
    item: dict[str, Any] = {}
    where: dict[str, Location] = {}
    reader.name(row, item, where)
    reader.number(row, "weight", item, where)
    reader.number(row, "score", item, where)
    return item, where


def _text_statements(
    blocks: list[Block], sections: Sections, words: Words
) -> tuple[list[Statement], list[Statement]]:
    totals: list[Statement] = []
    grades: list[Statement] = []
    for block in blocks:
        if not isinstance(block, Paragraph) or block.toc or block.index in sections.skipped:
            continue
        text = nfkc(block.text)
        tier = _CONCLUSION_TIER if sections.section_of.get(block.index) == _CONCLUSION else _TEXT_TIER
        location = Location(text=block.text, paragraph=block.index)
        totals += [Statement(m.group("number"), location, tier) for m in words.total_statement.finditer(text)]
        for m in words.grade_statement.finditer(text):
            code = words.grade(m.group("grade"))
            if code is not None:
                grades.append(Statement(code, location, tier))
    return totals, grades


def _table_statements(
    blocks: list[Block], rows: Rows | None, words: Words
) -> tuple[list[Statement], list[Statement]]:
    totals: list[Statement] = []
    grades: list[Statement] = []
    read = {part.table.index for part in rows.group.parts} if rows is not None else set()
    totals += [
        Statement(value, values["score"][1], _TABLE_TIER)
        for values in (rows.totals if rows is not None else [])
        if "score" in values and (value := number(values["score"][0], words)) is not None
    ]
    for table in (b for b in blocks if isinstance(b, Table) and b.index not in read):
        for r, row in enumerate(table.rows):
            labelled = [(c, cell) for c, cell in enumerate(row) if cell.text.strip()]
            distinct = [
                (c, cell)
                for i, (c, cell) in enumerate(labelled)
                if i == 0 or cell.origin != labelled[i - 1][1].origin
            ]
            if len(distinct) < 2:
                continue
            (_, label), (column, cell) = distinct[0], distinct[1]
            key = heading_key(label.text)
            location = Location(text=cell.text, table=table.index, row=r, column=column, header=label.text)
            if key in words.total_phrases and (value := number(cell.text, words)) is not None:
                totals.append(Statement(value, location, _TABLE_TIER))
            elif key in words.grade_phrases and (code := words.grade(cell.text.strip())) is not None:
                grades.append(Statement(code, location, _TABLE_TIER))
    return totals, grades


def _same(a: str, b: str, numeric: bool) -> bool:
    return Decimal(a) == Decimal(b) if numeric else a == b


def _resolve(name: str, statements: list[Statement], found: Found, *, numeric: bool) -> None:
    """The reading of a stated value: the weightiest statement, warnings for every disagreement."""
    if not statements:
        found.unread.append(name)
        return
    best = min(s.tier for s in statements)
    top = [s for s in statements if s.tier == best]
    chosen = top[0]
    clash = next((s for s in top[1:] if not _same(s.value, chosen.value, numeric)), None)
    if clash is not None:
        found.unread.append(name)
        found.warnings.append(
            ReadingWarning(
                f"{name}_ambiguous",
                {
                    "first": chosen.location,
                    "first_value": chosen.value,
                    "other": clash.location,
                    "other_value": clash.value,
                },
                location=chosen.location,
                other_location=clash.location,
            )
        )
        return
    found.fields[name] = chosen.value
    found.locations[name] = chosen.location
    seen: set[str] = set()
    for other in statements:
        if other.tier == best or _same(other.value, chosen.value, numeric) or other.value in seen:
            continue
        seen.add(other.value)
        found.warnings.append(
            ReadingWarning(
                f"{name}_conflict",
                {
                    "read": chosen.location,
                    "value": chosen.value,
                    "other": other.location,
                    "other_value": other.value,
                },
                location=chosen.location,
                other_location=other.location,
            )
        )


def read_draft(blocks: list[Block], sections: Sections, words: Words) -> Found:
    """The draft's fields, locations, unread fields and warnings."""
    found = Found()
    found.fields["sections"] = list(sections.codes)
    found.locations.update({f"sections.{code}": loc for code, loc in sections.locations.items()})
    rows = read_list(blocks, node="draft", words=words, found=found, needed=_NEEDED, read=_item)
    if rows is not None and "indicator_scores" in found.fields:
        total = sum((Decimal(i["weight"]) for i in found.fields["indicator_scores"]), Decimal(0))
        check_total(rows, "weight", total, words, found)
    text_totals, text_grades = _text_statements(blocks, sections, words)
    table_totals, table_grades = _table_statements(blocks, rows, words)
    _resolve("reported_total", text_totals + table_totals, found, numeric=True)
    _resolve("reported_grade", text_grades + table_grades, found, numeric=False)
    found.unread[:0] = UNREAD_ALWAYS
    found.unread.extend(UNREAD_AFTER)
    return found
