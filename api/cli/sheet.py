"""Excel score sheets: ``kaoping sheet template CASE_ID -o FILE``, ``kaoping sheet import CASE_ID FILE``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.cli._office import error_summary, show, show_json, store_session, write_file
from api.cli.language import lang, os_reason, say, say_text, text

if TYPE_CHECKING:
    import argparse


def add_parser(subparsers: Any) -> None:
    """Register ``sheet``."""
    import argparse  # noqa: PLC0415

    parser = subparsers.add_parser(
        "sheet",
        help=text("cli.sheet.help"),
        description=text("cli.sheet.description"),
        epilog=text("cli.sheet.epilog"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("action", choices=("template", "import"), help=text("cli.sheet.action"))
    parser.add_argument("case_id", metavar="CASE_ID", help=text("cli.case_id"))
    parser.add_argument("file", nargs="?", type=Path, help=text("cli.sheet.file"))
    parser.add_argument("-o", "--output", type=Path, help=text("cli.sheet.output"))
    parser.add_argument("--json", action="store_true", help=text("cli.sheet.json"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``sheet``."""
    if args.action == "template":
        if args.output is None or args.file is not None:
            say("cli.sheet.usage_template")
            return 2
        return _template(args)
    if args.file is None or args.output is not None:
        say("cli.sheet.usage_import")
        return 2
    return _import(args)


def _template(args: argparse.Namespace) -> int:
    from api.errors import ApiError  # noqa: PLC0415 - keep `kaoping --help` fast
    from api.store.access import CLI  # noqa: PLC0415
    from api.store.sheets import template  # noqa: PLC0415
    from engine.errors import CaseError  # noqa: PLC0415

    try:
        with store_session() as session:
            data = template(session=session, case_id=args.case_id, principal=CLI, lang=lang())
    except ApiError as exc:
        say_text(exc.text(lang()))
        return 2
    except CaseError as exc:
        for line in error_summary(exc.errors):
            say_text(line)
        return 2
    try:
        write_file(args.output, data)
    except OSError as exc:
        say("cli.cannot_write", path=args.output, reason=os_reason(exc))
        return 2
    say("sheet.written", path=args.output)
    return 0


def _import(args: argparse.Namespace) -> int:
    from api.errors import ApiError  # noqa: PLC0415 - keep `kaoping --help` fast
    from api.store.access import CLI  # noqa: PLC0415
    from api.store.sheets import import_sheet  # noqa: PLC0415
    from engine.errors import CaseError  # noqa: PLC0415
    from engine.office_file import OfficeFileError  # noqa: PLC0415
    from engine.sheets import SheetError  # noqa: PLC0415

    try:
        data = args.file.read_bytes()
    except OSError as exc:
        say("cli.cannot_read", path=args.file, reason=os_reason(exc))
        return 2
    try:
        with store_session() as session:
            result = import_sheet(session=session, case_id=args.case_id, data=data, actor=CLI)
    except OfficeFileError as exc:
        say("cli.file_refused", path=args.file, reason=exc.text(lang()))
        return 2
    except SheetError as exc:
        for line in exc.lines(lang()):
            print(line, file=sys.stderr)  # noqa: T201 - each bad cell on its own line
        return 2
    except CaseError as exc:
        for line in error_summary(exc.errors):
            say_text(line)
        return 2
    except ApiError as exc:
        say_text(exc.text(lang()))
        return 2
    key = "sheet.imported" if result.changed else "sheet.nothing"
    summary = text(
        key,
        case_id=args.case_id,
        changed=len(result.changed),
        same=result.same,
        version=result.case.version,
    )
    if args.json:
        show_json(
            {
                "changed": result.changed,
                "same": result.same,
                "version": result.case.version,
                "summary": summary,
            }
        )
    else:
        none = text("whatif.none")
        cells = [text("sheet.changed_cell", **{**c, "before": c["before"] or none}) for c in result.changed]
        show([summary, *cells])
    return 0
