"""Crash safety: `kill -9` a real `kaoping serve` in the middle of a write loop; every acknowledged write survives."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from api.store.jsondoc import canonical_hash, plain
from engine import evaluate
from tests.api.conftest import V1, example, make_token, unique
from tests.support.environment import fresh_environment

LOOP_SECONDS = 3.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(database_url: str, data_dir: Path) -> dict[str, str]:
    """The environment of a `kaoping serve` on ``database_url`` (SQLite: the embedded default in its directory)."""
    clean = fresh_environment("DATABASE_URL")
    if database_url.startswith("sqlite:///"):
        return {**clean, "KAOPING_DATA_DIR": str(Path(database_url.removeprefix("sqlite:///")).parent)}
    return {**clean, "KAOPING_DATA_DIR": str(data_dir), "DATABASE_URL": database_url}


class Server:
    """A `kaoping serve` subprocess (its own process group) and its base URL."""

    def __init__(self, env: dict[str, str], logs: Path, workers: int = 1) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}{V1}"
        logs.mkdir(parents=True, exist_ok=True)
        self.err = logs / f"serve-{self.port}.err"
        with (logs / f"serve-{self.port}.out").open("w") as out, self.err.open("w") as err:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "api.cli",
                    "serve",
                    "--port",
                    str(self.port),
                    "--workers",
                    str(workers),
                ],
                env=env,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert self.process.poll() is None, self.err.read_text()
            assert time.monotonic() < deadline, f"kaoping serve did not answer within {timeout} s"
            time.sleep(0.1)

    def kill9(self) -> None:
        """SIGKILL the whole process group (uvicorn's supervisor and its workers) and reap it."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill9()


@contextmanager
def serving(env: dict[str, str], logs: Path, workers: int = 1):
    server = Server(env, logs, workers)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def verify_decision(decision: dict) -> None:
    """The stored input hashes to input_hash; evaluating it again gives output_hash."""
    assert canonical_hash(decision["input"]) == decision["input_hash"]
    assert canonical_hash(plain(evaluate(decision["input"]))) == decision["output_hash"]


class WriteLoop(threading.Thread):
    """POST a case, PUT a score, POST a decision, again and again; keeps what was acknowledged (2xx)."""

    def __init__(self, base: str, headers: dict[str, str]) -> None:
        super().__init__(daemon=True)
        self.base, self.headers = base, headers
        self.stop = threading.Event()
        self.cases: list[str] = []
        self.scores: dict[str, tuple[str, int]] = {}  # case -> (last acknowledged score, version)
        self.decisions: dict[str, dict[int, str]] = {}  # case -> {number: output_hash}
        self.acknowledged = 0
        self.errors: list[str] = []

    def run(self) -> None:
        with httpx.Client(base_url=self.base, headers=self.headers, timeout=10) as client:
            i = 0
            while not self.stop.is_set():
                i += 1
                try:
                    self.once(client, i)
                except httpx.TransportError:
                    time.sleep(0.05)  # the server is gone (or not back): nothing was acknowledged

    def ack(self, response: httpx.Response, expected: int) -> bool:
        if response.status_code == expected:
            self.acknowledged += 1
            return True
        self.errors.append(
            f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
        )
        return False

    def once(self, client: httpx.Client, i: int) -> None:
        case_id = unique("CR")
        if not self.ack(client.post("/cases", json=example(case_id)), 201):
            return
        self.cases.append(case_id)
        score = str(70 + i % 30)
        put = client.put(f"/cases/{case_id}/scores/plan/finance_office", json={"score": score})
        if not self.ack(put, 200):
            return
        self.scores[case_id] = (score, put.json()["version"])
        for _ in range(2):
            decided = client.post(f"/cases/{case_id}/decisions")
            if not self.ack(decided, 201):
                return
            self.decisions.setdefault(case_id, {})[decided.json()["number"]] = decided.json()["output_hash"]


@pytest.mark.slow
def test_kill_9_during_a_write_loop_loses_no_acknowledged_write(database_url, migrated, tmp_path):
    """After SIGKILL mid-loop and a restart: every acknowledged case, score, decision and audit entry is there."""
    env = server_env(database_url, tmp_path)
    headers = {"Authorization": f"Bearer {make_token(migrated, 'finance_office')}"}
    server = Server(env, tmp_path / "logs")
    try:
        server.wait_ready()
        loop = WriteLoop(server.base, headers)
        loop.start()
        time.sleep(LOOP_SECONDS)
        server.kill9()  # mid-loop: requests are in flight
        time.sleep(0.3)
        loop.stop.set()
        loop.join(timeout=30)
    finally:
        server.stop()
    assert not loop.errors, loop.errors[:3]
    assert loop.acknowledged >= 6, "the loop hardly ran; nothing was tested"

    if database_url.startswith("sqlite:///"):
        path = database_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as conn:  # what the crash left, before anyone opens it again
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []

    with (
        serving(env, tmp_path / "logs") as restarted,
        httpx.Client(base_url=restarted.base, headers=headers, timeout=30) as client,
    ):
        for case_id in loop.cases:
            stored = client.get(f"/cases/{case_id}")
            assert stored.status_code == 200, case_id
            audit = client.get("/audit", params={"target": f"case:{case_id}", "limit": 100}).json()["items"]
            actions = [entry["action"] for entry in audit]
            assert actions.count("case.create") == 1
            if case_id in loop.scores:
                score, version = loop.scores[case_id]
                assert stored.json()["case"]["plan"]["scores"]["finance_office"] == score
                assert stored.json()["version"] >= version
                assert actions.count("scores.put") == 1
            acknowledged = loop.decisions.get(case_id, {})
            listed = client.get(f"/cases/{case_id}/decisions").json()["items"]
            numbers = [d["number"] for d in listed]
            assert numbers == list(range(1, len(numbers) + 1))  # contiguous, no duplicates
            assert set(acknowledged) <= set(numbers)
            by_number = {d["number"]: d for d in listed}
            for number, output_hash in acknowledged.items():
                assert by_number[number]["output_hash"] == output_hash
                verify_decision(client.get(f"/cases/{case_id}/decisions/{number}").json())
            audited = sorted(e["detail"]["number"] for e in audit if e["action"] == "decision.create")
            assert audited == numbers  # one audit entry per stored decision, hence per acknowledged one
        # the restarted server takes writes again
        assert client.post("/cases", json=example(unique("CR"))).status_code == 201

    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
