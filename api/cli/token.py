"""``kaoping token create``: a new API token, printed once on stdout (only its hash is stored)."""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Any

from api.cli.words import lang, message_join, text
from api.roles import ROLES
from rules.messages import Term

if TYPE_CHECKING:
    import argparse

_EXPERT_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def add_parser(subparsers: Any) -> None:
    """Register ``token``."""
    parser = subparsers.add_parser(
        "token", help=text("cli.token.help"), description=text("cli.token.description")
    )
    parser.add_argument("action", choices=("create",), help=text("cli.token.action"))
    roles = message_join([f"{Term('role', role).text(lang())}（{role}）" for role in ROLES])
    parser.add_argument("--role", required=True, choices=ROLES, help=text("cli.token.role", roles=roles))
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--expert", metavar="ID", help=text("cli.token.expert"))
    who.add_argument("--unit", metavar="NAME", help=text("cli.token.unit"))
    parser.add_argument("--label", help=text("cli.token.label"))
    parser.set_defaults(func=run)


def _problem(args: argparse.Namespace) -> str | None:
    if args.role == "expert" and not (args.expert and _EXPERT_ID.fullmatch(args.expert)):
        return text("cli.token.expert_needed")
    if args.role == "project_unit" and not (args.unit and 0 < len(args.unit) <= 200):
        return text("cli.token.unit_needed")
    if args.role not in {"expert", "project_unit"} and (args.expert or args.unit):
        return text("cli.token.neither", role=Term("role", args.role))
    if args.label is not None and len(args.label) > 200:
        return text("cli.token.label_too_long")
    return None


def run(args: argparse.Namespace) -> int:
    """Run ``token create``."""
    problem = _problem(args)
    if problem:
        print(f"kaoping: {problem}", file=sys.stderr)  # noqa: T201
        return 2
    from api.settings import get_settings  # noqa: PLC0415 - keep `kaoping --help` and `kaoping evaluate` fast
    from api.store import db  # noqa: PLC0415
    from api.store.tokens import create_token  # noqa: PLC0415

    engine = db.make_engine(get_settings().effective_database_url)
    try:
        db.upgrade(engine)
        with db.new_session(engine) as session:
            token = create_token(
                session=session, role=args.role, expert_id=args.expert, unit_name=args.unit, label=args.label
            )
    finally:
        engine.dispose()
    sys.stdout.write(token + "\n")
    return 0
