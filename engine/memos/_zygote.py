"""The render zygote: a warm, single-threaded process that forks one child per memo render.

Started by :class:`engine.memos.isolation.Renderer` as ``python -m engine.memos._zygote`` with pipes on
its standard input (jobs) and output (results). It imports the renderer, loads the rulebook and lints
and compiles the shipped templates once, so every child it forks starts warm. Each child closes the
zygote's pipes, sets its limits (``RLIMIT_CPU``, ``RLIMIT_AS``, no core file), runs one job and writes
one result frame to a pipe of its own; the zygote forwards the frame, or says how the child died.

Frames, all lengths unsigned 64-bit big-endian:

* job (parent to zygote): ``id, length, pickle`` of ``("render", context, data, office, date)`` or
  ``("check", stem, data, [(context, office, date), ...])``; the parent is the server itself;
* result (zygote to parent): ``id, status (one byte), length, data``; the parent reads plain bytes, never
  a pickle, so a child that misbehaves cannot make the server run code.

Statuses: ``O`` done (the .docx, or nothing for a check), ``T`` the template is refused or fails (a JSON
list of problems), ``E`` another error (its text), ``M`` memory budget, ``C`` CPU budget, ``W`` wall-clock
limit, ``X`` the child died otherwise, ``L`` the result is larger than the zygote forwards.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pickle
import resource
import selectors
import signal
import struct
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

JOB_HEAD = struct.Struct("!QQ")
RESULT_HEAD = struct.Struct("!QcQ")
STATUS_EXIT_MEMORY = 3
MAX_RESULT_BYTES = 16 * 1024 * 1024
"""The largest result a child may return (a memo is tens of KB): more is refused, never buffered."""
_CHUNK = 1 << 16


@dataclass
class _Child:
    pid: int
    job: int
    fd: int
    deadline: float
    out: bytearray = field(default_factory=bytearray)
    status: bytes | None = None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _limit(cpu_seconds: int, memory_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


def _run(job: tuple[Any, ...]) -> tuple[bytes, bytes]:
    """One job in the child: ``(status, data)``."""
    from engine.memos import lint  # noqa: PLC0415 - loaded by the zygote already; named here for clarity
    from engine.memos.errors import MemoTemplateError, problems_json  # noqa: PLC0415
    from engine.memos.render import render_template  # noqa: PLC0415

    try:
        if job[0] == "render":
            _, context, data, office, date = job
            return b"O", render_template(context, data, office, date)
        _, stem, data, trials = job
        problems = lint.check_template(f"{stem}.docx", stem=stem, data=data)
        if problems:
            return b"T", json.dumps(problems_json(problems), ensure_ascii=False).encode()
        for context, office, date in trials:
            render_template(context, data, office, date)
    except MemoTemplateError as exc:
        return b"T", json.dumps(problems_json(exc.problems), ensure_ascii=False).encode()
    return b"O", b""


def _child(payload: bytes, write_fd: int, cpu_seconds: int, memory_bytes: int) -> None:
    """The forked child: limits, one job, one frame, exit (never returns)."""
    code = 0
    try:
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(null, 1)
        _limit(cpu_seconds, memory_bytes)
        try:
            status, data = _run(pickle.loads(payload))  # noqa: S301 - written by the server that started us
        except MemoryError:
            code = STATUS_EXIT_MEMORY
            status, data = b"M", b""
        except Exception as exc:  # noqa: BLE001 - every failure becomes a result, never a traceback
            status, data = b"E", f"{type(exc).__name__}: {exc}".encode(errors="replace")
        _write_all(write_fd, status + data)
    except MemoryError:
        code = STATUS_EXIT_MEMORY
    finally:
        os._exit(code)


class Zygote:
    """The zygote's loop: read jobs, fork children, forward their results, enforce the wall clock."""

    def __init__(self, cpu_seconds: int, memory_bytes: int, wall_seconds: float) -> None:
        self.cpu_seconds = cpu_seconds
        self.memory_bytes = memory_bytes
        self.wall_seconds = wall_seconds
        self.selector = selectors.DefaultSelector()
        self.children: dict[int, _Child] = {}
        self.jobs = bytearray()

    def serve(self) -> None:
        """Run until the parent closes our standard input (or dies)."""
        self.selector.register(0, selectors.EVENT_READ, None)
        while True:
            deadlines = [c.deadline for c in self.children.values()]
            timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            for key, _ in self.selector.select(timeout):
                if key.data is None:
                    chunk = os.read(0, _CHUNK)
                    if not chunk:
                        self.stop()
                        return
                    self.jobs += chunk
                    self.start_jobs()
                else:
                    self.read_child(key.data)
            self.kill_late()

    def start_jobs(self) -> None:
        while len(self.jobs) >= JOB_HEAD.size:
            job, length = JOB_HEAD.unpack_from(self.jobs)
            end = JOB_HEAD.size + length
            if len(self.jobs) < end:
                return
            payload = bytes(self.jobs[JOB_HEAD.size : end])
            del self.jobs[:end]
            self.fork(job, payload)

    def fork(self, job: int, payload: bytes) -> None:
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child
            os.close(read_fd)
            _child(payload, write_fd, self.cpu_seconds, self.memory_bytes)
        os.close(write_fd)
        child = _Child(pid=pid, job=job, fd=read_fd, deadline=time.monotonic() + self.wall_seconds)
        self.children[read_fd] = child
        self.selector.register(read_fd, selectors.EVENT_READ, child)

    def read_child(self, child: _Child) -> None:
        chunk = os.read(child.fd, _CHUNK)
        if chunk:
            child.out += chunk
            if len(child.out) > MAX_RESULT_BYTES + 1:
                self.kill(child, b"L")
            return
        self.finish(child)

    def kill(self, child: _Child, status: bytes) -> None:
        child.status = status
        with contextlib.suppress(ProcessLookupError):
            os.kill(child.pid, signal.SIGKILL)
        self.finish(child)

    def kill_late(self) -> None:
        now = time.monotonic()
        for child in [c for c in self.children.values() if c.deadline <= now]:
            self.kill(child, b"W")

    def finish(self, child: _Child) -> None:
        self.selector.unregister(child.fd)
        os.close(child.fd)
        del self.children[child.fd]
        _, wait_status, usage = os.wait4(child.pid, 0)
        status, data = self.outcome(child, wait_status, usage)
        _write_all(1, RESULT_HEAD.pack(child.job, status, len(data)) + data)

    def outcome(self, child: _Child, wait_status: int, usage: Any) -> tuple[bytes, bytes]:
        if child.status is not None:
            return child.status, b""
        if os.WIFEXITED(wait_status) and os.WEXITSTATUS(wait_status) == 0 and child.out:
            return bytes(child.out[:1]), bytes(child.out[1:])
        if os.WIFEXITED(wait_status) and os.WEXITSTATUS(wait_status) == STATUS_EXIT_MEMORY:
            return b"M", b""
        if os.WIFSIGNALED(wait_status):
            # SIGXCPU at the soft limit (the kernel's count may run ahead of getrusage's), SIGKILL at
            # the hard one.
            signal_number = os.WTERMSIG(wait_status)
            used = usage.ru_utime + usage.ru_stime
            if signal_number == signal.SIGXCPU or (
                signal_number == signal.SIGKILL and used >= self.cpu_seconds
            ):
                return b"C", b""
        return b"X", b""

    def stop(self) -> None:
        for child in list(self.children.values()):
            child.status = b"X"
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.pid, signal.SIGKILL)
            os.waitpid(child.pid, 0)


def warm() -> None:
    """Load what every render needs, so that each child starts with it: modules, rulebook, templates."""
    from engine.memos import render  # noqa: PLC0415
    from engine.memos.fields import TEMPLATE_FIELDS  # noqa: PLC0415
    from engine.memos.sandbox import DocxTemplate, _compiled, literal_braces  # noqa: PLC0415
    from rules import load_rulebook  # noqa: PLC0415

    load_rulebook()
    for stem in TEMPLATE_FIELDS:
        path = render.DEFAULT_TEMPLATE_DIR / f"{stem}.docx"
        data = render._load(path, stem)  # noqa: SLF001 - the renderer's own cache, filled here
        template = DocxTemplate(path)
        template.init_docx()
        source = template.patch_xml(template.get_xml())
        _compiled(literal_braces(source).replace("<w:p>", "\n<w:p>").replace("<w:p ", "\n<w:p "), None)
        del data


def main(argv: list[str] | None = None) -> int:
    """``python -m engine.memos._zygote --rules-dir DIR --cpu S --memory BYTES --wall S``."""
    parser = argparse.ArgumentParser(prog="kaoping-render-zygote")
    parser.add_argument("--rules-dir", type=Path, required=True)
    parser.add_argument("--cpu", type=int, required=True)
    parser.add_argument("--memory", type=int, required=True)
    parser.add_argument("--wall", type=float, required=True)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server decides when we stop: it closes our input
    from rules import use_rules_dir  # noqa: PLC0415

    use_rules_dir(args.rules_dir)
    warm()
    _write_all(1, b"R")  # ready
    Zygote(args.cpu, args.memory, args.wall).serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
