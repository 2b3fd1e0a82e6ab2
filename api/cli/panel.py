"""``kaoping panel draw CASE_ID`` and ``kaoping panel verify CASE_ID``: the verifiable expert draw."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from api.cli._office import cli_lang, say, show, show_json, store_session

if TYPE_CHECKING:
    import argparse

_EPILOG = """\
draw picks the case's panel from the expert registry: the rules' minimum size, uniformly among every
valid panel (allowed pools, enough domain experts, no tie to the agency or the project unit within the
look-back window), from a seed drawn from the operating system. The seed, the registry snapshot and its
hash, the candidates and each excluded expert with its reason go into the audit log. When the registry
cannot satisfy the rules, the command says which rule and how many candidates are short (exit 2).
verify re-derives the latest recorded draw from its seed and snapshot: exit 0 when it gives the same
panel and the case still has it, 1 when not (what differs is printed).
"""


def _date(text: str) -> dt.date:
    import argparse  # noqa: PLC0415

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date written YYYY-MM-DD: {text!r}") from None


def add_parser(subparsers: Any) -> None:
    """Register ``panel``."""
    import argparse  # noqa: PLC0415

    parser = subparsers.add_parser(
        "panel",
        help="the expert draw: `panel draw CASE_ID`, `panel verify CASE_ID`",
        description="Draw a stored case's expert panel from the registry, or verify a recorded draw.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("action", choices=("draw", "verify"))
    parser.add_argument("case_id", metavar="CASE_ID")
    parser.add_argument(
        "--formed-on", type=_date, default=None, help="draw: the panel's date (default today)"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``panel``."""
    from api.errors import ApiError  # noqa: PLC0415 - keep `kaoping --help` fast
    from api.reports import draw_lines, verify_lines  # noqa: PLC0415
    from api.store import draws  # noqa: PLC0415
    from api.store.access import CLI  # noqa: PLC0415
    from engine.draw import DrawShortError  # noqa: PLC0415
    from engine.errors import CaseError  # noqa: PLC0415

    lang = cli_lang(args)
    try:
        with store_session() as session:
            if args.action == "verify":
                result = draws.verify(session=session, case_id=args.case_id, principal=CLI)
                show_json(result) if args.json else show(verify_lines(result, lang))
                return 0 if result["verified"] else 1
            _case, record = draws.draw(
                session=session, case_id=args.case_id, actor=CLI, formed_on=args.formed_on
            )
    except DrawShortError as exc:
        for line in exc.lines(lang):
            say(line)
        return 2
    except ApiError as exc:
        say(exc.detail)
        return 2
    except CaseError as exc:
        for error in exc.errors:
            say(f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}")
        return 2
    show_json(record) if args.json else show(draw_lines(record, lang))
    return 0
