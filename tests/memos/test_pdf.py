"""Each memo kind through LibreOffice headless: the PDF holds the key figures."""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import TYPE_CHECKING

import pytest
from pypdf import PdfReader

from engine import evaluate
from tests.memos.conftest import case, misconduct_case, render
from tests.support.system import docx_to_pdf

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.libreoffice


def pdf_text(path: Path) -> str:
    """The PDF's text without any whitespace (pdftotext when installed, else pypdf)."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        text = subprocess.run(
            [pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
        ).stdout
        raw = text.decode("utf-8")
    else:
        raw = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return re.sub(r"\s+", "", raw)


EXPECTED = {
    "eligibility": [
        "第三方评价机构资格审查意见书",
        "七财评〔2024〕7号",
        "上海某甲会计师事务所有限公司",
        "ELG-09",
        "审查结论：符合",
        "二〇二四年七月一日",
        "人民币捌万元整",
        "定点服务机构名单",
        "—1—",
    ],
    "review-plan": [
        "专家组评审意见",
        "（评价方案）",
        "张立",
        "陈刚",
        "88.00",
        "评审意见：通过",
        "PLN-06",
        "专家组组长（签字）",
        "—1—",
    ],
    "review-draft": ["（报告初稿）", "87.20", "RPT-06", "评审意见：通过"],
    "fee": [
        "服务费核定单",
        "87.520",
        "88.800",
        "90.800",
        "50%",
        "1,600.00元（人民币壹仟陆佰元整）",
        "74,400.00元",
        "人民币柒万肆仟肆佰元整",
        "按考评结果支付",
        "FEE-04",
    ],
}


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_worked_example_memos_convert_to_pdf(tmp_path: Path, kind: str) -> None:
    """The worked example's memos open in LibreOffice and print their key figures (footnotes included)."""
    source = tmp_path / f"{kind}.docx"
    source.write_bytes(render(case(), kind))
    text = pdf_text(docx_to_pdf(source, tmp_path))
    for expected in EXPECTED[kind]:
        assert expected in text, expected


def test_referral_converts_to_pdf(tmp_path: Path) -> None:
    """The referral letter after proven misconduct: bureau, conduct, FLW-03, the suspended fee in capitals."""
    data = misconduct_case()
    source = tmp_path / "referral.docx"
    source.write_bytes(render(data, "referral", decision=evaluate(data)))
    text = pdf_text(docx_to_pdf(source, tmp_path))
    for expected in (
        "闵行区财政局：",
        "FLW-03",
        "弄虚作假、串通",
        "0.00元（人民币零元整）",
        "特此函告",
        "第四条",
    ):
        assert expected in text, expected
