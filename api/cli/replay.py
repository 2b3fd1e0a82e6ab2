"""``kaoping replay --rules CANDIDATE_DIR [--year 2024]``: every stored case under other rule data."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.cli._office import cli_lang, say, show, show_json, store_session
from rules.messages import message

if TYPE_CHECKING:
    import argparse


def add_parser(subparsers: Any) -> None:
    """Register ``replay``."""
    from api.cli.export import _year  # noqa: PLC0415

    parser = subparsers.add_parser(
        "replay",
        help="re-decide the stored cases under candidate rule data and report what would change",
        description="Check a candidate rules directory (the layout of rules/) with the rulebook's loader "
        "and checks, then decide every live case (of a year) under the rules in force and under the "
        "candidate, and report which eligibility results, verdicts, grades, fees and flags change and by "
        "how much money. Nothing stored changes.",
    )
    parser.add_argument(
        "--rules", type=Path, required=True, metavar="CANDIDATE_DIR", help="the candidate rules"
    )
    parser.add_argument("--year", type=_year, default=None, help="only cases commissioned that year")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``replay``: exit 0 with the report, 2 when the candidate does not pass the checks."""
    from api.reports import replay_lines  # noqa: PLC0415 - keep `kaoping --help` fast
    from api.settings import get_settings  # noqa: PLC0415
    from api.store.replay import CandidateError, replay_store  # noqa: PLC0415

    lang = cli_lang(args)
    try:
        with store_session() as session:
            report = replay_store(
                session=session, candidate=args.rules, current=get_settings().rules_dir, year=args.year
            )
    except CandidateError as exc:
        say(message("replay.candidate_invalid", lang))
        for problem in exc.problems:
            say(f"  {problem}")
        return 2
    if args.json:
        show_json(report)
    else:
        show(replay_lines(report, lang))
    return 0
