"""The year's register (考评台账) as an .xlsx workbook: a row per case, and a summary of values.

The register sheet has a row per case -- agency, project, unit, dates, review verdicts, composite,
grade, coefficient, late days, deduction, payable, flags, the latest decision's number and date --
with a frozen header and filters; amounts are numbers shown with two decimals. The summary sheet holds
the grade distribution, the fees payable, withheld, suspended and deducted, and the agencies by grade,
all computed here: no cell anywhere is a formula, and text that begins with ``=``, ``+``, ``-`` or ``@``
is written as text (with Excel's quote prefix, so editing it does not make it a formula either).
The workbook is written in openpyxl's write-only mode, row by row.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from engine.compare import field_label, value_text
from rules.messages import Lang, message
from rules.rulebook import Rulebook

MONEY = "#,##0.00"
SCORE = "0.00"
DATE = "yyyy-mm-dd"
_RISKY = ("=", "+", "-", "@")


@dataclass(frozen=True)
class RegisterRow:
    """One case in the register: the stored case's facts and its latest decision's results."""

    case_id: str
    agency: str
    project: str
    unit: str
    commissioned_on: dt.date
    contract_fee: Decimal
    plan_submitted: dt.date | None = None
    draft_submitted: dt.date | None = None
    decision: dict[str, Any] | None = None
    decision_number: int | None = None
    decision_date: dt.date | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _case_label(rulebook: Rulebook, path: str, lang: Lang) -> str:
    return rulebook.vocabulary.field_label(path.split("."), lang) or path


def _columns(rulebook: Rulebook, lang: Lang) -> list[tuple[str, str, str | None]]:
    """(key, header, number format) of every register column, in order."""
    case = [
        ("case_id", "case_id", None),
        ("agency", "agency.name", None),
        ("project", "commission.project_name", None),
        ("unit", "commission.project_unit", None),
        ("commissioned_on", "commission.commissioned_on", DATE),
        ("plan_submitted", "plan.submitted_on", DATE),
        ("draft_submitted", "draft.submitted_on", DATE),
        ("contract_fee", "commission.contract_fee", MONEY),
    ]
    decided = [
        ("eligibility.status", None),
        ("plan_review.verdict", None),
        ("draft_review.verdict", None),
        ("assessment.composite", SCORE),
        ("assessment.grade", None),
        ("fee.coefficient", SCORE),
        ("fee.late_working_days", "0"),
        ("fee.deduction", MONEY),
        ("fee.status", None),
        ("fee.payable", MONEY),
        ("flags", None),
    ]
    return [
        *((key, _case_label(rulebook, path, lang), fmt) for key, path, fmt in case),
        *((key, field_label(key, rulebook, lang), fmt) for key, fmt in decided),
        ("decision_number", message("export.column.decision_number", lang), "0"),
        ("decision_date", message("export.column.decision_date", lang), DATE),
    ]


class _Cells:
    """Cells of one write-only sheet: styled numbers and dates, and text that stays text."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.bold = Font(bold=True)

    def text(self, value: str, *, bold: bool = False) -> Any:
        if not bold and not value.startswith(_RISKY):
            return value
        cell = WriteOnlyCell(self.ws, value)
        cell.data_type = "s"
        if value.startswith(_RISKY):
            cell.quotePrefix = True
        if bold:
            cell.font = self.bold
        return cell

    def number(self, value: Any, number_format: str) -> Any:
        if value is None:
            return None
        cell = WriteOnlyCell(self.ws, value)
        cell.number_format = number_format
        return cell


def _value(row: RegisterRow, key: str, rulebook: Rulebook, lang: Lang) -> Any:
    if key.startswith(("eligibility.", "plan_review.", "draft_review.", "assessment.", "fee.", "flags")):
        if row.decision is None:
            return None
        found: Any = row.decision
        for part in key.split("."):
            found = found.get(part) if isinstance(found, dict) else None
        if key in {"assessment.composite", "fee.coefficient", "fee.deduction", "fee.payable"}:
            return Decimal(found) if found is not None else None
        if key == "fee.late_working_days" or found is None:
            return found
        return value_text(key, found, rulebook, lang)
    return getattr(row, key)


def _register_sheet(book: Workbook, rows: list[RegisterRow], rulebook: Rulebook, lang: Lang) -> None:
    ws = book.create_sheet(message("export.sheet.register", lang))
    columns = _columns(rulebook, lang)
    ws.freeze_panes = "A2"
    for index, (key, _, _) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = (
            30 if key in {"agency", "project", "unit", "flags"} else 14
        )
    cells = _Cells(ws)
    ws.append([cells.text(header, bold=True) for _, header, _ in columns])
    for row in rows:
        line = []
        for key, _, fmt in columns:
            value = _value(row, key, rulebook, lang)
            if isinstance(value, str):
                line.append(cells.text(value))
            elif fmt is not None:
                line.append(cells.number(value, fmt))
            else:
                line.append(value)
        ws.append(line)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"


@dataclass
class Summary:
    """The summary's figures, computed from the rows (exact decimals)."""

    grades: Counter[str] = field(default_factory=Counter)
    ungraded: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    payable: Decimal = Decimal("0.00")
    withheld_fees: Decimal = Decimal("0.00")
    suspended_fees: Decimal = Decimal("0.00")
    deducted: Decimal = Decimal("0.00")
    agencies: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))


def summarise(rows: Iterable[RegisterRow]) -> Summary:
    """Grade counts, fee totals by status, and each agency's cases by grade."""
    out = Summary()
    for row in rows:
        decision = row.decision or {}
        grade = (decision.get("assessment") or {}).get("grade")
        fee = decision.get("fee") or {}
        if grade is None:
            out.ungraded += 1
        else:
            out.grades[grade] += 1
        out.agencies[row.agency][grade or ""] += 1
        status = fee.get("status")
        if status is None:
            continue
        out.statuses[status] += 1
        if status == "payable":
            out.payable += Decimal(fee["payable"])
        elif status == "withheld":
            out.withheld_fees += row.contract_fee
        elif status == "suspended":
            out.suspended_fees += row.contract_fee
        if fee.get("deduction") is not None:
            out.deducted += Decimal(fee["deduction"])
    return out


def _summary_sheet(
    book: Workbook, year: int, rows: list[RegisterRow], rulebook: Rulebook, lang: Lang
) -> None:
    ws = book.create_sheet(message("export.sheet.summary", lang))
    vocabulary = rulebook.vocabulary
    grades = [
        band[0] for band in sorted(rulebook.versions[-1].param("assessment.grade_bands"), key=lambda b: -b[1])
    ]
    ws.column_dimensions["A"].width = 36
    cells = _Cells(ws)
    figures = summarise(rows)
    ws.append([cells.text(message("export.summary.title", lang, year=year, cases=len(rows)), bold=True)])
    ws.append([])
    ws.append(
        [
            cells.text(message("export.summary.grades", lang), bold=True),
            cells.text(message("export.summary.cases", lang), bold=True),
        ]
    )
    for grade in grades:
        ws.append([cells.text(vocabulary.label("grade", grade, lang)), figures.grades[grade]])
    ws.append([cells.text(message("export.summary.ungraded", lang)), figures.ungraded])
    ws.append([])
    ws.append(
        [
            cells.text(message("export.summary.fees", lang), bold=True),
            cells.text(message("export.summary.cases", lang), bold=True),
            cells.text(message("export.summary.amount", lang), bold=True),
        ]
    )
    fee_lines = [
        ("payable", figures.payable, "export.summary.payable"),
        ("withheld", figures.withheld_fees, "export.summary.withheld"),
        ("suspended", figures.suspended_fees, "export.summary.suspended"),
    ]
    for status, amount, key in fee_lines:
        ws.append([cells.text(message(key, lang)), figures.statuses[status], cells.number(amount, MONEY)])
    ws.append([cells.text(message("export.summary.pending", lang)), figures.statuses["pending"], None])
    ws.append(
        [cells.text(message("export.summary.deducted", lang)), None, cells.number(figures.deducted, MONEY)]
    )
    ws.append([])
    ws.append(
        [
            cells.text(message("export.summary.agencies", lang), bold=True),
            *(cells.text(vocabulary.label("grade", g, lang), bold=True) for g in grades),
            cells.text(message("export.summary.ungraded", lang), bold=True),
            cells.text(message("export.summary.cases", lang), bold=True),
        ]
    )
    for agency in sorted(figures.agencies):
        counts = figures.agencies[agency]
        ws.append([cells.text(agency), *(counts[g] for g in grades), counts[""], sum(counts.values())])


def write_register(year: int, rows: list[RegisterRow], rulebook: Rulebook, lang: Lang = "zh") -> bytes:
    """The register of a year's cases (in the order given) as .xlsx bytes."""
    book = Workbook(write_only=True)
    _register_sheet(book, rows, rulebook, lang)
    _summary_sheet(book, year, rows, rulebook, lang)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
