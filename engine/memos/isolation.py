"""Memo templates run in child processes under a budget: CPU time, address space and the wall clock.

A template the office uploads is code of a kind (Jinja loops and filters over docxtpl): linted, it can
still be made slow or large. So the server never renders one in its own process. A :class:`Renderer`
keeps one warm helper process, the zygote (:mod:`engine.memos._zygote`), which forks a child per job;
the child runs under ``RLIMIT_CPU`` and ``RLIMIT_AS`` (:class:`Budget`, 2 s and 256 MB by default) and
the zygote kills it at the wall-clock limit. A job over budget, or whose child dies, is a
:class:`RenderBudgetError`; a template that is refused or fails is a :class:`MemoTemplateError` as
in-process rendering raises it. The server's own memory and its worker threads are never at stake.

The zygote is started on first use (or by :meth:`Renderer.start`), starts again if it dies, and exits
when the server closes its input -- which the kernel does when the server process ends, however it ends.
Every renderer with the same budget and rules in one process is the same one (:func:`renderer`).
"""

from __future__ import annotations

import contextlib
import json
import pickle
import subprocess
import sys
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.memos._zygote import JOB_HEAD, RESULT_HEAD
from engine.memos.errors import MemoError, MemoTemplateError, problems_from_json
from rules.messages import message

if TYPE_CHECKING:
    import datetime as dt
    from typing import IO

    from engine.memos.context import MemoContext, OfficeInfo

__all__ = ["Budget", "RenderBudgetError", "Renderer", "renderer"]

MiB = 1024 * 1024
_START_SECONDS = 60.0
"""How long the zygote may take to start (imports, the rulebook, the shipped templates)."""


@dataclass(frozen=True)
class Budget:
    """What one render (or one template check) may use."""

    cpu_seconds: int = 2
    memory_bytes: int = 256 * MiB

    @property
    def wall_seconds(self) -> float:
        """The wall-clock limit: five times the CPU time, at least 10 s (a busy machine is slow)."""
        return max(10.0, 5.0 * self.cpu_seconds)


_REASONS = {b"C": "cpu", b"M": "memory", b"W": "time", b"L": "memory", b"X": "crashed"}


class RenderBudgetError(MemoError):
    """A render went over its budget (``reason``: cpu, memory, time) or its process died (crashed)."""

    def __init__(self, reason: str, budget: Budget) -> None:
        self.reason = reason
        self.budget = budget
        super().__init__(self.text("en"))

    @property
    def values(self) -> dict[str, Any]:
        """The blanks of the message."""
        return {
            "seconds": self.budget.cpu_seconds,
            "memory": f"{self.budget.memory_bytes // MiB} MB",
            "wall": f"{self.budget.wall_seconds:g}",
        }

    @property
    def key(self) -> str:
        """The message id (``rules/messages.yaml``)."""
        return f"template.render_{self.reason}"

    def text(self, lang: str = "zh") -> str:
        """The error in a language."""
        return message(self.key, "en" if lang == "en" else "zh", **self.values)


class _Process:
    """One running zygote and the jobs waiting for its answers."""

    def __init__(self, budget: Budget, rules_dir: Path) -> None:
        command = [
            sys.executable,
            "-m",
            "engine.memos._zygote",
            "--rules-dir",
            str(rules_dir),
            "--cpu",
            str(budget.cpu_seconds),
            "--memory",
            str(budget.memory_bytes),
            "--wall",
            str(budget.wall_seconds),
        ]
        self.popen = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # noqa: S603
        self.pending: dict[int, Future[tuple[bytes, bytes]]] = {}
        self.lock = threading.Lock()
        self.alive = True
        self.ready: Future[None] = Future()
        self.reader = threading.Thread(target=self._read, name="kaoping-render-results", daemon=True)
        self.reader.start()

    def _read(self) -> None:
        stream = self.popen.stdout
        assert stream is not None  # noqa: S101 - opened with stdout=PIPE
        try:
            if stream.read(1) != b"R":
                return  # it died starting: the finally below fails what waits
            self.ready.set_result(None)
            while head := _read_exactly(stream, RESULT_HEAD.size):
                job, status, length = RESULT_HEAD.unpack(head)
                data = _read_exactly(stream, length)
                if len(data) != length:
                    break
                with self.lock:
                    future = self.pending.pop(job, None)
                if future is not None:
                    future.set_result((status, data))
        except (OSError, EOFError, ValueError):
            pass
        finally:
            self._fail_all()

    def _fail_all(self) -> None:
        with self.lock:
            self.alive = False
            pending, self.pending = self.pending, {}
        if not self.ready.done():
            self.ready.set_result(None)
        for future in pending.values():
            future.set_result((b"X", b""))

    def submit(self, job: int, payload: bytes) -> Future[tuple[bytes, bytes]]:
        future: Future[tuple[bytes, bytes]] = Future()
        with self.lock:
            if not self.alive:
                future.set_result((b"X", b""))
                return future
            self.pending[job] = future
            stdin = self.popen.stdin
            try:
                assert stdin is not None  # noqa: S101 - opened with stdin=PIPE
                stdin.write(JOB_HEAD.pack(job, len(payload)) + payload)
                stdin.flush()
            except (OSError, ValueError):
                self.pending.pop(job, None)
                future.set_result((b"X", b""))
        return future

    def stop(self) -> None:
        with self.lock:
            self.alive = False
        if self.popen.stdin is not None:
            with contextlib.suppress(OSError):
                self.popen.stdin.close()
        try:
            self.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()
        if self.popen.stdout is not None:
            self.popen.stdout.close()


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            break
        data += chunk
    return data


class Renderer:
    """Renders memos and checks templates in child processes under a :class:`Budget` (thread-safe)."""

    def __init__(self, budget: Budget, rules_dir: Path) -> None:
        self.budget = budget
        self.rules_dir = Path(rules_dir)
        self._lock = threading.Lock()
        self._process: _Process | None = None
        self._next = 0

    def start(self, *, wait: bool = True) -> None:
        """Start the zygote now (else the first job starts it); ``wait``: until it is ready."""
        process = self._live()
        if wait:
            process.ready.result(timeout=_START_SECONDS)

    def _live(self) -> _Process:
        with self._lock:
            if self._process is None or not self._process.alive:
                if self._process is not None:
                    self._process.stop()
                self._process = _Process(self.budget, self.rules_dir)
            return self._process

    def _run(self, job: tuple[Any, ...]) -> bytes:
        payload = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        process = self._live()
        with self._lock:
            self._next += 1
            number = self._next
        future = process.submit(number, payload)
        try:
            status, data = future.result(timeout=self.budget.wall_seconds + _START_SECONDS)
        except FutureTimeout:  # the zygote itself hangs: replace it
            process.stop()
            raise RenderBudgetError("time", self.budget) from None
        if status == b"O":
            return data
        if status == b"T":
            raise MemoTemplateError(_template_name(job), problems_from_json(json.loads(data)))
        if status == b"E":
            raise MemoTemplateError(_template_name(job), [data.decode(errors="replace")])
        raise RenderBudgetError(_REASONS.get(status, "crashed"), self.budget)

    def render(self, context: MemoContext, data: bytes | None, office: OfficeInfo, date: dt.date) -> bytes:
        """The .docx of a built context with template bytes (``None``: the shipped template).

        Raises:
            MemoTemplateError: the template is refused or fails to render.
            RenderBudgetError: the render went over the budget, or its process died.
        """
        return self._run(("render", context, data, office, date))

    def check(self, stem: str, data: bytes, trials: list[tuple[MemoContext, OfficeInfo, dt.date]]) -> None:
        """Lint a template, then render each trial context with it, all in one child.

        Raises:
            MemoTemplateError: every problem lint finds, or the first render that fails.
            RenderBudgetError: over the budget.
        """
        self._run(("check", stem, data, trials))

    def close(self) -> None:
        """Stop the zygote (a later job starts it again)."""
        with self._lock:
            process, self._process = self._process, None
        if process is not None:
            process.stop()


def _template_name(job: tuple[Any, ...]) -> str:
    if job[0] == "render":
        return f"{job[1].template}.docx"
    return f"{job[1]}.docx"


_RENDERERS: dict[tuple[Budget, Path], Renderer] = {}
_RENDERERS_LOCK = threading.Lock()


def renderer(budget: Budget, rules_dir: Path) -> Renderer:
    """The process's renderer for a budget and a rules directory (one zygote each)."""
    key = (budget, Path(rules_dir).resolve())
    with _RENDERERS_LOCK:
        found = _RENDERERS.get(key)
        if found is None:
            found = _RENDERERS[key] = Renderer(budget, key[1])
        return found
