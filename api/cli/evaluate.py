"""``kaoping evaluate``: one case file, or JSON Lines on stdin, to decisions on stdout."""

from __future__ import annotations

import argparse
import gc
import io
import multiprocessing
import os
import signal
import stat
import sys
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from api import jsonio
from engine import CaseError, KaopingError, start
from engine.validate import case_id_of

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

CHUNK = 100
"""Lines a worker decides per task: enough to amortise the hand-over, few enough to keep order cheap."""
IN_FLIGHT_PER_JOB = 4
"""Chunks queued per worker process: the parent never holds more than this, so memory stays flat."""
AUTO_PARALLEL_BYTES = 1 << 20
"""``--jobs auto``: a file on standard input at least this big (~300 cases) is decided by one worker per
CPU; anything smaller, and any pipe or terminal, line by line in this process."""


def add_parser(subparsers: Any) -> None:
    """Register ``evaluate``."""
    parser = subparsers.add_parser(
        "evaluate",
        help="decide a case (JSON) or a batch (JSON Lines on stdin)",
        description="Print the decision of a case in the contract's JSON shape. Bad input: exit 2 and "
        'a {"case_id": ..., "errors": [...]} object on stdout.',
    )
    parser.add_argument("case", nargs="?", help="the case JSON file ('-' for stdin)")
    parser.add_argument(
        "--jsonl",
        action="store_true",
        help="read JSON Lines on stdin and write one output line per non-blank input line, in order",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        default=None,
        metavar="N",
        help="with --jsonl: decide in N worker processes (0: one per CPU); output order is kept. Default "
        "auto: one per CPU when standard input is a file of 1 MiB or more, else 1 (a pipe is answered "
        "line by line)",
    )
    parser.set_defaults(func=run)


def _jobs(text: str) -> int | None:
    if text == "auto":
        return None
    try:
        jobs = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number or auto: {text!r}") from None
    if not 0 <= jobs <= 256:
        raise argparse.ArgumentTypeError("must be between 0 and 256")
    return jobs or os.cpu_count() or 1


def _file_bytes_left(source: BinaryIO) -> int | None:
    """The bytes left to read when ``source`` is a regular file; ``None`` for a pipe, a terminal..."""
    try:
        info = os.fstat(source.fileno())
        remaining = info.st_size - source.tell()
    except (OSError, ValueError, io.UnsupportedOperation):
        return None
    return remaining if stat.S_ISREG(info.st_mode) else None


def auto_jobs(source: BinaryIO) -> int:
    """``--jobs auto``: one worker per CPU for a regular file of ``AUTO_PARALLEL_BYTES`` or more, else 1.

    Workers take lines a chunk at a time, so they pay off on a large file; a pipe or a terminal is
    decided line by line, each decision written as soon as it is made (a program feeding cases one
    at a time gets each answer before it sends the next).
    """
    remaining = _file_bytes_left(source)
    if remaining is None or remaining < AUTO_PARALLEL_BYTES:
        return 1
    return os.cpu_count() or 1


def _json_error(msg: str) -> CaseError:
    return CaseError([{"loc": [], "msg": msg, "type": "json_invalid"}], None)


def decide_text(text: str | bytes) -> dict[str, Any]:
    """Parse and decide one case; a :class:`CaseError` for anything that cannot be decided."""
    try:
        data = jsonio.loads(text)
    except (ValueError, RecursionError) as exc:
        raise _json_error(f"not valid JSON: {exc}") from None
    try:
        return start().evaluate(data)
    except CaseError as exc:
        exc.case_id = exc.case_id or case_id_of(data)
        raise


def _summary(exc: CaseError, where: str) -> str:
    lines = [f"kaoping: {where}: case {exc.case_id or '(no case_id)'} cannot be decided:"]
    lines += [f"  {'.'.join(str(p) for p in e['loc']) or '(case)'}: {e['msg']}" for e in exc.errors]
    return "\n".join(lines)


def _run_one(path: str) -> int:
    try:
        text = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        print(f"kaoping: cannot read {path}: {exc.strerror}", file=sys.stderr)  # noqa: T201
        return 2
    try:
        decision = decide_text(text)
    except CaseError as exc:
        sys.stdout.write(jsonio.dumps(exc.to_json()) + "\n")
        print(_summary(exc, path), file=sys.stderr)  # noqa: T201
        return 2
    sys.stdout.write(jsonio.dumps(decision) + "\n")
    return 0


def _progress() -> Any:
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm  # noqa: PLC0415 - only for terminals

    return tqdm(desc="cases", unit="case", file=sys.stderr)


def decide_line(number: int, line: bytes) -> tuple[bytes, str | None]:
    """One JSON Lines line: its output line and, for a case that cannot be decided, the summary."""
    try:
        out = decide_text(line)
    except CaseError as exc:
        return jsonio.encode(exc.to_json()) + b"\n", _summary(exc, f"line {number}")
    return jsonio.encode(out) + b"\n", None


def _worker_init() -> None:
    """Workers leave Ctrl-C to the parent, which stops the pool (no traceback from each worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _decide_chunk(chunk: list[tuple[int, bytes]]) -> list[tuple[bytes, str | None]]:
    return [decide_line(number, line) for number, line in chunk]


def _numbered(source: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    """The non-blank lines with their line numbers (1-based)."""
    return ((n, line) for n, line in enumerate(source, start=1) if line.strip())


def _decided(source: Iterable[bytes], jobs: int) -> Iterator[tuple[bytes, str | None]]:
    """Each non-blank line's result, in input order; with ``jobs > 1`` from worker processes.

    The workers are forked from this process after :func:`engine.start` (the rule sets are compiled
    once and shared copy-on-write; this CLI process runs no threads of its own). At most
    ``IN_FLIGHT_PER_JOB`` chunks per worker are queued, so a batch of any size reads its input as it goes.
    """
    lines = _numbered(source)
    start()
    if jobs == 1:
        for number, line in lines:
            yield decide_line(number, line)
        return
    # The rule sets and modules live as long as the batch: frozen, the collector never touches them,
    # so the forked workers keep sharing those pages (Python docs, gc.freeze) instead of copying them.
    gc.freeze()
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_worker_init)
    pending: deque[Future[list[tuple[bytes, str | None]]]] = deque()
    try:
        while chunk := list(islice(lines, CHUNK)):
            pending.append(pool.submit(_decide_chunk, chunk))
            if len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    except BrokenProcessPool:
        # A worker died (killed, or a crash in native code): stop rather than wait for it forever.
        msg = "a worker process died; the batch stopped (the lines written so far are complete)"
        raise KaopingError(msg) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def run_batch(
    source: Iterable[bytes], sink: BinaryIO, jobs: int = 1, *, flush_each_line: bool = False
) -> int:
    """Decide JSON Lines; a bad line becomes its error object and the batch goes on.

    ``flush_each_line``: write each decision through at once (a pipe's reader waits for it), instead of
    a buffer at a time.
    """
    bar = _progress()
    bad = 0
    for out, summary in _decided(source, jobs):
        sink.write(out)
        if flush_each_line:
            sink.flush()
        if summary is not None:
            bad += 1
            if bar is None:
                print(summary, file=sys.stderr)  # noqa: T201
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    sink.flush()
    return 2 if bad else 0


def run(args: argparse.Namespace) -> int:
    """Run ``evaluate``."""
    if args.jsonl:
        if args.case not in (None, "-"):
            print("kaoping: --jsonl reads standard input; give no file", file=sys.stderr)  # noqa: T201
            return 2
        sys.stdout.flush()
        jobs = auto_jobs(sys.stdin.buffer) if args.jobs is None else args.jobs
        streaming = jobs == 1 and _file_bytes_left(sys.stdin.buffer) is None
        return run_batch(sys.stdin.buffer, sys.stdout.buffer, jobs, flush_each_line=streaming)
    if args.jobs is not None:
        print("kaoping: --jobs works with --jsonl only", file=sys.stderr)  # noqa: T201
        return 2
    if args.case is None:
        print("kaoping: evaluate needs a case file (or --jsonl)", file=sys.stderr)  # noqa: T201
        return 2
    return _run_one(args.case)
