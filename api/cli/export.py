"""``kaoping export --year 2024 -o 2024年考评台账.xlsx``: the year's register as an Excel workbook."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.cli._office import store_session, write_file
from api.cli.language import lang, os_reason, say, text

if TYPE_CHECKING:
    import argparse


def _year(value: str) -> int:
    import argparse  # noqa: PLC0415

    if not (value.isdigit() and 1900 <= int(value) <= 9999):
        raise argparse.ArgumentTypeError(text("cli.bad_year", value=repr(value)))
    return int(value)


def add_parser(subparsers: Any) -> None:
    """Register ``export``."""
    parser = subparsers.add_parser(
        "export", help=text("cli.export.help"), description=text("cli.export.description")
    )
    parser.add_argument("--year", type=_year, required=True, help=text("cli.export.year"))
    parser.add_argument("-o", "--output", type=Path, required=True, help=text("cli.export.output"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``export``."""
    from api.store.access import CLI  # noqa: PLC0415 - keep `kaoping --help` fast
    from api.store.register import export  # noqa: PLC0415

    with store_session() as session:
        data, count = export(session=session, year=args.year, principal=CLI, lang=lang())
    try:
        write_file(args.output, data)
    except OSError as exc:
        say("cli.cannot_write", path=args.output, reason=os_reason(exc))
        return 2
    say("export.written", year=args.year, path=args.output, cases=count)
    return 0
