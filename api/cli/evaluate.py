"""``kaoping evaluate``: one case file, or JSON Lines on stdin, to decisions on stdout."""

from __future__ import annotations

import argparse
import gc
import io
import os
import signal
import stat
import sys
from collections import deque
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from api import jsonio
from api.cli.language import lang, os_reason, say, text
from engine import CaseError, KaopingError, start
from engine.money import prepare_capitals
from engine.problems import localise
from engine.validate import case_id_of

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from concurrent.futures import Future

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
        "evaluate", help=text("cli.evaluate.help"), description=text("cli.evaluate.description")
    )
    parser.add_argument("case", nargs="?", help=text("cli.evaluate.case"))
    parser.add_argument("--jsonl", action="store_true", help=text("cli.evaluate.jsonl"))
    parser.add_argument("--jobs", "-j", type=_jobs, default=None, metavar="N", help=text("cli.evaluate.jobs"))
    parser.set_defaults(func=run)


def _jobs(value: str) -> int | None:
    if value == "auto":
        return None
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(text("cli.evaluate.jobs_invalid", value=repr(value))) from None
    if not 0 <= jobs <= 256:
        raise argparse.ArgumentTypeError(text("cli.evaluate.jobs_range"))
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


_UTF8_BOM = b"\xef\xbb\xbf"


def read_json(data: bytes) -> tuple[Any, str | None]:
    """Parse a case file or line: UTF-8 (a byte-order mark allowed) or, failing that, GB18030.

    Returns the value and the encoding to mention when it is not plain UTF-8 (``None`` when it is).

    Raises:
        CaseError: not JSON in either encoding, or a key repeated (the contract's errors).
    """
    try:
        return jsonio.loads(data), (text("cli.encoding.bom") if data.startswith(_UTF8_BOM) else None)
    except jsonio.JsonError as exc:
        if exc.reason != "encoding":
            raise CaseError(exc.errors(), None) from None
        first = exc
    try:
        decoded = data.decode("gb18030")
    except UnicodeDecodeError:
        raise CaseError(first.errors(), None) from None
    try:
        return jsonio.loads(decoded), "GB18030"
    except jsonio.JsonError as exc:
        raise CaseError(exc.errors(), None) from None


def decide_text(data: bytes) -> tuple[dict[str, Any], str | None]:
    """Parse and decide one case, with the encoding to mention; :class:`CaseError` when it cannot be."""
    value, encoding = read_json(data)
    try:
        return start().evaluate(value), encoding
    except CaseError as exc:
        exc.case_id = exc.case_id or case_id_of(value)
        raise


def errors_json(exc: CaseError) -> str:
    """The error object of a case, worded in the run's language."""
    errors = exc.errors if lang() == "zh" else localise(exc.errors, lang())
    return jsonio.dumps({"case_id": exc.case_id, "errors": errors})


def summary(exc: CaseError, where: str) -> str:
    """The readable summary on stderr: which case, then one line per bad field."""
    case_id = exc.case_id or text("cli.no_case_id")
    errors = exc.errors if lang() == "zh" else localise(exc.errors, lang())
    lines = [f"kaoping: {text('cli.undecided', where=where, case_id=case_id)}"]
    lines += [f"  {e['msg']}" for e in errors]
    return "\n".join(lines)


def _run_one(path: str) -> int:
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        say("cli.cannot_read", path=path, reason=os_reason(exc))
        return 2
    try:
        decision, encoding = decide_text(data)
    except CaseError as exc:
        sys.stdout.write(errors_json(exc) + "\n")
        print(summary(exc, path), file=sys.stderr)  # noqa: T201
        return 2
    if encoding:
        say("cli.encoding", where=text("cli.stdin") if path == "-" else path, encoding=encoding)
    sys.stdout.write(jsonio.dumps(decision) + "\n")
    return 0


def _progress() -> Any:
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm  # noqa: PLC0415 - only for terminals

    return tqdm(desc="cases", unit="case", file=sys.stderr)


Result = tuple[bytes, str | None, str | None]
"""A line's output line, the summary of a case that cannot be decided, and an encoding to mention."""


def decide_line(number: int, line: bytes) -> Result:
    """One JSON Lines line: its output line, the summary when it cannot be decided, its encoding note."""
    try:
        out, encoding = decide_text(line)
    except CaseError as exc:
        return errors_json(exc).encode() + b"\n", summary(exc, text("cli.line", number=number)), None
    note = (
        text("cli.encoding", where=text("cli.line", number=number), encoding=encoding) if encoding else None
    )
    return jsonio.encode_line(out), None, note


def _worker_init() -> None:
    """Workers leave Ctrl-C to the parent, which stops the pool (no traceback from each worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _decide_chunk(chunk: list[tuple[int, bytes]]) -> list[Result]:
    return [decide_line(number, line) for number, line in chunk]


def _numbered(source: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    """The non-blank lines with their line numbers (1-based)."""
    return ((n, line) for n, line in enumerate(source, start=1) if line.strip())


def _decided(source: Iterable[bytes], jobs: int) -> Iterator[Result]:
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
    # Imported here: a batch in one process (the common case, and any pipe) never needs them.
    import multiprocessing  # noqa: PLC0415
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415
    from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415

    prepare_capitals()  # imported once here, shared by the forked workers
    # The rule sets and modules live as long as the batch: frozen, the collector never touches them,
    # so the forked workers keep sharing those pages (Python docs, gc.freeze) instead of copying them.
    gc.freeze()
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_worker_init)
    pending: deque[Future[list[Result]]] = deque()
    try:
        while chunk := list(islice(lines, CHUNK)):
            pending.append(pool.submit(_decide_chunk, chunk))
            if len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    except BrokenProcessPool:
        # A worker died (killed, or a crash in native code): stop rather than wait for it forever.
        raise KaopingError(text("cli.worker_died")) from None
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
    noted = False
    for out, problem, note in _decided(source, jobs):
        sink.write(out)
        if flush_each_line:
            sink.flush()
        if note is not None and not noted:  # the file's encoding: said once
            print(f"kaoping: {note}", file=sys.stderr)  # noqa: T201
            noted = True
        if problem is not None:
            bad += 1
            if bar is None:
                print(problem, file=sys.stderr)  # noqa: T201
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
            say("cli.evaluate.jsonl_no_file")
            return 2
        sys.stdout.flush()
        jobs = auto_jobs(sys.stdin.buffer) if args.jobs is None else args.jobs
        streaming = jobs == 1 and _file_bytes_left(sys.stdin.buffer) is None
        return run_batch(sys.stdin.buffer, sys.stdout.buffer, jobs, flush_each_line=streaming)
    if args.jobs is not None:
        say("cli.evaluate.jobs_jsonl_only")
        return 2
    if args.case is None:
        say("cli.evaluate.needs_case")
        return 2
    return _run_one(args.case)
