"""Excel score sheets: ``kaoping sheet template CASE_ID -o FILE``, ``kaoping sheet import CASE_ID FILE``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.cli._office import cli_lang, error_summary, say, show, show_json, store_session, write_file
from rules.messages import message

if TYPE_CHECKING:
    import argparse

_EPILOG = """\
template writes the case's score sheet: a sheet per scoring party (the panel's with a row per member),
both nodes as columns, the case's facts on top; only the score cells can be edited (0-100, at most one
decimal). import reads it back and writes every changed score in one transaction, checked as the API's
score writes are; an empty cell leaves its score as it is. When any cell is wrong, or the sheet is of
another case or has been reshaped, nothing is written and every problem is listed (exit 2).
"""


def add_parser(subparsers: Any) -> None:
    """Register ``sheet``."""
    import argparse  # noqa: PLC0415

    parser = subparsers.add_parser(
        "sheet",
        help="Excel score sheets of a stored case: `sheet template`, `sheet import`",
        description="Write a stored case's Excel score sheet, or import a filled one.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("action", choices=("template", "import"))
    parser.add_argument("case_id", metavar="CASE_ID")
    parser.add_argument("file", nargs="?", type=Path, help="import: the filled .xlsx")
    parser.add_argument("-o", "--output", type=Path, help="template: the .xlsx to write")
    parser.add_argument("--json", action="store_true", help="import: print the result as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``sheet``."""
    if args.action == "template":
        if args.output is None or args.file is not None:
            say("sheet template CASE_ID -o FILE.xlsx")
            return 2
        return _template(args)
    if args.file is None or args.output is not None:
        say("sheet import CASE_ID FILE.xlsx")
        return 2
    return _import(args)


def _template(args: argparse.Namespace) -> int:
    from api.errors import ApiError  # noqa: PLC0415 - keep `kaoping --help` fast
    from api.store.access import CLI  # noqa: PLC0415
    from api.store.sheets import template  # noqa: PLC0415
    from engine.errors import CaseError  # noqa: PLC0415

    lang = cli_lang(args)
    try:
        with store_session() as session:
            data = template(session=session, case_id=args.case_id, principal=CLI, lang=lang)
    except ApiError as exc:
        say(exc.detail)
        return 2
    except CaseError as exc:
        for line in error_summary(exc.errors):
            say(line)
        return 2
    try:
        write_file(args.output, data)
    except OSError as exc:
        say(f"{args.output}: {exc.strerror}")
        return 2
    say(message("sheet.written", lang, path=args.output))
    return 0


def _import(args: argparse.Namespace) -> int:
    from api.errors import ApiError  # noqa: PLC0415 - keep `kaoping --help` fast
    from api.store.access import CLI  # noqa: PLC0415
    from api.store.sheets import import_sheet  # noqa: PLC0415
    from engine.errors import CaseError  # noqa: PLC0415
    from engine.office_file import OfficeFileError  # noqa: PLC0415
    from engine.sheets import SheetError  # noqa: PLC0415

    lang = cli_lang(args)
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        say(f"{args.file}: {exc.strerror}")
        return 2
    try:
        with store_session() as session:
            result = import_sheet(session=session, case_id=args.case_id, data=data, actor=CLI)
    except OfficeFileError as exc:
        say(f"{args.file}: {exc.text(lang)}")
        return 2
    except SheetError as exc:
        for line in exc.lines(lang):
            print(line, file=sys.stderr)  # noqa: T201 - each bad cell on its own line
        return 2
    except CaseError as exc:
        for line in error_summary(exc.errors):
            say(line)
        return 2
    except ApiError as exc:
        say(exc.detail)
        return 2
    key = "sheet.imported" if result.changed else "sheet.nothing"
    summary = message(
        key,
        lang,
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
        none = message("whatif.none", lang)
        cells = [
            message("sheet.changed_cell", lang, **{**c, "before": c["before"] or none})
            for c in result.changed
        ]
        show([summary, *cells])
    return 0
