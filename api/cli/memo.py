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

from api import jsonio
from engine import CaseError, evaluate
from engine.memos import MEMO_KINDS, MemoNotApplicableError, OfficeInfo
from engine.validate import case_id_of


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date written YYYY-MM-DD: {text!r}") from None


def _number(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"a document number is a positive whole number: {text!r}")
    return int(text)


def add_parser(subparsers: Any) -> None:
    """Register ``memo``."""
    parser = subparsers.add_parser(
        "memo",
        help="write a Word memo (.docx) for a case",
        description="Decide a case and write one memo: eligibility opinion, expert panel review opinion "
        "(plan or draft), fee sheet or referral letter. A memo the case cannot support yet is an error "
        "(exit 2, no file written).",
    )
    parser.add_argument("case", help="the case JSON file")
    parser.add_argument("--kind", required=True, choices=MEMO_KINDS, help="which memo")
    parser.add_argument("-o", "--output", required=True, type=Path, help="the .docx file to write")
    parser.add_argument(
        "--number", type=_number, default=None, help="document number (7 → 七财评〔2024〕7号); default: blank"
    )
    parser.add_argument("--date", type=_date, default=None, help="document date YYYY-MM-DD; default: today")
    parser.add_argument(
        "--plan", type=Path, default=None, help="the evaluation plan as a Word file: fills the case's plan"
    )
    parser.add_argument(
        "--draft", type=Path, default=None, help="the draft report as a Word file: fills the case's draft"
    )
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


def _summary(exc: CaseError, path: str) -> str:
    lines = [f"kaoping: {path}: case {exc.case_id or '(no case_id)'} cannot be decided:"]
    lines += [f"  {'.'.join(str(p) for p in e['loc']) or '(case)'}: {e['msg']}" for e in exc.errors]
    return "\n".join(lines)


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
    try:
        data = jsonio.loads(Path(args.case).read_bytes())
    except OSError as exc:
        print(f"kaoping: cannot read {args.case}: {exc.strerror}", file=sys.stderr)  # noqa: T201
        return 2
    except (ValueError, RecursionError) as exc:
        error = CaseError([{"loc": [], "msg": f"not valid JSON: {exc}", "type": "json_invalid"}], None)
        sys.stdout.write(jsonio.dumps(error.to_json()) + "\n")
        print(_summary(error, args.case), file=sys.stderr)  # noqa: T201
        return 2
    if (args.plan is not None or args.draft is not None) and isinstance(data, dict):
        decided = _decide_with_files(data, args)
        if decided is None:
            return 2
        return _render(data, decided, args)
    try:
        decision = evaluate(data)
    except CaseError as exc:
        exc.case_id = exc.case_id or case_id_of(data)
        sys.stdout.write(jsonio.dumps(exc.to_json()) + "\n")
        print(_summary(exc, args.case), file=sys.stderr)  # noqa: T201
        return 2
    return _render(data, decision, args)


def _render(data: Any, decision: dict[str, Any], args: argparse.Namespace) -> int:
    """Render the memo and write it; the exit code."""
    # Imported here: the settings (pydantic-settings) and the Word renderer cost ~0.2 s to import, which
    # every other command (a batch above all) would pay when the parser is built.
    from api.settings import get_settings  # noqa: PLC0415
    from engine.memos import render_memo  # noqa: PLC0415

    settings = get_settings()
    office = OfficeInfo(
        name=settings.office_name,
        number_prefix=settings.document_number_prefix,
        district_bureau=settings.district_bureau,
    )
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
        print(f"kaoping: {exc}", file=sys.stderr)  # noqa: T201
        return 2
    try:
        _write_atomically(args.output, memo)
    except OSError as exc:
        print(f"kaoping: cannot write {args.output}: {exc.strerror}", file=sys.stderr)  # noqa: T201
        return 2
    print(f"kaoping: wrote {args.output} ({args.kind})", file=sys.stderr)  # noqa: T201
    return 0
