"""A real ``kaoping serve`` against hostile clients: template bombs within bounded memory, slow headers and
bodies cut at their deadlines while real requests are served, a connection cap, a client that goes away
in one log line, a busy port, and no temporary folder left behind after SIGTERM or kill -9.

The server runs on SQLite in a temporary directory (storage does not matter here) with short deadlines
(2 s), its own ``TMPDIR`` and a small connection cap, so each test is bounded in time.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.api.conftest import EXAMPLE, V1, unique
from tests.api.test_template_bombs import LAUGHS, document, heavy, shipped_with, with_doctype
from tests.api.test_templates import docx_with
from tests.support.environment import fresh_environment

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.slow
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MiB = 1024 * 1024
DEADLINE = 2.0
CAP = 40
PEAK_LIMIT_KB = 300 * 1024


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(folder: Path) -> dict[str, str]:
    clean = fresh_environment("DATABASE_URL")
    (folder / "tmp").mkdir(parents=True, exist_ok=True)
    return {
        **clean,
        "KAOPING_DATA_DIR": str(folder / "data"),
        "TMPDIR": str(folder / "tmp"),
        "KAOPING_HEADER_TIMEOUT": str(DEADLINE),
        "KAOPING_BODY_GRACE": str(DEADLINE),
        "KAOPING_BODY_MIN_RATE": "2048",
        "KAOPING_MAX_CONNECTIONS": str(CAP),
    }


def kaoping(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class Served:
    """A running ``kaoping serve`` (one worker: the server is this one process)."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env = env
        self.port = free_port()
        self.log = folder / f"serve-{self.port}.log"
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "api.cli", "serve", "--port", str(self.port)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.base = f"http://127.0.0.1:{self.port}{V1}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert self.process.poll() is None, self.log.read_text()
            assert time.monotonic() < deadline, "kaoping serve did not answer within 60 s"
            time.sleep(0.2)

    def status(self, field: str) -> int:
        """A ``/proc/<pid>/status`` figure of the server, in kB (``VmHWM``: its peak resident memory)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
        raise AssertionError(field)

    def children(self) -> list[int]:
        """The server's child processes (its memo render helper)."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == self.process.pid:
                        found.append(int(entry.name))
        return found

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Send ``sig`` to the server process alone (its helpers must end by themselves), then wait."""
        if self.process.poll() is None:
            os.kill(self.process.pid, sig)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        return self.process.returncode


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("served")


@pytest.fixture(scope="module")
def token(folder: Path) -> str:
    created = kaoping(environment(folder), "token", "create", "--role", "finance_office")
    assert created.returncode == 0, created.stderr
    return created.stdout.strip()


@pytest.fixture(scope="module")
def server(folder: Path, token: str) -> Iterator[Served]:
    served = Served(environment(folder), folder)
    yield served
    served.stop()
    log = served.log.read_text()
    assert "Traceback" not in log, log
    assert "Exception in ASGI application" not in log, log


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_bomb_uploads_are_refused_in_bounded_time_and_memory(server: Served, token: str) -> None:
    """A part inflating to 100 MB, a billion laughs, a template whose render wants gigabytes: 422 each,
    in seconds; the server's peak resident memory stays under 300 MB and it answers on."""
    bombs = {
        "inflates": shipped_with("fee", {"word/bomb.xml": b" " * (100 * MiB)}),
        "laughs": shipped_with("fee", {"word/document.xml": with_doctype(document("fee"), LAUGHS)}),
        "heavy render": heavy("fee"),
    }
    before = server.status("VmHWM")
    for name, data in bombs.items():
        started = time.monotonic()
        response = httpx.put(
            f"{server.base}/templates/fee.docx",
            content=data,
            headers={**auth(token), "Content-Type": DOCX},
            timeout=60,
        )
        assert response.status_code == 422, (name, response.text)
        assert time.monotonic() - started < 20, name
    peak = server.status("VmHWM")
    assert peak < PEAK_LIMIT_KB, f"peak {peak} kB (before the uploads: {before} kB)"
    listed = httpx.get(f"{server.base}/templates", headers=auth(token)).json()
    assert {t["stem"]: t["source"] for t in listed}["fee"] == "shipped"


def test_slow_headers_are_cut_at_the_deadline_while_real_requests_are_served(
    server: Served, token: str
) -> None:
    """Thirty connections sending a header byte every half second: each is answered 408 and closed about
    the deadline after it opened; meanwhile real requests are answered at once."""
    slow = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(30)]
    opened = time.monotonic()
    closed_at: dict[int, float] = {}
    try:
        for sock in slow:
            sock.sendall(b"GET /api/v1/healthz HTTP/1.1\r\nHost: x\r\n")
            sock.setblocking(False)  # noqa: FBT003 - socket's own API
        while len(closed_at) < len(slow) and time.monotonic() - opened < DEADLINE + 6:
            for i, sock in enumerate(slow):
                if i in closed_at:
                    continue
                try:
                    sock.send(b"X")
                    data = sock.recv(200)
                    if data.startswith(b"HTTP/1.1 408") or data == b"":
                        closed_at[i] = time.monotonic() - opened
                except BlockingIOError:
                    pass
                except OSError:
                    closed_at[i] = time.monotonic() - opened
            real = httpx.post(f"{server.base}/evaluate", json=EXAMPLE, headers=auth(token), timeout=5)
            assert real.status_code == 200
            time.sleep(0.5)
    finally:
        for sock in slow:
            sock.close()
    assert len(closed_at) == len(slow)
    assert all(DEADLINE - 0.5 <= t <= DEADLINE + 3 for t in closed_at.values()), sorted(closed_at.values())
    assert "closed: request headers not complete within 2 s" in server.log.read_text()


def test_a_slow_body_is_cut_and_logged_in_two_lines_without_a_traceback(server: Served, token: str) -> None:
    """Ten bytes every half second after the headers: closed once the grace is over (below 2 KB/s)."""
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(
            b"POST /api/v1/evaluate HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            + token.encode()
            + b"\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
        )
        started = time.monotonic()
        with contextlib.suppress(OSError):
            while time.monotonic() - started < DEADLINE + 6:
                sock.sendall(b"x" * 10)
                time.sleep(0.5)
        elapsed = time.monotonic() - started
    assert DEADLINE <= elapsed <= DEADLINE + 4
    time.sleep(0.3)
    log = server.log.read_text()
    assert re.search(r"closed: request body at \d+ bytes/s, below 2048 after 2 s", log)
    assert "went away during POST /api/v1/evaluate" in log


def test_an_aborted_body_is_one_info_line(server: Served, token: str) -> None:
    """A client that closes mid-body: one line at info level, never 'internal error'."""
    case_id = unique("GONE")
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(
            b"POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            + token.encode()
            + b"\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n"
            + f'{{"case_id": "{case_id}",'.encode()
        )
        time.sleep(0.3)
    time.sleep(0.5)
    lines = [
        line for line in server.log.read_text().splitlines() if "went away during POST /api/v1/cases" in line
    ]
    assert len(lines) == 1
    assert lines[0].startswith("INFO:")
    assert "internal error" not in server.log.read_text()


def test_an_unauthenticated_upload_is_refused_before_its_body(server: Served) -> None:
    """A 1 MB body announced, a few bytes sent: 401 at once, without waiting for the rest."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(
            b"PUT /api/v1/templates/fee.docx HTTP/1.1\r\nHost: x\r\nContent-Type: "
            + DOCX.encode()
            + b"\r\nContent-Length: 1000000\r\n\r\nPK"
        )
        started = time.monotonic()
        answer = sock.recv(200)
    assert answer.startswith(b"HTTP/1.1 401")
    assert time.monotonic() - started < 1


def test_over_the_cap_the_oldest_idle_connection_makes_room(server: Served, token: str) -> None:
    """More silent connections than the cap: the longest-waiting ones are closed, real requests served."""
    idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(CAP + 10)]
    try:
        time.sleep(0.3)
        real = httpx.get(f"{server.base}/rules", headers=auth(token), timeout=5)
        assert real.status_code == 200
    finally:
        for sock in idle:
            sock.close()
    assert "closed to make room" in server.log.read_text()


def test_a_busy_port_is_one_line_naming_the_port_and_exit_3(folder: Path) -> None:
    """Nothing printed as if serving: one Chinese line naming --port on stderr, exit 3."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = kaoping(environment(folder), "serve", "--port", str(port))
    assert result.returncode == 3
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "--port" in result.stderr
    assert str(port) in result.stderr


def memo_with_uploaded_template(served: Served, token: str) -> None:
    """Upload a template, decide a case, download its memo: the work that once wrote temporary folders."""
    data = docx_with("fee", "一、基本情况", "一、基本情况（新版）")
    uploaded = httpx.put(
        f"{served.base}/templates/fee.docx",
        content=data,
        headers={**auth(token), "Content-Type": DOCX},
        timeout=60,
    )
    assert uploaded.status_code == 200, uploaded.text
    case = {**EXAMPLE, "case_id": unique("TMP")}
    assert httpx.post(f"{served.base}/cases", json=case, headers=auth(token)).status_code == 201
    assert (
        httpx.post(f"{served.base}/cases/{case['case_id']}/decisions", headers=auth(token)).status_code == 201
    )
    memo = httpx.get(f"{served.base}/cases/{case['case_id']}/decisions/1/memos/fee.docx", headers=auth(token))
    assert memo.status_code == 200


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "kill -9"])
def test_no_temporary_folder_outlives_the_server(tmp_path: Path, sig: int) -> None:
    """Folders a killed kaoping left are removed at the next start; none are left after SIGTERM or kill -9."""
    env = environment(tmp_path)
    token = kaoping(env, "token", "create", "--role", "finance_office").stdout.strip()
    tmp = Path(env["TMPDIR"])
    stale = tmp / "kaoping-templates-99999999-left"
    stale.mkdir()
    (stale / "fee.docx").write_bytes(b"x")
    served = Served(env, tmp_path)
    try:
        assert not stale.exists()
        memo_with_uploaded_template(served, token)
        helpers = served.children()
        assert helpers  # the render helper
    finally:
        served.stop(sig)
    deadline = time.monotonic() + 10  # the helper sees its input close and exits
    while any(Path(f"/proc/{pid}").exists() for pid in helpers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(Path(f"/proc/{pid}").exists() for pid in helpers)
    left: list[Any] = sorted(p.name for p in tmp.iterdir())
    assert left == [], left


def test_the_file_descriptor_limit_is_raised_to_fit_the_cap() -> None:
    """The soft limit grows to the cap plus headroom (never past the hard limit); the cap that fits."""
    import resource  # noqa: PLC0415

    from api.cli.serve import FD_HEADROOM, raise_fd_limit  # noqa: PLC0415

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(256, hard), hard))
        assert raise_fd_limit(1000) == (1000 if hard >= 1000 + FD_HEADROOM else hard - FD_HEADROOM)
        assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] == min(1000 + FD_HEADROOM, hard)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
