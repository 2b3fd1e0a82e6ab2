"""``kaoping export --year 2024 -o 2024年考评台账.xlsx``: the year's register as an Excel workbook."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.cli._office import cli_lang, say, store_session, write_file
from rules.messages import message

if TYPE_CHECKING:
    import argparse


def _year(text: str) -> int:
    import argparse  # noqa: PLC0415

    if not (text.isdigit() and 1900 <= int(text) <= 9999):
        raise argparse.ArgumentTypeError(f"a year is four digits: {text!r}")
    return int(text)


def add_parser(subparsers: Any) -> None:
    """Register ``export``."""
    parser = subparsers.add_parser(
        "export",
        help="the year's register (考评台账) of the stored cases as .xlsx",
        description="Write the register of a year: a row per live case commissioned that year with its "
        "latest decision's results, and a summary sheet (grades, fees, agencies by grade). No cell is a "
        "formula.",
    )
    parser.add_argument("--year", type=_year, required=True, help="the year of commissioned_on")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the .xlsx to write")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``export``."""
    from api.store.access import CLI  # noqa: PLC0415 - keep `kaoping --help` fast
    from api.store.register import export  # noqa: PLC0415

    lang = cli_lang(args)
    with store_session() as session:
        data, count = export(session=session, year=args.year, principal=CLI, lang=lang)
    try:
        write_file(args.output, data)
    except OSError as exc:
        say(f"{args.output}: {exc.strerror}")
        return 2
    say(message("export.written", lang, year=args.year, path=args.output, cases=count))
    return 0
