"""``kaoping token create``: a new API token, printed once on stdout (only its hash is stored)."""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Any

from api.roles import ROLES

if TYPE_CHECKING:
    import argparse

_EXPERT_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def add_parser(subparsers: Any) -> None:
    """Register ``token``."""
    parser = subparsers.add_parser(
        "token",
        help="create an API token for a party (printed once)",
        description="Create a bearer token for the HTTP API. Only the token is printed on stdout; "
        "kaoping stores its SHA-256, so keep it: it cannot be shown again.",
    )
    parser.add_argument("action", choices=("create",))
    parser.add_argument("--role", required=True, choices=ROLES)
    who = parser.add_mutually_exclusive_group()
    who.add_argument(
        "--expert", metavar="ID", help="the expert's id (role expert): its cases' panels list it"
    )
    who.add_argument("--unit", metavar="NAME", help="the project unit's name (role project_unit)")
    parser.add_argument("--label", help="a note on who holds the token")
    parser.set_defaults(func=run)


def _problem(args: argparse.Namespace) -> str | None:
    if args.role == "expert" and not (args.expert and _EXPERT_ID.match(args.expert)):
        return "an expert token needs --expert ID (1-64 letters, digits, '-', '_' or '.')"
    if args.role == "project_unit" and not (args.unit and 0 < len(args.unit) <= 200):
        return "a project_unit token needs --unit NAME (the commission's project_unit, 1-200 characters)"
    if args.role not in {"expert", "project_unit"} and (args.expert or args.unit):
        return f"a {args.role} token takes neither --expert nor --unit"
    if args.label is not None and len(args.label) > 200:
        return "--label is at most 200 characters"
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
