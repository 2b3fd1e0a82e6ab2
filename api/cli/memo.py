"""``kaoping memo``: decide a case and write one Word memo.

``kaoping memo CASE.json --kind eligibility|review-plan|review-draft|fee|referral -o OUT.docx
[--number 7] [--date 2024-07-01] [--plan PLAN.docx] [--draft DRAFT.docx]``. With ``--plan`` or
``--draft`` the case's node is filled from the agency's Word file first (``kaoping read``), and the review
memos cite where each failed check's finding is in it. Bad input: exit 2 with
``{"case_id": ..., "errors": [...]}`` on stdout (contract "Errors"). A memo the case cannot support yet:
exit 2, a message on stderr, and no file written (the memo goes to a temporary file renamed into place
only on success).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from api.cli.evaluate import errors_json, read_json, summary
from api.cli.language import lang, message_join, os_reason, say, text
from engine import CaseError, evaluate
from engine.memos import MEMO_KINDS, MemoNotApplicableError
from engine.normalise import normal_form
from engine.validate import case_id_of
from rules.messages import Term


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(normal_form("date", value))
    except ValueError:
        raise argparse.ArgumentTypeError(text("cli.memo.bad_date", value=repr(value))) from None


def _number(value: str) -> int:
    written = normal_form("number", value)
    if not written.isascii() or not written.isdigit() or int(written) < 1:
        raise argparse.ArgumentTypeError(text("cli.memo.bad_number", value=repr(value)))
    return int(written)


def add_parser(subparsers: Any) -> None:
    """Register ``memo``."""
    parser = subparsers.add_parser(
        "memo", help=text("cli.memo.help"), description=text("cli.memo.description")
    )
    parser.add_argument("case", help=text("cli.memo.case"))
    kinds = message_join([f"{Term('memo_kind', k).text(lang())}（{k}）" for k in MEMO_KINDS])
    parser.add_argument("--kind", required=True, choices=MEMO_KINDS, help=text("cli.memo.kind", kinds=kinds))
    parser.add_argument("-o", "--output", required=True, type=Path, help=text("cli.memo.output"))
    parser.add_argument("--number", type=_number, default=None, help=text("cli.memo.number"))
    parser.add_argument("--date", type=_date, default=None, help=text("cli.memo.date"))
    parser.add_argument("--plan", type=Path, default=None, help=text("cli.memo.plan"))
    parser.add_argument("--draft", type=Path, default=None, help=text("cli.memo.draft"))
    parser.set_defaults(func=run)


def _decide_with_files(data: dict[str, Any], args: argparse.Namespace) -> dict[str, Any] | None:
    """The decision of the case filled from its Word files; None when a file or the case is bad input."""
    from api.cli import deliverables  # noqa: PLC0415 - the reader loads only when a file is given

    readings = []
    for node in ("plan", "draft"):
        path = getattr(args, node)
        if path is None:
            continue
        reading = deliverables.read_file(path, node)
        if reading is None:
            return None
        deliverables.print_summary(reading)
        readings.append(reading)
    filled = deliverables.fill(data, readings)
    data.clear()
    data.update(filled)
    return deliverables.decide(data, readings, args.case)


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place."""
    directory = path.resolve().parent
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        # mkstemp creates the file 0600; give the memo the mode any new file would get.
        umask = os.umask(0)
        os.umask(umask)
        Path(temp).chmod(0o666 & ~umask)
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def run(args: argparse.Namespace) -> int:
    """Run ``memo``; returns the exit code (0 written, 2 bad input or memo not applicable)."""
    data: Any = None
    try:
        data, encoding = read_json(Path(args.case).read_bytes())
        if encoding:
            say("cli.encoding", where=args.case, encoding=encoding)
        if (args.plan is not None or args.draft is not None) and isinstance(data, dict):
            decided = _decide_with_files(data, args)
            return 2 if decided is None else _render(data, decided, args)
        decision = evaluate(data)
    except OSError as exc:
        say("cli.cannot_read", path=args.case, reason=os_reason(exc))
        return 2
    except CaseError as exc:
        exc.case_id = exc.case_id or case_id_of(data)
        sys.stdout.write(errors_json(exc) + "\n")
        print(summary(exc, args.case), file=sys.stderr)  # noqa: T201
        return 2
    return _render(data, decision, args)


def _render(data: Any, decision: dict[str, Any], args: argparse.Namespace) -> int:
    """Render the memo and write it; the exit code."""
    # Imported here: the settings (pydantic-settings) and the Word renderer cost ~0.2 s to import, which
    # every other command (a batch above all) would pay when the parser is built.
    from api.settings import get_settings  # noqa: PLC0415
    from engine.memos import render_memo  # noqa: PLC0415

    settings = get_settings()
    office = settings.office
    try:
        memo = render_memo(
            data,
            decision,
            args.kind,
            office=office,
            document_number=args.number,
            document_date=args.date or dt.datetime.now().astimezone().date(),
        )
    except MemoNotApplicableError as exc:
        print(f"kaoping: {exc.text(lang())}", file=sys.stderr)  # noqa: T201
        return 2
    try:
        _write_atomically(args.output, memo)
    except OSError as exc:
        say("cli.cannot_write", path=args.output, reason=os_reason(exc))
        return 2
    say("cli.memo.wrote", path=args.output, kind=Term("memo_kind", args.kind))
    return 0
