"""The command line in the office's words: Chinese help and messages, English on request, files as saved."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from api.cli.command import build_parser
from tests.support.chinese import english_words

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "QB-2024-007.case.json"


def _commands() -> list[str]:
    """The sub-commands as typed (``what-if``, not its module's name)."""
    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(subparsers.choices)


ARGPARSE_ENGLISH = ("usage:", "options:", "positional arguments", "show this help message", "error:")


def kaoping(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=False,
        env={**os.environ, "KAOPING_LANG": "", **(env or {})},
    )
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode(), result.stderr.decode()
    )


def test_version() -> None:
    """``kaoping --version``: the package's version and the rule versions it carries."""
    result = kaoping("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("kaoping 0.")
    assert "2021-08-01、2024-01-01" in result.stdout


@pytest.mark.parametrize("command", ["", *_commands()])
def test_every_command_has_its_own_help_in_chinese(command: str) -> None:
    """``kaoping [COMMAND] --help``: Chinese, nothing of argparse's English; ``--lang en`` in English."""
    args = [command, "--help"] if command else ["--help"]
    chinese = kaoping(*args)
    assert chinese.returncode == 0
    assert chinese.stdout.startswith("用法：kaoping")
    assert not any(word in chinese.stdout for word in ARGPARSE_ENGLISH), chinese.stdout
    body = chinese.stdout.split("\n\n", 1)[1]  # after the usage lines
    texts = [
        re.split(r"\s{2,}", line.strip())[-1]
        for line in body.splitlines()
        if re.search(r"\s{2,}", line.strip()) or not line.strip().startswith(("-", "{"))
    ]
    assert english_words(" ".join(texts)) == [], body
    english = kaoping(*args, "--lang", "en")
    assert english.stdout.startswith("usage: kaoping")
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in english.stdout.split("考评")[0][:200])


def test_argparse_errors_are_chinese() -> None:
    """A misspelt command and a missing argument are told in Chinese (exit 2)."""
    result = kaoping("evalute")
    assert result.returncode == 2
    assert "kaoping：错误：参数 COMMAND：无效的选择：'evalute'" in result.stderr
    result = kaoping("memo", str(EXAMPLE))
    assert "缺少必需的参数：--kind, -o/--output" in result.stderr


def test_rules_on_a_date_prints_the_version_in_force() -> None:
    """``kaoping rules --on 2023-06-01``: the version that began on 2021-08-01; a date before any: exit 2."""
    result = kaoping("rules", "--on", "2023-06-01", "--json")
    assert result.returncode == 0, result.stderr
    assert [v["version"] for v in json.loads(result.stdout)] == ["2021-08-01"]
    assert json.loads(kaoping("rules", "--on", "2024年1月1日", "--json").stdout)[0]["version"] == "2024-01-01"
    early = kaoping("rules", "--on", "2021-07-31")
    assert early.returncode == 2
    assert "2021-07-31没有生效的规则版本（最早的版本自2021-08-01起生效）" in early.stderr
    assert kaoping("rules", "--on", "2023-06-01", "--version", "2024-01-01").returncode == 2
    assert kaoping("rules", "--on", "3/4/2023").returncode == 2


def _bad_case() -> bytes:
    case = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    case["agency"]["kind"] = "广告公司"
    case["plan"]["scores"]["project_unit"] = "90分"
    return json.dumps(case, ensure_ascii=False).encode()


def test_bad_input_is_chinese_by_default_and_english_with_lang_or_environment(tmp_path: Path) -> None:
    """The error object and the summary follow ``--lang`` / ``KAOPING_LANG``; the types never change."""
    path = tmp_path / "bad.json"
    path.write_bytes(_bad_case())
    chinese = kaoping("evaluate", str(path))
    assert chinese.returncode == 2
    errors = {tuple(e["loc"]): e for e in json.loads(chinese.stdout)["errors"]}
    assert errors["agency", "kind"]["type"] == "literal_error"
    assert "评价方案项目单位评分（plan.scores.project_unit）须为数字，例如 88 或 88.5" in chinese.stderr
    assert "案件 QB-2024-007 无法判定" in chinese.stderr
    for english in (
        kaoping("evaluate", "--lang", "en", str(path)),
        kaoping("evaluate", str(path), env={"KAOPING_LANG": "en"}),
    ):
        assert english.returncode == 2
        assert "case QB-2024-007 cannot be decided" in english.stderr
        assert (
            "agency kind (agency.kind) must be one of: consultancy (professional consultancy)"
            in english.stderr
        )
        en_errors = {tuple(e["loc"]): e for e in json.loads(english.stdout)["errors"]}
        assert {k: e["type"] for k, e in en_errors.items()} == {k: e["type"] for k, e in errors.items()}


def test_a_repeated_key_is_bad_input_in_a_file_and_in_a_batch(tmp_path: Path) -> None:
    """``{"E1": "88", "E1": "40"}`` is named in one file and on its line of a batch; the batch goes on."""
    text = EXAMPLE.read_text(encoding="utf-8").replace('"E1": "88"', '"E1": "88", "E1": "40"', 1)
    path = tmp_path / "dup.json"
    path.write_text(text, encoding="utf-8")
    single = kaoping("evaluate", str(path))
    assert single.returncode == 2
    [error] = json.loads(single.stdout)["errors"]
    assert (error["loc"], error["type"]) == (["plan", "scores", "expert_panel", "E1"], "duplicate_key")
    good = json.dumps(json.loads(EXAMPLE.read_text(encoding="utf-8")), ensure_ascii=False)
    lines = f"{good}\n{' '.join(text.split())}\n{good}\n".encode()
    batch = kaoping("evaluate", "--jsonl", stdin=lines)
    assert batch.returncode == 2
    out = [json.loads(line) for line in batch.stdout.splitlines()]
    assert "rule_version" in out[0]
    assert "rule_version" in out[2]
    assert out[1]["errors"][0]["type"] == "duplicate_key"
    assert "第2行" in batch.stderr


@pytest.mark.parametrize(
    ("encode", "said"),
    [
        (lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"), "UTF-8（带字节顺序标记）"),
        (lambda text: text.encode("gb18030"), "GB18030"),
    ],
)
def test_a_file_saved_with_a_bom_or_in_gb18030_is_read_and_said_so(tmp_path: Path, encode, said) -> None:
    """The same decision as the UTF-8 file; stderr names the encoding it read."""
    text = EXAMPLE.read_text(encoding="utf-8")
    path = tmp_path / "case.json"
    path.write_bytes(encode(text))
    plain = kaoping("evaluate", str(EXAMPLE))
    result = kaoping("evaluate", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout == plain.stdout
    assert f"{path}：已按 {said} 编码读取" in result.stderr
    batch = kaoping("evaluate", "--jsonl", stdin=encode(" ".join(text.split()) + "\n"))
    assert batch.returncode == 0, batch.stderr
    assert batch.stdout == plain.stdout
    assert f"第1行：已按 {said} 编码读取" in batch.stderr
