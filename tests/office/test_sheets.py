"""Excel score sheets: the template's shape, hand-typed cells read as meant, reshaped or hostile files refused."""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile

import openpyxl
import pytest

from engine.office_file import OfficeFileError
from engine.sheets import SHEET_LIMITS, SheetError, build_template, read_sheet
from engine.validate import parse_case
from rules import load_rulebook
from tests.office.conftest import example

MEMBERS = {"E1", "E2", "E3", "E4", "E5"}
NODES = {"plan", "draft"}
VOCABULARY = load_rulebook().vocabulary


def template(case=None) -> bytes:
    return build_template(parse_case(case or example()), VOCABULARY)


def edited(data: bytes, edit) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    edit(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def problems(data: bytes, case_id: str = "QB-2024-007", members=MEMBERS, nodes=NODES) -> list[str]:
    with pytest.raises(SheetError) as caught:
        read_sheet(data, case_id=case_id).checked(members=members, nodes=nodes)
    return caught.value.lines()


def scores(data: bytes) -> dict[tuple[str, str, str | None], str]:
    entries = read_sheet(data, case_id="QB-2024-007").checked(members=MEMBERS, nodes=NODES)
    return {(e.node, e.party, e.member): str(e.value) for e in entries}


def test_one_sheet_per_scoring_party_with_both_nodes_as_columns():
    """专家组 (a row per member), 项目单位, 财政所; header block with the facts; the layout very hidden."""
    book = openpyxl.load_workbook(io.BytesIO(template()))
    assert book.sheetnames == ["专家组", "项目单位", "财政所", "_kaoping_layout"]
    assert book["_kaoping_layout"].sheet_state == "veryHidden"
    panel = book["专家组"]
    assert [panel.cell(row=12, column=c).value for c in range(1, 5)] == [
        "专家编号",
        "专家姓名",
        "评价方案",
        "报告初稿",
    ]
    assert [panel.cell(row=r, column=1).value for r in range(13, 18)] == ["E1", "E2", "E3", "E4", "E5"]
    assert (panel["A3"].value, panel["B3"].value) == ("案件编号", "QB-2024-007")
    assert panel["C13"].value == 88
    assert book["项目单位"]["B13"].value == "七宝镇社区管理办公室"


def test_only_the_score_cells_are_open_validated_and_the_page_is_a4_landscape():
    """Protected sheets and structure; unlocked score cells with 0-100, one-decimal validation."""
    book = openpyxl.load_workbook(io.BytesIO(template()))
    ws = book["专家组"]
    assert ws.protection.sheet is True
    assert book.security.lockStructure is True
    assert ws["C13"].protection.locked is False
    assert ws["D17"].protection.locked is False
    assert ws["A13"].protection.locked is True
    assert ws["B3"].protection.locked is True
    (validation,) = ws.data_validations.dataValidation
    assert str(validation.sqref) == "C13:D17"
    assert validation.formula1 == "AND(ISNUMBER(C13),C13>=0,C13<=100,ROUND(C13,1)=C13)"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True


def test_a_node_not_submitted_is_greyed_and_locked():
    """No draft yet: its column says so and its cells cannot be filled."""
    case = example()
    del case["draft"]
    ws = openpyxl.load_workbook(io.BytesIO(template(case)))["财政所"]
    assert ws["D12"].value == "报告初稿（尚未提交）"
    assert ws["D13"].protection.locked is True
    assert ws["C13"].protection.locked is False


def test_hand_typed_cells_are_read_as_the_office_meant_them():
    """Numbers stored as text, full-width digits, trailing and ideographic spaces, 88.50."""

    def edit(book):
        book["专家组"]["C13"] = "92"
        book["专家组"]["D13"] = "８５．５"
        book["专家组"]["C14"] = " 90 "
        book["专家组"]["D14"] = "88.50\u3000"
        book["项目单位"]["C13"] = 91.5

    found = scores(edited(template(), edit))
    assert found["plan", "expert_panel", "E1"] == "92"
    assert found["draft", "expert_panel", "E1"] == "85.5"
    assert found["plan", "expert_panel", "E2"] == "90"
    assert found["draft", "expert_panel", "E2"] == "88.50"
    assert found["plan", "project_unit", None] == "91.5"


def test_every_bad_cell_is_named_with_its_sheet_and_cell():
    """101, two decimals, words, a formula, a date: one line each, none written."""

    def edit(book):
        book["专家组"]["C13"] = 101
        book["专家组"]["C14"] = 88.55
        book["专家组"]["C15"] = "九十"
        book["专家组"]["C16"] = "=C13"
        book["财政所"]["D13"] = dt.date(2024, 5, 1)

    lines = problems(edited(template(), edit))
    assert lines[0] == "专家组!C13：101 超出0–100"
    assert lines[1] == "专家组!C14：88.55 最多1位小数"
    assert lines[2].startswith("专家组!C15：“九十”不是分数")
    assert lines[3] == "专家组!C16：不能填写公式，请直接填写分数"
    assert lines[4].startswith("财政所!D13：")
    assert len(lines) == 5


def test_empty_cells_are_left_out():
    """A cleared cell is no score: the import leaves that score as it is."""
    found = scores(edited(template(), lambda book: book["专家组"].__setitem__("C13", None)))
    assert ("plan", "expert_panel", "E1") not in found
    assert ("draft", "expert_panel", "E1") in found


def test_a_member_row_not_on_the_panel_and_a_node_the_case_lacks_are_errors():
    """The panel changed since the template (E5 left); the case has no plan now."""
    lines = problems(template(), members={"E1", "E2", "E3", "E4"}, nodes={"draft"})
    assert "专家组!A17：E5不是本案专家组成员" in lines
    assert "财政所!C13：本案尚无评价方案，不能评分" in lines


def test_a_sheet_of_another_case_is_refused_naming_both():
    """The hidden layout carries the case id."""
    assert problems(template(), case_id="QB-2024-008") == [
        "这是案件QB-2024-007的评分表，不能导入案件QB-2024-008"
    ]


def test_reshaped_sheets_are_refused_saying_what_changed():
    """A row inserted, a column moved, a sheet renamed: each change named."""

    def edit(book):
        book["专家组"].insert_rows(14)
        book["项目单位"]["C12"], book["项目单位"]["D12"] = "报告初稿", "评价方案"
        book["财政所"].title = "委托方"

    lines = problems(edited(template(), edit))
    assert "专家组!A14：应为“E2”，现为“”（行被移动、插入、删除或改写）" in lines
    assert "项目单位!C12：应为列标题“评价方案”，现为“报告初稿”（列被移动、插入、删除或改写）" in lines
    assert "缺少工作表“财政所”（被改名或删除；文件中其他工作表：委托方）" in lines


def test_a_score_typed_outside_the_table_is_refused():
    """A score in a new row below the table, or in column E."""
    lines = problems(edited(template(), lambda book: book["专家组"].__setitem__("E13", 90)))
    assert lines == ["专家组!E13：评分填在了表格之外"]


def test_a_workbook_kaoping_did_not_make_and_a_damaged_layout_are_refused():
    """No layout sheet; a layout that does not parse."""
    plain = io.BytesIO()
    openpyxl.Workbook().save(plain)
    assert problems(plain.getvalue())[0].startswith("这不是 kaoping 导出的评分表")
    damaged = edited(template(), lambda book: book["_kaoping_layout"].__setitem__("A2", "{not json"))
    assert problems(damaged) == ["评分表隐藏的布局信息已损坏，请重新下载本案件的评分表模板"]


# ---------------------------------------------------------------- hostile files


def _rewrite(data: bytes, replace=None, add=None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, (replace or {}).get(info.filename, source.read(info)))
        for name, body in (add or {}).items():
            target.writestr(name, body)
    return out.getvalue()


def _refused(data: bytes) -> OfficeFileError:
    started = time.perf_counter()
    with pytest.raises(OfficeFileError) as caught:
        read_sheet(data, case_id="QB-2024-007")
    assert time.perf_counter() - started < 5, "refusing must not take long"
    return caught.value


def test_a_zip_bomb_is_refused_by_its_declared_size():
    """A sheet part that inflates to 200 MB (a few hundred KB on disk) is never inflated."""
    bomb = b"<worksheet>" + b" " * 200_000_000 + b"</worksheet>"
    error = _refused(_rewrite(template(), replace={"xl/worksheets/sheet1.xml": bomb}))
    assert error.key == "part_too_large"


def test_a_million_rows_are_refused_quickly():
    """10⁶ rows in the panel's sheet: the part exceeds the cap and is refused without being parsed."""
    rows = "".join(f'<row r="{r}"><c r="C{r}"><v>90</v></c></row>' for r in range(1, 1_000_001))
    sheet = f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>'
    error = _refused(_rewrite(template(), replace={"xl/worksheets/sheet1.xml": sheet.encode()}))
    assert error.key in {"too_large", "part_too_large"}  # the file's size, or its sheet's declared size
    assert SHEET_LIMITS.part_bytes < len(sheet)


def test_a_far_away_row_within_the_caps_costs_nothing():
    """Row 1,048,576 alone: read only up to the rows the layout names; refused as outside-the-table? no: ignored."""
    source = zipfile.ZipFile(io.BytesIO(template())).read("xl/worksheets/sheet1.xml").decode()
    far = source.replace("</sheetData>", '<row r="1048576"><c r="C1048576"><v>90</v></c></row></sheetData>')
    data = _rewrite(template(), replace={"xl/worksheets/sheet1.xml": far.encode()})
    started = time.perf_counter()
    assert scores(data)["plan", "expert_panel", "E1"] == "88"
    assert time.perf_counter() - started < 5


def test_external_links_are_refused():
    """A workbook linking to outside data."""
    types = zipfile.ZipFile(io.BytesIO(template())).read("[Content_Types].xml").decode()
    types = types.replace(
        "</Types>",
        '<Override PartName="/xl/externalLinks/externalLink1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/></Types>',
    )
    link = b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    data = _rewrite(
        template(),
        replace={"[Content_Types].xml": types.encode()},
        add={"xl/externalLinks/externalLink1.xml": link},
    )
    error = _refused(data)
    assert error.key == "external_link"
    assert "外部链接" in error.text()


def test_entity_declarations_macros_and_garbage_are_refused():
    """A DOCTYPE (billion laughs), a macro project, a truncated file, something that is no zip at all."""
    laughs = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><worksheet>&lol;</worksheet>'
    assert _refused(_rewrite(template(), replace={"xl/worksheets/sheet1.xml": laughs})).key == "doctype"
    types = zipfile.ZipFile(io.BytesIO(template())).read("[Content_Types].xml").decode()
    macro = types.replace(
        "</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'
    )
    assert (
        _refused(_rewrite(template(), replace={"[Content_Types].xml": macro.encode()})).key == "macro_enabled"
    )
    assert _refused(template()[:2000]).key in {"not_zip", "broken_part"}
    assert _refused(b"not a spreadsheet").key == "not_zip"
    assert _refused(b"").key == "empty"
