"""``kaoping read`` and ``kaoping memo --plan/--draft``: a Word deliverable from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import main
from tests.deliverables.conftest import CORPUS, EXAMPLE_CASE, expected
from tests.memos.conftest import Memo

PLAN = CORPUS / "plan_06_sum_999_missing.docx"
DRAFT = CORPUS / "draft_03_total_conflict.docx"


def test_read_prints_the_reading_and_a_chinese_summary(capsys: pytest.CaptureFixture[str]) -> None:
    """The reading on stdout (contract shape), the summary on stderr, exit 0."""
    assert main(["read", str(PLAN), "--node", "plan"]) == 0
    out, err = capsys.readouterr()
    reading = json.loads(out)
    want = expected(PLAN)
    assert reading["fields"] == want["fields"]
    assert reading["locations"] == want["locations"]
    assert reading["unread"] == ["deadline", "submitted_on"]
    assert "kaoping: 已读取 plan_06_sum_999_missing.docx（评价方案）" in err
    assert "未对应任何章节的标题：第4段“四、其他事项”" in err


def test_read_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    """``--lang en``: the summary and the warnings' msg in English."""
    assert main(["read", str(CORPUS / "plan_04_continued.docx"), "--node", "plan", "--lang", "en"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["warnings"][1]["msg"].startswith("the total at table 2, row 7")
    assert "read plan_04_continued.docx (evaluation plan)" in err


def test_read_with_a_case_prints_the_decision_pointing_into_the_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The draft filled from the file and decided; RPT-02 points at the score cells and the text's total."""
    assert main(["read", str(DRAFT), "--node", "draft", "--case", str(EXAMPLE_CASE)]) == 0
    decision = json.loads(capsys.readouterr().out)
    assert decision["draft_review"] == {"verdict": "return", "failed": ["RPT-02"]}
    rpt02 = next(e for e in decision["trace"] if e["rule"] == "RPT-02")
    assert rpt02["locations"][-1] == expected(DRAFT)["locations"]["reported_total"]


@pytest.mark.parametrize(
    ("name", "data", "type_"),
    [
        ("方案.pdf", b"%PDF-1.7\n", "deliverable.pdf"),
        ("方案.docx", b"not a zip", "office_file.not_zip"),
    ],
)
def test_a_file_that_cannot_be_read_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes, type_: str
) -> None:
    """The contract's error object on stdout (loc ``file``), the reason in Chinese on stderr."""
    path = tmp_path / name
    path.write_bytes(data)
    assert main(["read", str(path), "--node", "plan"]) == 2
    out, err = capsys.readouterr()
    error = json.loads(out)
    assert error["case_id"] is None
    assert error["errors"][0]["loc"] == ["file"]
    assert error["errors"][0]["type"] == type_
    assert "Word" in err or "Office" in err


def test_a_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A path that does not exist: a message, no traceback."""
    assert main(["read", str(tmp_path / "无.docx"), "--node", "plan"]) == 2
    assert "无法读取" in capsys.readouterr().err


def test_a_case_the_reading_cannot_complete_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A case without a plan: the dates the file does not give are bad input naming them."""
    data = json.loads(EXAMPLE_CASE.read_text(encoding="utf-8"))
    del data["plan"]
    case = tmp_path / "case.json"
    case.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["read", str(PLAN), "--node", "plan", "--case", str(case)]) == 2
    out, err = capsys.readouterr()
    assert ["plan", "deadline"] in [e["loc"] for e in json.loads(out)["errors"]]
    assert "案件 QB-2024-007 无法判定" in err


def test_memo_with_the_plan_file_cites_its_cells(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``kaoping memo --plan``: the review memo cites where each failed check's finding is."""
    out = tmp_path / "review.docx"
    code = main(["memo", str(EXAMPLE_CASE), "--kind", "review-plan", "--plan", str(PLAN), "-o", str(out)])
    assert code == 0
    assert "（见评价方案表1第5行‘证据编号’栏）" in Memo(out.read_bytes()).text
    assert "已读取" in capsys.readouterr().err


def test_memo_with_an_unreadable_draft_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A refused file: exit 2, no memo."""
    bad = tmp_path / "初稿.pdf"
    bad.write_bytes(b"%PDF-1.4\n")
    out = tmp_path / "review.docx"
    assert (
        main(["memo", str(EXAMPLE_CASE), "--kind", "review-draft", "--draft", str(bad), "-o", str(out)]) == 2
    )
    assert not out.exists()
    assert json.loads(capsys.readouterr().out)["errors"][0]["type"] == "deliverable.pdf"
