"""Memo layout in LibreOffice's PDF, with the GB/T 9704 fonts aliased to Noto CJK (tests/support/system.py).

Every kind is rendered and converted once (one LibreOffice start); the checks read the PDF's lines:
a table's header row on each page it spans, header cells on one line, dates and document numbers never
split across lines, footnotes in words with units, the panel's recusal reasons, the optional red header.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

import pytest
from pypdf import PdfReader

from engine import evaluate
from tests.memos.conftest import OFFICE, case, misconduct_case, plain, render
from tests.support.system import docxs_to_pdf

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.libreoffice

RULE_HEAD = "序号审查事项结果具体情况"
HEADERS = {
    "eligibility": [RULE_HEAD],
    "review-plan": ["序号姓名来源领域专家利益关联及回避", RULE_HEAD, "序号姓名评分", "序号姓名签字"],
    "fee": ["考评方评价方案报告初稿该方得分权重", "项目结果", "项目金额或结果"],
}
LONG_IDS = [f"QB-2024-{'7' * n}" for n in range(3, 40, 3)]
RED_OFFICE = dataclasses.replace(OFFICE, red_header=True, red_header_text="七宝镇财政所文件")


def _pages(pdf: Path) -> list[list[str]]:
    """Each page's lines, as a person reads them (spaces pypdf puts between scripts removed)."""
    return [
        [re.sub(r"\s+", "", plain(line)) for line in (page.extract_text() or "").splitlines()]
        for page in PdfReader(pdf).pages
    ]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[list[str]]]:
    folder = tmp_path_factory.mktemp("layout")
    sources: dict[str, bytes] = {kind: render(case(), kind) for kind in HEADERS}
    sources["review-draft"] = render(case(), "review-draft")
    sources["failing-review"] = render(case("failing"), "review-plan")
    sources["referral"] = render(misconduct_case(), "referral", decision=evaluate(misconduct_case()))
    sources["red"] = render(case(), "eligibility", office=RED_OFFICE)
    for n, case_id in enumerate(LONG_IDS):
        data = {**case(), "case_id": case_id}
        sources[f"long-{n}"] = render(data, "fee")
    paths = []
    for name, data in sources.items():
        path = folder / f"{name}.docx"
        path.write_bytes(data)
        paths.append(path)
    return {path.stem: _pages(pdf) for path, pdf in zip(paths, docxs_to_pdf(paths, folder), strict=True)}


def _rule_rows(lines: list[str]) -> list[int]:
    """Where a rule table's rows begin on a page (not the footnotes, which cite their documents)."""
    return [
        i
        for i, line in enumerate(lines)
        if re.match(r"^\d+(ELG|EXP|PLN|RPT)-\d\d", line) and "依据" not in line
    ]


def test_a_rule_tables_header_row_is_on_every_page_it_spans(pdfs):
    """The eligibility table spans pages; each page with its rows starts them under the header row."""
    spanned = 0
    for name in ("eligibility", "review-plan", "failing-review"):
        for page in pdfs[name]:
            rows = _rule_rows(page)
            if rows:
                spanned += 1
                assert RULE_HEAD in page[: rows[0]], (name, page[: rows[0] + 1])
    assert len([p for p in pdfs["eligibility"] if _rule_rows(p)]) >= 2  # the table does span pages
    assert spanned >= 4


@pytest.mark.parametrize("kind", list(HEADERS))
def test_no_header_cell_wraps(pdfs, kind):
    """Each table's header row prints on one line: every column is wide enough for its header at 三号."""
    lines = {line for page in pdfs[kind] for line in page}
    for header in HEADERS[kind]:
        assert header in lines, header


def test_dates_and_document_numbers_stay_on_one_line(pdfs):
    """The document number, the rule version's date and the signature date are never split, however long
    the case id before them is (each stands on a line of its own; inside Chinese text LibreOffice breaks
    between any two characters, word joiners and non-breaking hyphens notwithstanding, which Word keeps)."""
    for name, pages in pdfs.items():
        lines = [line for page in pages for line in page]
        if name != "red":
            assert "七财评〔2024〕7号" in lines, name
        if name != "referral":  # a letter: no case particulars
            assert "适用规则版本：2024-01-01" in lines, name
        if name not in {"review-plan", "review-draft", "failing-review"}:
            assert "二〇二四年七月一日" in lines, name


def test_footnotes_name_facts_by_label_with_units(pdfs):
    """节点权重：评价方案40%、报告初稿60%, amounts in yuan, days as working days; no code names."""
    text = "".join(line for page in pdfs["fee"] for line in page)
    for words in ("节点权重：评价方案40%、报告初稿60%", "逾期扣款：1,600.00元", "逾期工作日合计：2个工作日"):
        assert words in text, words
    assert "node_weights" not in text
    assert "cpa_firm" not in "".join(line for page in pdfs["eligibility"] for line in page)


def test_the_panel_table_says_why_a_member_does_or_does_not_recuse(pdfs):
    """A tie that ended more than the rule's years ago needs no recusal, and the memo says so."""
    text = "".join(line for page in pdfs["review-plan"] for line in page)
    assert "曾与上海某甲会计师事务所有限公司任职（至2019年6月30日），已满三年，无须回避" in text
    failing = "".join(line for page in pdfs["failing-review"] for line in page)
    assert "结束未满三年，须回避" in failing


def test_the_red_header_opens_the_memo(pdfs):
    """With the red header: the issuing office first, then the document number, then the title."""
    first = [line for line in pdfs["red"][0] if line]
    assert first[:3] == ["七宝镇财政所文件", "七财评〔2024〕7号", "第三方评价机构资格审查意见书"]
    assert pdfs["eligibility"][0][0] == "第三方评价机构资格审查意见书"
