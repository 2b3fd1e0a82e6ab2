"""The command line: `kaoping token create`, `kaoping db upgrade` and `kaoping serve` as real processes."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from api.store import db
from tests.api.conftest import EXAMPLE, V1
from tests.support.environment import fresh_environment

TOKEN = re.compile(r"^kp_[A-Za-z0-9_-]{43}\n$")


@pytest.fixture
def env(database_url, tmp_path):
    """The environment of a kaoping process on the module's database (SQLite: the embedded default)."""
    clean = fresh_environment("DATABASE_URL")
    if database_url.startswith("sqlite:///"):
        return {**clean, "KAOPING_DATA_DIR": str(Path(database_url.removeprefix("sqlite:///")).parent)}
    return {**clean, "KAOPING_DATA_DIR": str(tmp_path), "DATABASE_URL": database_url}


def kaoping(env, *args, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_token_create_prints_only_the_token(env):
    """One line on stdout, the token; nothing else there."""
    result = kaoping(env, "token", "create", "--role", "expert", "--expert", "E1")
    assert result.returncode == 0, result.stderr
    assert TOKEN.match(result.stdout)


@pytest.mark.parametrize(
    "args",
    [
        ["--role", "expert"],
        ["--role", "project_unit"],
        ["--role", "auditor", "--unit", "x"],
        ["--role", "expert", "--expert", "E1\n"],
        ["--role", "expert", "--expert", "E\u202e1"],
        ["--role", "expert", "--expert", "E" * 65],
        ["--role", "expert", "--expert", ""],
        ["--role", "project_unit", "--unit", "U\x01\x1b[31m"],
        ["--role", "project_unit", "--unit", "七宝\u200b镇"],
        ["--role", "expert", "--expert", "E1", "--expires", "soon"],
        ["--role", "expert", "--expert", "E1", "--expires", "2001-01-01"],
        ["--role", "boss"],
    ],
)
def test_token_create_refuses_incomplete_parties_and_bad_ids(env, args):
    """An expert needs --expert, a unit --unit, the others neither; ids follow the contract's rule (no
    control, format or bidi characters; 1-64 characters); an expiry is a span or a coming date: exit 2,
    nothing on stdout, nothing stored."""
    result = kaoping(env, "token", "create", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_ids_of_any_script_are_ids(env):
    """The contract's ids are not ASCII-only: an expert id 专家一 is one."""
    result = kaoping(env, "token", "create", "--role", "expert", "--expert", "专家一")
    assert result.returncode == 0, result.stderr


def test_db_upgrade_is_idempotent(env):
    """Twice: the same revision."""
    for _ in range(2):
        result = kaoping(env, "db", "upgrade")
        assert result.returncode == 0, result.stderr
        assert f"的结构版本为 {db.head_revision()}" in result.stderr


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_serve_runs_the_api_with_two_workers(env, tmp_path):
    """`kaoping serve` migrates, says where it listens and where the data is, and answers until stopped."""
    port = _free_port()
    out, err = tmp_path / "serve.out", tmp_path / "serve.err"
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}{V1}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"{base}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, err.read_text()
                assert time.monotonic() < deadline, "kaoping serve did not answer within 60 s"
                time.sleep(0.2)
        assert health.status_code == 200
        assert health.json() == {"status": "ok", "database": "ok"}
        token = kaoping(env, "token", "create", "--role", "auditor").stdout.strip()
        decided = httpx.post(f"{base}/evaluate", json=EXAMPLE, headers={"Authorization": f"Bearer {token}"})
        assert decided.status_code == 200
        assert decided.json()["fee"]["payable"] == "74400.00"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    printed = out.read_text()
    assert f"正在服务 http://127.0.0.1:{port}/api/v1" in printed
    assert "数据库：" in printed
    if "DATABASE_URL" not in env:
        assert f"SQLite 数据库文件 {Path(env['KAOPING_DATA_DIR']).resolve() / 'kaoping.sqlite3'}" in printed
