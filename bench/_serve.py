"""Helpers of the HTTP benchmarks: run ``kaoping serve`` in the background and drive it with ``wrk``.

The server and ``wrk`` are child processes of the benchmark; the server runs in its own process group
(uvicorn's supervisor and its workers), which :meth:`Server.stop` ends with SIGTERM (SIGKILL after 20 s).
``wrk`` is given a Lua script written to a temporary file: its ``done`` callback prints one machine-readable
line (requests, duration, error counts, latency percentiles in microseconds) that :func:`run_wrk` parses,
so nothing depends on wrk's human-readable units.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

ROOT = Path(__file__).resolve().parents[1]
API = "/api/v1"


def kaoping_command() -> list[str]:
    """The installed console script next to this interpreter, else ``python -m api.cli``."""
    kaoping = Path(sys.executable).with_name("kaoping")
    return [str(kaoping)] if kaoping.exists() else [sys.executable, "-m", "api.cli"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def loadavg() -> str:
    """The 1, 5 and 15 minute load averages, as /proc/loadavg has them."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:  # pragma: no cover - not Linux
        return "n/a"


def machine() -> str:
    mem = "n/a"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:  # pragma: no cover
        pass
    return f"{os.cpu_count()} CPU(s), {mem} RAM"


def make_token(env: dict[str, str], role: str = "finance_office") -> str:
    """``kaoping token create --role ROLE`` on the database of ``env``; the token it prints."""
    done = subprocess.run(
        [*kaoping_command(), "token", "create", "--role", role, "--label", "bench"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


@dataclass
class Server:
    """A running ``kaoping serve``."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API}"

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the server's live processes (its process group).

        Requests/s on a machine shared with other work say how much of the machine the benchmark got;
        CPU seconds per request say what a request costs, which contention changes much less.
        """
        return process_group_cpu_seconds(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def process_group_cpu_seconds(pgid: int) -> float:
    """User + system CPU seconds of the live processes in process group ``pgid`` (Linux ``/proc``)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[2]) == pgid:  # fields after "(comm)": state ppid pgrp ... utime(11) stime(12)
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def children_cpu_seconds() -> float:
    """User + system CPU seconds of this process's finished children (e.g. every wrk run so far)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def machine_cpu_seconds() -> tuple[float, float, float]:
    """(busy, idle, steal) CPU seconds of the whole machine since boot, summed over its CPUs (``/proc/stat``).

    Busy minus the server's and wrk's CPU over a run is what everything else on the machine used: in
    ``bench_cases_pg`` mostly PostgreSQL's backends, with the kernel's interrupt work (loopback TCP)
    and the benchmark itself. Idle says whether the cores were the limit; steal is time the
    hypervisor gave to other guests, neither busy nor idle here.
    """
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields[:8]  # guest time is inside user
    ticks = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq) / ticks, (idle + iowait) / ticks, steal / ticks


def start_server(env: dict[str, str], workers: int, log: Path, timeout: float = 90.0) -> Server:
    """Start ``kaoping serve --workers N`` on a free port and wait until ``/healthz`` answers 200."""
    port = free_port()
    out = log.open("wb")
    process = subprocess.Popen(
        [*kaoping_command(), "serve", "--workers", str(workers), "--port", str(port), "--no-access-log"],
        env=env,
        cwd=ROOT,
        stdout=out,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    server = Server(process, port, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"kaoping serve exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{server.base}/healthz", timeout=2) as response:
                if response.status == 200:
                    # Every worker has to be up: ask a few more times (uvicorn starts them one by one).
                    time.sleep(1.0)
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(
        f"kaoping serve did not answer /healthz within {timeout:.0f} s:\n{log.read_text()[-3000:]}"
    )


def request(method: str, url: str, token: str, body: bytes | None = None) -> tuple[int, Any]:
    """One request with the bearer token; (status, parsed JSON body)."""
    headers = {"Authorization": f"Bearer {token}"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


_LUA_DONE = r"""
done = function(summary, latency, requests)
  io.write(string.format("KAOPING-WRK %d %d %d %d %d %d %d %d %d %d %d\n",
    summary.requests, summary.duration, summary.errors.status, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def _lua_string(value: str) -> str:
    return '"' + "".join(c if c.isalnum() or c in " -_/.:=&?{}," else f"\\{ord(c):03d}" for c in value) + '"'


def lua_script(method: str, token: str, body: bytes | None = None, paths: list[str] | None = None) -> str:
    """A wrk script: ``method`` with the bearer token (and a JSON body); ``paths`` cycled per request."""
    lines = [
        f"wrk.method = {_lua_string(method)}",
        f'wrk.headers["Authorization"] = {_lua_string("Bearer " + token)}',
    ]
    if body is not None:
        lines.append('wrk.headers["Content-Type"] = "application/json"')
        # Byte-escaped so that any UTF-8 in the case survives Lua's string syntax.
        lines.append('wrk.body = "' + "".join(f"\\{b:03d}" for b in body) + '"')
    if paths:
        lines.append("local paths = {" + ", ".join(_lua_string(p) for p in paths) + "}")
        lines.append("local i = 0")
        lines.append("request = function()\n  i = i % #paths + 1\n  return wrk.format(nil, paths[i])\nend")
    return "\n".join(lines) + "\n" + _LUA_DONE


@dataclass
class WrkResult:
    requests: int
    seconds: float
    non_2xx: int
    socket_errors: dict[str, int]
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    load_before: str
    load_after: str
    raw: str

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit(
            "wrk is not installed: `sudo bash scripts/install-system-deps.sh` (Debian package wrk)"
        )
    return path


def run_wrk(  # noqa: PLR0913 - wrk's knobs
    url: str, script: str, folder: Path, *, threads: int, connections: int, seconds: int
) -> WrkResult:
    """Run wrk with ``script`` against ``url``; parse the line the script's ``done`` prints."""
    lua = folder / f"wrk-{time.monotonic_ns()}.lua"
    lua.write_text(script, encoding="utf-8")
    before = loadavg()
    done = subprocess.run(
        [wrk_path(), f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(lua), url],
        capture_output=True,
        text=True,
        check=False,
        timeout=seconds + 120,
    )
    after = loadavg()
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    line = next((x for x in done.stdout.splitlines() if x.startswith("KAOPING-WRK ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary line:\n{done.stdout}\n{done.stderr}")
    n, duration, status, connect, read, write, timeout, p50, p90, p99, high = (
        int(v) for v in line.split()[1:]
    )
    return WrkResult(
        requests=n,
        seconds=duration / 1e6,
        non_2xx=status,
        socket_errors={"connect": connect, "read": read, "write": write, "timeout": timeout},
        p50_ms=p50 / 1000,
        p90_ms=p90 / 1000,
        p99_ms=p99 / 1000,
        max_ms=high / 1000,
        load_before=before,
        load_after=after,
        raw=done.stdout,
    )
