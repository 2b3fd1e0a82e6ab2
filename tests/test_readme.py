"""The README's tour pastes as written: its commands run, in a fresh folder, as a shell runs them."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.environment import fresh_environment
from tests.support.system import need

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def tour() -> str:
    """The shell block of the README's "A short tour"."""
    section = README.read_text(encoding="utf-8").split("## A short tour", 1)[1]
    match = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert match, "the tour has a ```sh block"
    return match.group(1)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_the_tour_runs_as_written(tmp_path: Path) -> None:
    """Every line of the tour, in a folder holding only the examples and the virtual environment.

    The one change: the port, 8000 in the README, is a free one here (other test runs may hold 8000).
    """
    need("curl", "the README's tour, which calls the API with curl")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    script = tour().replace("8000", str(_free_port()))
    env = fresh_environment("VIRTUAL_ENV", "DATABASE_URL")  # a fresh machine has none of them
    env |= {"NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    child = subprocess.Popen(
        ["bash", "-e", "-c", script],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = child.communicate(timeout=300)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
    assert child.returncode == 0, err[-3000:]
    assert json.loads((tmp_path / "decision.json").read_text(encoding="utf-8"))["case_id"] == "QB-2024-007"
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len((tmp_path / "examples" / "cases.jsonl").read_text(encoding="utf-8").splitlines())
    assert (tmp_path / "fee.docx").stat().st_size > 10_000
    assert "依据" in out
    assert "规则数据正常" in out
