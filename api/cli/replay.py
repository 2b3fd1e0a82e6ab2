"""``kaoping replay --rules CANDIDATE_DIR [--year 2024]``: every stored case under other rule data."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.cli._office import show, show_json, store_session
from api.cli.language import lang, say, say_text, text

if TYPE_CHECKING:
    import argparse


def add_parser(subparsers: Any) -> None:
    """Register ``replay``."""
    from api.cli.export import _year  # noqa: PLC0415

    parser = subparsers.add_parser(
        "replay", help=text("cli.replay.help"), description=text("cli.replay.description")
    )
    parser.add_argument(
        "--rules", type=Path, required=True, metavar="CANDIDATE_DIR", help=text("cli.replay.rules")
    )
    parser.add_argument("--year", type=_year, default=None, help=text("cli.replay.year"))
    parser.add_argument("--json", action="store_true", help=text("cli.replay.json"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``replay``: exit 0 with the report, 2 when the candidate does not pass the checks."""
    from api.reports import replay_lines  # noqa: PLC0415 - keep `kaoping --help` fast
    from api.settings import get_settings  # noqa: PLC0415
    from api.store.replay import CandidateError, replay_store  # noqa: PLC0415

    try:
        with store_session() as session:
            report = replay_store(
                session=session, candidate=args.rules, current=get_settings().rules_dir, year=args.year
            )
    except CandidateError as exc:
        say("replay.candidate_invalid")
        for problem in exc.problems:
            say_text(f"  {problem}")
        return 2
    if args.json:
        show_json(report)
    else:
        show(replay_lines(report, lang()))
    return 0
