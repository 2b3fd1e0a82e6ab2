"""``kaoping panel draw CASE_ID`` and ``kaoping panel verify CASE_ID``: the verifiable expert draw."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from api.cli._office import error_summary, show, show_json, store_session
from api.cli.language import lang, say_text, text

if TYPE_CHECKING:
    import argparse


def _date(value: str) -> dt.date:
    import argparse  # noqa: PLC0415

    from engine.normalise import normal_form  # noqa: PLC0415 - keep `kaoping --help` fast

    try:
        return dt.date.fromisoformat(normal_form("date", value))
    except ValueError:
        raise argparse.ArgumentTypeError(text("cli.memo.bad_date", value=repr(value))) from None


def add_parser(subparsers: Any) -> None:
    """Register ``panel``."""
    import argparse  # noqa: PLC0415

    parser = subparsers.add_parser(
        "panel",
        help=text("cli.panel.help"),
        description=text("cli.panel.description"),
        epilog=text("cli.panel.epilog"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("action", choices=("draw", "verify"), help=text("cli.panel.action"))
    parser.add_argument("case_id", metavar="CASE_ID", help=text("cli.case_id"))
    parser.add_argument("--formed-on", type=_date, default=None, help=text("cli.panel.formed_on"))
    parser.add_argument("--json", action="store_true", help=text("cli.json"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``panel``."""
    from api.errors import ApiError  # noqa: PLC0415 - keep `kaoping --help` fast
    from api.reports import draw_lines, verify_lines  # noqa: PLC0415
    from api.store import draws  # noqa: PLC0415
    from api.store.access import CLI  # noqa: PLC0415
    from engine.draw import DrawShortError  # noqa: PLC0415
    from engine.errors import CaseError  # noqa: PLC0415

    try:
        with store_session() as session:
            if args.action == "verify":
                result = draws.verify(session=session, case_id=args.case_id, principal=CLI)
                show_json(result) if args.json else show(verify_lines(result, lang()))
                return 0 if result["verified"] else 1
            _case, record = draws.draw(
                session=session, case_id=args.case_id, actor=CLI, formed_on=args.formed_on
            )
    except DrawShortError as exc:
        for line in exc.lines(lang()):
            say_text(line)
        return 2
    except ApiError as exc:
        say_text(exc.text(lang()))
        return 2
    except CaseError as exc:
        for line in error_summary(exc.errors):
            say_text(line)
        return 2
    show_json(record) if args.json else show(draw_lines(record, lang()))
    return 0
