"""The ``kaoping`` command line, run as a real process (the batch's worker-failure path in-process)."""

from __future__ import annotations

import fcntl
import gc
import io
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from engine.errors import KaopingError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "QB-2024-007.case.json"


def kaoping(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_evaluate_prints_the_decision_and_exits_0() -> None:
    """`kaoping evaluate CASE.json` → the decision on stdout."""
    result = kaoping("evaluate", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    decision = json.loads(result.stdout)
    expected = json.loads(
        (ROOT / "tests/cases/worked_example_2024.decision.json").read_text(encoding="utf-8")
    )
    assert expected == {k: v for k, v in decision.items() if k != "trace"}
    assert result.stderr == ""


def test_bad_case_exits_2_with_the_error_object_and_a_summary(tmp_path: Path) -> None:
    """Bad input: exit 2, {"case_id", "errors"} on stdout, a readable summary on stderr, no traceback."""
    case = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    case["agency"]["credit_code"] = "91310112F5PJ96WP44"
    case["commission"]["contract_fee"] = "1.001"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    result = kaoping("evaluate", str(path))
    assert result.returncode == 2
    out = json.loads(result.stdout)
    assert out["case_id"] == "QB-2024-007"
    assert {tuple(e["loc"]) for e in out["errors"]} == {
        ("agency", "credit_code"),
        ("commission", "contract_fee"),
    }
    assert "agency.credit_code" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '{"case_id": "A", "commission": NaN}'])
def test_unparseable_input_is_bad_input(tmp_path: Path, text: str) -> None:
    """Invalid JSON or a non-object is an error object with case_id null, exit 2."""
    path = tmp_path / "case.json"
    path.write_text(text, encoding="utf-8")
    result = kaoping("evaluate", str(path))
    assert result.returncode == 2
    assert json.loads(result.stdout)["errors"]
    assert "Traceback" not in result.stderr


def test_missing_file_is_a_clear_error() -> None:
    """A file that does not exist: exit 2, one line on stderr."""
    result = kaoping("evaluate", "no-such-case.json")
    assert result.returncode == 2
    assert "无法读取 no-such-case.json：文件不存在" in result.stderr


def test_jsonl_batch_keeps_order_and_goes_on_after_a_bad_line() -> None:
    """One output line per non-blank input line, in order; a bad line yields its error object."""
    case = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    second = dict(case, case_id="QB-2024-008")
    bad = dict(case, case_id="QB-BAD", prohibited_conduct=["bribery"])
    lines = [
        json.dumps(case, ensure_ascii=False),
        "",
        "garbage",
        json.dumps(bad, ensure_ascii=False),
        json.dumps(second, ensure_ascii=False),
        "   ",
    ]
    result = kaoping("evaluate", "--jsonl", stdin="\n".join(lines) + "\n")
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["case_id"] for o in out] == ["QB-2024-007", None, "QB-BAD", "QB-2024-008"]
    assert "rule_version" in out[0]
    assert out[1]["errors"][0]["type"] == "json_invalid"
    assert out[2]["errors"][0]["loc"] == ["prohibited_conduct", 0]
    assert out[3]["fee"]["payable"] == "74400.00"
    assert result.returncode == 2  # some lines were bad input
    assert "Traceback" not in result.stderr


def test_jsonl_batch_of_good_cases_exits_0() -> None:
    """A clean batch exits 0."""
    line = json.dumps(json.loads(EXAMPLE.read_text(encoding="utf-8")), ensure_ascii=False)
    result = kaoping("evaluate", "--jsonl", stdin=f"{line}\n{line}\n")
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == 2


def _mixed_batch(n: int) -> str:
    """``n`` good cases with a bad line, a blank line and garbage spread through them."""
    case = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    lines = []
    for i in range(n):
        lines.append(json.dumps(dict(case, case_id=f"QB-{i:04d}"), ensure_ascii=False))
        if i % 97 == 0:
            lines += ["", "garbage", json.dumps(dict(case, case_id=f"QB-BAD-{i}", prohibited_conduct=["x"]))]
    return "\n".join(lines) + "\n"


def test_jsonl_batch_in_worker_processes_writes_the_same_bytes_in_order() -> None:
    """`--jobs 2` decides in two processes; the output is byte for byte the one-process output."""
    batch = _mixed_batch(1000)  # more chunks than may be queued at once, errors in many of them
    one = kaoping("evaluate", "--jsonl", stdin=batch)
    two = kaoping("evaluate", "--jsonl", "--jobs", "2", stdin=batch)
    assert two.returncode == one.returncode == 2  # some lines are bad
    assert two.stdout == one.stdout
    assert two.stderr == one.stderr  # the same summaries, in line order
    ids = [json.loads(line)["case_id"] for line in two.stdout.splitlines()]
    assert ids[:4] == ["QB-0000", None, "QB-BAD-0", "QB-0001"]
    assert len(ids) == 1000 + 2 * 11  # and after cases 0, 97, ..., 970: garbage and a bad case


def test_a_worker_that_dies_stops_the_batch_with_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker killed mid-batch (here: it exits on one line) ends the batch with KaopingError, not a hang."""
    from api.cli import evaluate as command  # noqa: PLC0415 - the module under test, in-process

    decide = command.decide_line

    def dies_on_crash(number: int, line: bytes) -> tuple[bytes, str | None]:
        if b"CRASH" in line:
            os._exit(3)
        return decide(number, line)

    monkeypatch.setattr(command, "decide_line", dies_on_crash)  # the forked workers inherit it
    good = EXAMPLE.read_bytes().replace(b"\n", b"") + b"\n"
    lines = [good] * 250 + [b'{"case_id": "CRASH"}\n'] + [good] * 250
    sink = io.BytesIO()
    try:
        with pytest.raises(KaopingError, match="工作进程意外退出"):
            command.run_batch(lines, sink, jobs=2)
    finally:
        gc.unfreeze()  # run_batch froze this test process's objects before forking
    assert sink.getvalue().count(b"\n") <= 200  # only whole chunks before the dead one were written


def test_jobs_auto_uses_every_cpu_for_a_large_file_and_one_process_otherwise(tmp_path: Path) -> None:
    """A file of 1 MiB or more gets a worker per CPU; a smaller file, a pipe or what is left of a
    large file under 1 MiB is decided in this process, line by line."""
    from api.cli.evaluate import AUTO_PARALLEL_BYTES, auto_jobs  # noqa: PLC0415 - unit under test

    big, small = tmp_path / "big.jsonl", tmp_path / "small.jsonl"
    big.write_bytes(b"\n" * AUTO_PARALLEL_BYTES)
    small.write_bytes(b"\n" * (AUTO_PARALLEL_BYTES - 1))
    with big.open("rb") as source:
        assert auto_jobs(source) == (os.cpu_count() or 1)
        source.read(1)
        assert auto_jobs(source) == 1
    with small.open("rb") as source:
        assert auto_jobs(source) == 1
    read, write = os.pipe()
    with os.fdopen(read, "rb") as source, os.fdopen(write, "wb"):
        assert auto_jobs(source) == 1
    assert auto_jobs(io.BytesIO(b"{}\n")) == 1


def test_jobs_auto_on_a_large_file_writes_the_one_process_bytes(tmp_path: Path) -> None:
    """The default on a file over 1 MiB (worker processes) gives the same output as ``--jobs 1``."""
    batch = tmp_path / "batch.jsonl"
    batch.write_text(_mixed_batch(700), encoding="utf-8")
    assert batch.stat().st_size >= 1 << 20

    def run(*args: str) -> subprocess.CompletedProcess[bytes]:
        with batch.open("rb") as source:
            return subprocess.run(
                [sys.executable, "-m", "api.cli", "evaluate", "--jsonl", *args],
                stdin=source,
                capture_output=True,
                cwd=ROOT,
                timeout=300,
                check=False,
            )

    auto, one = run(), run("--jobs", "1")
    assert auto.returncode == one.returncode == 2
    assert auto.stdout == one.stdout
    assert auto.stderr == one.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--jobs", "2", str(EXAMPLE)), "--jobs 只能与 --jsonl 一起使用"),
        (("--jsonl", "--jobs", "two"), "不是整数或自动（auto）"),
        (("--jsonl", "--jobs", "-1"), "须在 0 到 256 之间"),
    ],
)
def test_bad_jobs_is_exit_2(args: tuple[str, ...], message: str) -> None:
    """A wrong ``--jobs`` is a usage error naming the option."""
    result = kaoping("evaluate", *args, stdin="")
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_rules_lists_ids_texts_and_citations() -> None:
    """`kaoping rules --version V --json` lists one version's rules."""
    result = kaoping("rules", "--version", "2024-01-01", "--json")
    assert result.returncode == 0
    (version,) = json.loads(result.stdout)
    assert version["version"] == "2024-01-01"
    ids = [r["id"] for r in version["rules"]]
    assert ids[0] == "ELG-01"
    assert len(ids) == 41
    elg04 = version["rules"][3]
    assert elg04["cite"] == "财监〔2021〕4号 第二条；沪财发〔2023〕17号 第二条"
    text = kaoping("rules")
    assert "FEE-03" in text.stdout
    assert "依据" in text.stdout


def test_rules_check_validates_the_rule_data() -> None:
    """`kaoping rules check` compiles every version."""
    result = kaoping("rules", "check")
    assert result.returncode == 0
    assert "规则数据正常" in result.stdout


def test_unknown_version_is_exit_2() -> None:
    """Asking for a version that does not exist is a clear error."""
    result = kaoping("rules", "--version", "1999-01-01")
    assert result.returncode == 2
    assert "现有版本：2021-08-01、2024-01-01" in result.stderr


def test_jsonl_shows_a_progress_bar_when_stderr_is_a_terminal() -> None:
    """With stderr on a terminal, the batch draws a progress bar there (and stdout stays pure JSON Lines)."""
    line = json.dumps(json.loads(EXAMPLE.read_text(encoding="utf-8")), ensure_ascii=False)
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a 100-column terminal
    try:
        result = subprocess.run(
            [sys.executable, "-m", "api.cli", "evaluate", "--jsonl"],
            input=f"{line}\n{line}\n",
            stdout=subprocess.PIPE,
            stderr=follower,
            text=True,
            cwd=ROOT,
            timeout=120,
            check=False,
        )
        os.close(follower)
        follower = -1
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == 2
    assert b"cases: " in shown
    assert b"2case" in shown.replace(b" ", b"")


def test_the_parser_does_not_load_word_or_settings() -> None:
    """Building the CLI (every command pays it, a batch too) loads neither python-docx nor the settings."""
    code = (
        "import sys; from api import cli; cli.build_parser(); "
        "print(sorted(m for m in ('docx', 'docxtpl', 'pydantic_settings', 'api.settings') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("line", "named"),
    [
        (["evaluate", "--jsonl"], "evaluate"),
        (["--lang", "en", "rules", "check"], "rules"),
        (["--lang=en", "what-if", "case.json"], "what-if"),
        (["-h"], None),
        (["bogus", "evaluate"], None),
        ([], None),
    ],
)
def test_the_command_a_line_names(line: list[str], named: str | None) -> None:
    """The first word that is not an option (``--lang``'s value skipped) names the sub-command."""
    from api.cli.command import named_command  # noqa: PLC0415

    assert named_command(line) == named


def test_a_named_command_loads_only_its_own_module_and_lists_the_rest_alike() -> None:
    """``kaoping evaluate`` imports no other command's module; the help lists every command as before."""
    code = (
        "import sys, json; from api.cli.command import build_parser, COMMANDS\n"
        "def listing(parser):\n"
        "    sub = next(a for a in parser._actions if a.dest == 'command')\n"
        "    return [(c.dest, c.help) for c in sub._choices_actions]\n"
        "named = listing(build_parser(['evaluate', '--jsonl']))\n"
        "loaded = sorted(m for m in COMMANDS.values() if f'api.cli.{m}' in sys.modules)\n"
        "print(json.dumps([named, loaded, listing(build_parser())]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60, check=True
    )
    named, loaded, everything = json.loads(result.stdout)
    assert loaded == ["evaluate"]
    assert named == everything
    assert [name for name, _ in everything][-3:] == ["what-if", "replay", "panel"]


def test_a_program_feeding_a_pipe_gets_each_decision_before_sending_the_next() -> None:
    """On a pipe the batch answers line by line: each decision arrives while standard input is open."""
    # A case that cannot be decided: its answer (~200 bytes) is far smaller than a write buffer. The
    # child runs with Python's usual buffering (CI sets PYTHONUNBUFFERED, which would hide a missing flush).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    with subprocess.Popen(
        [sys.executable, "-m", "api.cli", "evaluate", "--jsonl"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env=env,
    ) as child:
        assert child.stdin is not None
        assert child.stdout is not None
        for case_id in ("PIPE-1", "PIPE-2"):
            child.stdin.write(json.dumps({"case_id": case_id}).encode() + b"\n")
            child.stdin.flush()
            ready, _, _ = select.select([child.stdout], [], [], 60)
            assert ready, f"no decision for {case_id} while its input stayed open"
            assert json.loads(child.stdout.readline())["case_id"] == case_id
        child.stdin.close()
        assert child.wait(timeout=60) == 2  # the lines were bad


@pytest.mark.parametrize(("jobs", "imported"), [(1, "False"), (2, "True")])
def test_workers_share_the_capitals_converter_imported_before_the_fork(jobs: int, imported: str) -> None:
    """One process imports cn2an with its first fee; a parent imports it once before forking its workers."""
    code = f"import sys; from api.cli.evaluate import _decided; list(_decided([], {jobs})); print('cn2an' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60, check=True
    )
    assert result.stdout.strip() == imported
