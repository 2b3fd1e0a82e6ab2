"""``kaoping read``: an agency's Word deliverable (plan or draft report) read into the contract's reading.

``kaoping read FILE --node plan|draft`` prints the reading (JSON) on stdout and a short summary on
stderr. With ``--case CASE.json`` the reading fills that node of the case (fields the file does not
determine are kept from the case), the case is decided and the decision printed, its PLN/RPT trace
entries carrying the places they judged (``locations``). A file that cannot be read or a case that
cannot be decided: exit 2, ``{"case_id": ..., "errors": [...]}`` on stdout, the reason on stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from api import jsonio


def add_parser(subparsers: Any) -> None:
    """Register ``read``."""
    parser = subparsers.add_parser(
        "read",
        help="read a Word plan or draft report into the contract's reading",
        description="Read the agency's evaluation plan (--node plan) or draft report (--node draft): .docx, "
        "or .doc/.wps through LibreOffice. Prints the reading as JSON; a summary goes to stderr. With "
        "--case, fill that node of the case from the file, decide it and print the decision.",
    )
    parser.add_argument("file", type=Path, help="the Word file")
    parser.add_argument("--node", required=True, choices=("plan", "draft"), help="what the file is")
    parser.add_argument(
        "--case", type=Path, default=None, help="a case JSON file to fill from the file and decide"
    )
    parser.add_argument(
        "--lang", choices=("zh", "en"), default="zh", help="language of messages (default zh)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``read``; 0 read (and decided), 2 a file or a case that cannot be."""
    from api.cli import deliverables  # noqa: PLC0415 - the reader loads only when a file is read

    case = None
    if args.case is not None:
        case = deliverables.load_case(args.case, args.lang)
        if case is None:
            return 2
    reading = deliverables.read_file(args.file, args.node, args.lang)
    if reading is None:
        return 2
    deliverables.print_summary(reading, args.lang)
    if case is None:
        sys.stdout.write(jsonio.dumps(reading.to_json(args.lang)) + "\n")
        return 0
    decision = deliverables.decide(deliverables.fill(case, [reading]), [reading], str(args.case), args.lang)
    if decision is None:
        return 2
    sys.stdout.write(jsonio.dumps(decision) + "\n")
    return 0
