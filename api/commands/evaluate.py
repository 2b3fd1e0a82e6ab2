"""``kaoping evaluate``: one case file, or JSON Lines on stdin, to decisions on stdout."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from api import jsonio
from engine import CaseError, start
from engine.validate import case_id_of


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
    parser.set_defaults(func=run)


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


def run_batch(source: TextIO, sink: TextIO) -> int:
    """Decide JSON Lines; a bad line becomes its error object and the batch goes on."""
    bar = _progress()
    bad = 0
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        try:
            out = decide_text(line)
        except CaseError as exc:
            bad += 1
            out = exc.to_json()
            if bar is None:
                print(_summary(exc, f"line {number}"), file=sys.stderr)  # noqa: T201
        sink.write(jsonio.dumps(out) + "\n")
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
        return run_batch(sys.stdin, sys.stdout)
    if args.case is None:
        print("kaoping: evaluate needs a case file (or --jsonl)", file=sys.stderr)  # noqa: T201
        return 2
    return _run_one(args.case)
