"""The year's register: amounts as numbers, no formula anywhere, risky text kept as text, a summary of values."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import openpyxl

from engine.register import RegisterRow, summarise, write_register
from rules import load_rulebook
from tests.office.conftest import example

RISKY = ['=HYPERLINK("http://x","点击")', "+86 21", "-1", "@SUM(A1)"]


def _rows(evaluator) -> list[RegisterRow]:
    decided = evaluator.evaluate(example())
    withheld_case = example()
    for node in ("plan", "draft"):
        withheld_case[node]["scores"] = {
            "expert_panel": dict.fromkeys(("E1", "E2", "E3", "E4", "E5"), "50"),
            "project_unit": "50",
            "finance_office": "50",
        }
    withheld = evaluator.evaluate(withheld_case)
    rows = [
        RegisterRow(
            case_id=f"C-{i}",
            agency=name,
            project="社区公共设施运维",
            unit="七宝镇社区管理办公室",
            commissioned_on=dt.date(2024, 3, 15),
            contract_fee=Decimal("80000.00"),
            plan_submitted=dt.date(2024, 4, 17),
            draft_submitted=None,
            decision=decided if i % 2 == 0 else withheld,
            decision_number=1,
            decision_date=dt.date(2024, 7, 1),
        )
        for i, name in enumerate(RISKY)
    ]
    rows.append(
        RegisterRow(
            case_id="C-none",
            agency="上海某乙咨询有限公司",
            project="未决项目",
            unit="某单位",
            commissioned_on=dt.date(2024, 9, 1),
            contract_fee=Decimal("5000.00"),
        )
    )
    return rows


def test_no_cell_anywhere_is_a_formula_and_risky_text_stays_text(evaluator):
    """Scan the XML for <f>; read back: text beginning with = + - @ is text, with the quote prefix."""
    data = write_register(2024, _rows(evaluator), load_rulebook())
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in archive.namelist())
    book = openpyxl.load_workbook(io.BytesIO(data))
    register = book["考评台账"]
    for row, text in enumerate(RISKY, start=2):
        cell = register.cell(row=row, column=2)
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    summary = book["汇总"]
    assert all(cell.data_type != "f" for row in summary.iter_rows() for cell in row)


def test_columns_amounts_dates_frozen_header_and_filters(evaluator):
    """The issue's columns; money numbers shown with two decimals; dates as dates."""
    book = openpyxl.load_workbook(io.BytesIO(write_register(2024, _rows(evaluator), load_rulebook())))
    ws = book["考评台账"]
    header = [c.value for c in ws[1]]
    assert header == [
        "案件编号",
        "机构名称",
        "项目名称",
        "项目单位",
        "委托日期",
        "评价方案提交日期",
        "报告初稿提交日期",
        "合同金额",
        "资格审查结论",
        "评价方案评审意见",
        "报告初稿评审意见",
        "综合得分",
        "评价等级",
        "服务费系数",
        "逾期工作日合计",
        "逾期扣款",
        "服务费状态",
        "应付服务费",
        "后续处理",
        "最新决定序号",
        "决定日期",
    ]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:U6"
    first = dict(zip(header, ws[2], strict=True))
    assert first["应付服务费"].value == 74400
    assert first["应付服务费"].number_format == "#,##0.00"
    assert first["合同金额"].number_format == "#,##0.00"
    assert first["综合得分"].value == 88.76
    assert first["评价等级"].value == "良"
    assert first["服务费状态"].value == "按考评结果支付"
    assert first["委托日期"].value.date() == dt.date(2024, 3, 15)
    assert first["后续处理"].value == "无"
    last = {h: c.value for h, c in zip(header, ws[6], strict=True)}
    assert last["评价等级"] is None
    assert last["最新决定序号"] is None


def test_the_summary_holds_grades_fees_and_agencies_by_grade(evaluator):
    """Two 良 payable, two 差 withheld (first round), one undecided."""
    rows = _rows(evaluator)
    figures = summarise(rows)
    assert figures.grades == {"良": 2, "差": 2}
    assert figures.ungraded == 1
    assert figures.payable == Decimal("148800.00")
    assert figures.withheld_fees == Decimal("160000.00")
    assert figures.deducted == Decimal("6400.00")
    book = openpyxl.load_workbook(io.BytesIO(write_register(2024, rows, load_rulebook())))
    values = list(book["汇总"].iter_rows(values_only=True))
    assert ("应付服务费合计", 2, 148800) in [tuple(v[:3]) for v in values]
    assert ("暂缓支付（合同金额合计）", 2, 160000) in [tuple(v[:3]) for v in values]
    assert ("良", 2) in [tuple(v[:2]) for v in values]
