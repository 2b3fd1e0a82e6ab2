"""The score sheet template: one sheet per scoring party, both nodes as columns, ready to print.

Each party that scores has its sheet (the expert panel's with a row per member, once a panel is
formed; the project unit's and the finance office's with one row): the case's facts in a header block,
then a table whose score cells are the only unlocked cells, each with data validation (0-100, at most
one decimal) and the score already entered, if any. Sheets are protected (no password: protection
guards against slips, not people), the workbook's structure too, and each page prints on A4 landscape.
A very hidden sheet carries the case id and the layout (:mod:`engine.sheets.layout`).
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from engine.models import PARTY_SCORE_MAX, PARTY_SCORE_PLACES, Case
from engine.sheets.layout import FORMAT, LAYOUT_SHEET, Layout, PartySheet, Row, layout_cells
from rules.messages import Lang, message
from rules.vocabulary import Vocabulary

NODES = ("plan", "draft")
COLUMNS = {"key": "A", "name": "B", "plan": "C", "draft": "D"}
_WIDTHS = {"A": 16, "B": 30, "C": 18, "D": 18}
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_CLOSED_FILL = PatternFill("solid", fgColor="EDEDED")
_SCORE_FORMAT = "0.0"


def _text(cell: Any, value: str) -> None:
    """Write text that stays text: a name beginning with ``=`` is never a formula."""
    cell.value = value
    cell.data_type = "s"


def _facts(case: Case, vocabulary: Vocabulary, lang: Lang) -> list[tuple[str, str]]:
    """The header block: the case's facts with their labels."""
    not_submitted = vocabulary.label("verdict", "not_submitted", lang)
    rows = [
        ("case_id", case.case_id),
        ("commission.project_name", case.commission.project_name),
        ("commission.project_unit", case.commission.project_unit),
        ("agency.name", case.agency.name),
        ("commission.commissioned_on", case.commission.commissioned_on.isoformat()),
        ("panel.formed_on", case.panel.formed_on.isoformat() if case.panel else ""),
        ("plan.submitted_on", case.plan.submitted_on.isoformat() if case.plan else not_submitted),
        ("draft.submitted_on", case.draft.submitted_on.isoformat() if case.draft else not_submitted),
    ]
    return [(vocabulary.field_label([*path.split(".")], lang) or path, value) for path, value in rows]


def _current(case: Case, node: str, party: str, key: str) -> Decimal | None:
    stage = getattr(case, node)
    if stage is None or stage.scores is None:
        return None
    if party == "expert_panel":
        return (stage.scores.expert_panel or {}).get(key)
    value: Decimal | None = getattr(stage.scores, party)
    return value


def _rows(case: Case, party: str, vocabulary: Vocabulary, lang: Lang) -> list[tuple[str, str, str]]:
    """(key, first cell, name) of each score row of a party's sheet."""
    if party == "expert_panel":
        members = case.panel.members if case.panel else []
        return [(m.id, m.id, m.name) for m in members]
    name = case.commission.project_unit if party == "project_unit" else case.commission.commissioning_party
    return [(party, vocabulary.label("party", party, lang), name)]


def _validation(first: str, last: str, lang: Lang) -> DataValidation:
    places, high = PARTY_SCORE_PLACES, PARTY_SCORE_MAX
    rule = f"AND(ISNUMBER({first}),{first}>=0,{first}<={high},ROUND({first},{places})={first})"
    check = DataValidation(
        type="custom",
        formula1=rule,
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=True,
        errorTitle=message("sheet.validation.title", lang),
        error=message("sheet.validation.error", lang, high=high, places=places),
        promptTitle=message("sheet.validation.title", lang),
        prompt=message("sheet.validation.prompt", lang, high=high, places=places),
    )
    check.add(f"{first}:{last}")
    return check


def _header_block(ws: Worksheet, case: Case, name: str, vocabulary: Vocabulary, lang: Lang) -> int:
    """The title and the case's facts; the row after them."""
    _text(ws["A1"], message("sheet.title", lang, project=case.commission.project_name, party=name))
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:D1")
    row = 3
    for label, value in _facts(case, vocabulary, lang):
        _text(ws[f"A{row}"], label)
        ws[f"A{row}"].font = Font(bold=True)
        _text(ws[f"B{row}"], value)
        ws.merge_cells(f"B{row}:D{row}")
        row += 1
    return row


def _headers(case: Case, party: str, vocabulary: Vocabulary, lang: Lang) -> dict[str, str]:
    """The table's column headers by column letter."""
    if party == "expert_panel":
        key = vocabulary.field_label(["panel", "members", "id"], lang)
        name = vocabulary.field_label(["panel", "members", "name"], lang)
    else:
        key, name = vocabulary.list_label("party", lang), message("sheet.header.name", lang)
    headers = {COLUMNS["key"]: key or party, COLUMNS["name"]: name or party}
    for node in NODES:
        label = vocabulary.label("node", node, lang)
        if getattr(case, node) is None:
            label = message("sheet.header.not_submitted", lang, node=label)
        headers[COLUMNS[node]] = label
    return headers


def _score_row(ws: Worksheet, case: Case, party: str, row: int, key: str) -> None:
    """A row's two score cells: unlocked and shaded where the node is there to score, greyed where not."""
    for node in NODES:
        cell = ws[f"{COLUMNS[node]}{row}"]
        cell.border, cell.number_format = _BORDER, _SCORE_FORMAT
        if getattr(case, node) is None:
            cell.fill = _CLOSED_FILL
            continue
        cell.value = _current(case, node, party, key)
        cell.fill, cell.protection = _INPUT_FILL, Protection(locked=False)


def _page(ws: Worksheet, header_row: int) -> None:
    """Widths, protection, A4 landscape fitted to the page width, the header row on every page."""
    for column, width in _WIDTHS.items():
        ws.column_dimensions[column].width = width
    ws.protection.sheet = True
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{header_row}:{header_row}"


def _party_sheet(ws: Worksheet, case: Case, party: str, vocabulary: Vocabulary, lang: Lang) -> PartySheet:
    """One party's sheet, filled in; its layout."""
    header_row = _header_block(ws, case, ws.title, vocabulary, lang) + 1
    headers = _headers(case, party, vocabulary, lang)
    for column, text in headers.items():
        cell = ws[f"{column}{header_row}"]
        _text(cell, text)
        cell.font, cell.fill, cell.border = Font(bold=True), _HEADER_FILL, _BORDER
        cell.alignment = Alignment(horizontal="center")
    rows = []
    for row, (key, shown, who) in enumerate(_rows(case, party, vocabulary, lang), start=header_row + 1):
        _text(ws[f"A{row}"], shown)
        _text(ws[f"B{row}"], who)
        ws[f"A{row}"].border = ws[f"B{row}"].border = _BORDER
        _score_row(ws, case, party, row, key)
        rows.append(Row(row=row, key=key, shown=shown))
    if rows:
        ws.add_data_validation(_validation(f"C{rows[0].row}", f"D{rows[-1].row}", lang))
    note = (rows[-1].row if rows else header_row) + 2
    _text(ws[f"A{note}"], message("sheet.instructions", lang, high=PARTY_SCORE_MAX))
    ws.merge_cells(f"A{note}:D{note}")
    ws[f"A{note}"].alignment = Alignment(wrap_text=True)
    ws.row_dimensions[note].height = 45
    _page(ws, header_row)
    return PartySheet(
        name=ws.title,
        party=party,
        header_row=header_row,
        headers=headers,
        columns={node: COLUMNS[node] for node in NODES},
        rows=rows,
    )


def build_template(case: Case, vocabulary: Vocabulary, lang: Lang = "zh") -> bytes:
    """The score sheet of a case (registry references resolved) as .xlsx bytes."""
    book = Workbook()
    parties = [p for p in vocabulary.codes("party") if p != "expert_panel" or case.panel is not None]
    sheets = []
    for index, party in enumerate(parties):
        name = vocabulary.label("party", party, lang)
        ws = book.active if index == 0 else book.create_sheet()
        assert ws is not None  # noqa: S101 - a new workbook has an active sheet
        ws.title = name
        sheets.append(_party_sheet(ws, case, party, vocabulary, lang))
    hidden = book.create_sheet(LAYOUT_SHEET)
    hidden.sheet_state = "veryHidden"
    layout = Layout(format=FORMAT, case_id=case.case_id, sheets=sheets)
    for row, text in enumerate(layout_cells(layout), start=1):
        _text(hidden.cell(row=row, column=1), text)
    hidden.protection.sheet = True
    book.security = WorkbookProtection(lockStructure=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
