"""``kaoping memo``: writes the memo, or exits 2 with no file written."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from api.cli import main
from engine.memos.filters import date_zh
from tests.memos.conftest import FIXTURES, Memo, case

ROOT = Path(__file__).resolve().parents[2]


def _case_file(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_memo_writes_the_docx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The fee sheet of the worked example, numbered and dated as asked."""
    out = tmp_path / "fee.docx"
    code = main(
        [
            "memo",
            str(FIXTURES / "worked_example.case.json"),
            "--kind",
            "fee",
            "-o",
            str(out),
            "--number",
            "7",
            "--date",
            "2024-07-01",
        ]
    )
    assert code == 0
    m = Memo(out.read_bytes())
    assert "七财评〔2024〕7号" in m.paragraphs
    assert ["大写金额", "人民币柒万肆仟肆佰元整"] in m.rows
    assert m.paragraphs[-1] == "二〇二四年七月一日"
    assert "已写入" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["fee.docx"] or sorted(
        p.name for p in tmp_path.iterdir()
    ) == ["fee.docx"]


def test_without_date_and_number_today_and_a_blank_number(tmp_path: Path) -> None:
    """No --date: today; no --number: the number is left blank to fill by hand."""
    out = tmp_path / "e.docx"
    assert (
        main(["memo", str(FIXTURES / "worked_example.case.json"), "--kind", "eligibility", "-o", str(out)])
        == 0
    )
    m = Memo(out.read_bytes())
    today = dt.datetime.now().astimezone().date()
    assert m.paragraphs[-1] == date_zh(today).replace("\u2060", "")
    assert f"七财评〔{today.year}〕\u3000\u3000\u3000号" in m.paragraphs


def test_a_memo_the_case_cannot_support_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A fee sheet while the fee is pending: exit 2, a clear message, no file (not even a temporary one)."""
    data = case()
    del data["draft"]["scores"]
    out = tmp_path / "fee.docx"
    code = main(["memo", str(_case_file(tmp_path, data)), "--kind", "fee", "-o", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert "服务费尚待核定" in err
    assert "报告初稿 专家组未评分" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.json"]


def test_a_referral_without_flw02_or_flw03_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Asking for a memo kind that does not apply is a clear error."""
    out = tmp_path / "r.docx"
    assert (
        main(["memo", str(FIXTURES / "worked_example.case.json"), "--kind", "referral", "-o", str(out)]) == 2
    )
    assert "FLW-02" in capsys.readouterr().err
    assert not out.exists()


def test_bad_input_prints_the_error_object(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Bad input: exit 2, ``{"case_id": ..., "errors": [...]}`` on stdout, a summary on stderr, no file."""
    data = case()
    data["agency"]["credit_code"] = "91310112F5PJ96WP44"
    out = tmp_path / "e.docx"
    assert main(["memo", str(_case_file(tmp_path, data)), "--kind", "eligibility", "-o", str(out)]) == 2
    captured = capsys.readouterr()
    error = json.loads(captured.out)
    assert error["case_id"] == "QB-2024-007"
    assert error["errors"][0]["loc"] == ["agency", "credit_code"]
    assert "credit_code" in captured.err
    assert not out.exists()


def test_an_unknown_kind_is_refused_by_the_parser(capsys: pytest.CaptureFixture[str]) -> None:
    """--kind lists the memo kinds."""
    with pytest.raises(SystemExit) as info:
        main(["memo", "case.json", "--kind", "letter", "-o", "x.docx"])
    assert info.value.code == 2
    assert "review-plan" in capsys.readouterr().err


def test_the_office_comes_from_settings(tmp_path: Path) -> None:
    """KAOPING_OFFICE_NAME and KAOPING_DOCUMENT_NUMBER_PREFIX reach the memo (a fresh process)."""
    out = tmp_path / "r.docx"
    env = {**os.environ, "KAOPING_OFFICE_NAME": "莘庄镇财政所", "KAOPING_DOCUMENT_NUMBER_PREFIX": "莘财评"}
    command = [
        sys.executable,
        "-m",
        "api.cli",
        "memo",
        str(FIXTURES / "failing.case.json"),
        "--kind",
        "referral",
        "-o",
        str(out),
        "--number",
        "3",
        "--date",
        "2024-08-02",
    ]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    m = Memo(out.read_bytes())
    assert "莘财评〔2024〕3号" in m.paragraphs
    assert m.paragraphs[-3:-1] == ["莘庄镇财政所", "二〇二四年八月二日"]
