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
from api.cli.language import lang, text


def add_parser(subparsers: Any) -> None:
    """Register ``read``."""
    parser = subparsers.add_parser(
        "read", help=text("cli.read.help"), description=text("cli.read.description")
    )
    parser.add_argument("file", type=Path, help=text("cli.read.file"))
    parser.add_argument("--node", required=True, choices=("plan", "draft"), help=text("cli.read.node"))
    parser.add_argument("--case", type=Path, default=None, help=text("cli.read.case"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``read``; 0 read (and decided), 2 a file or a case that cannot be."""
    from api.cli import deliverables  # noqa: PLC0415 - the reader loads only when a file is read

    case = None
    if args.case is not None:
        case = deliverables.load_case(args.case)
        if case is None:
            return 2
    reading = deliverables.read_file(args.file, args.node)
    if reading is None:
        return 2
    deliverables.print_summary(reading)
    if case is None:
        sys.stdout.write(jsonio.dumps(reading.to_json(lang())) + "\n")
        return 0
    decision = deliverables.decide(deliverables.fill(case, [reading]), [reading], str(args.case))
    if decision is None:
        return 2
    sys.stdout.write(jsonio.dumps(decision) + "\n")
    return 0
