"""``kaoping what-if CASE.json --set PATH=VALUE ...``: a case's decision against a changed case's."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api import jsonio
from api.cli._office import error_summary, show, show_json
from api.cli.language import lang, os_reason, say, say_text, text

if TYPE_CHECKING:
    import argparse


def add_parser(subparsers: Any) -> None:
    """Register ``what-if``."""
    import argparse  # noqa: PLC0415

    parser = subparsers.add_parser(
        "what-if",
        help=text("cli.whatif.help"),
        description=text("cli.whatif.description"),
        epilog=text("cli.whatif.epilog"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("case", help=text("cli.whatif.case"))
    parser.add_argument(
        "--set",
        dest="changes",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help=text("cli.whatif.set"),
    )
    parser.add_argument("--json", action="store_true", help=text("cli.json"))
    parser.set_defaults(func=run)


def _value(text: str) -> Any:
    try:
        return jsonio.loads(text)
    except (ValueError, RecursionError):
        return text


def parse_changes(items: list[str]) -> dict[str, Any] | str:
    """``PATH=VALUE`` items as a mapping, or the first item that is not one."""
    changes: dict[str, Any] = {}
    for item in items:
        path, equals, value = item.partition("=")
        if not equals or not path.strip():
            return item
        changes[path.strip()] = _value(value)
    return changes


def run(args: argparse.Namespace) -> int:
    """Run ``what-if``."""
    from api.cli.evaluate import errors_json, read_json  # noqa: PLC0415
    from api.reports import whatif_lines  # noqa: PLC0415
    from engine import CaseError, start  # noqa: PLC0415 - keep `kaoping --help` fast
    from engine.validate import case_id_of  # noqa: PLC0415
    from engine.whatif import what_if  # noqa: PLC0415

    changes = parse_changes(args.changes)
    if isinstance(changes, str):
        say("cli.whatif.bad_set", item=repr(changes))
        return 2
    try:
        raw = sys.stdin.buffer.read() if args.case == "-" else Path(args.case).read_bytes()
    except OSError as exc:
        say("cli.cannot_read", path=args.case, reason=os_reason(exc))
        return 2
    data: Any = None
    try:
        data, encoding = read_json(raw)
        if encoding:
            say("cli.encoding", where=args.case, encoding=encoding)
        result = what_if(start(), data, changes)
    except CaseError as exc:
        exc.case_id = exc.case_id or case_id_of(data)
        sys.stdout.write(errors_json(exc) + "\n")
        for line in error_summary(exc.errors):
            say_text(line)
        return 2
    if args.json:
        show_json(result)
    else:
        show(whatif_lines(result, lang()))
    return 0
