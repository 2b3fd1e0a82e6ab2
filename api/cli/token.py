"""``kaoping token create | list | revoke``: the API's bearer tokens.

``create`` prints a new token once on stdout (only its SHA-256 is stored), optionally expiring
(``--expires 90d``, ``12h`` or a date); ``list`` shows every token without the token itself; ``revoke ID``
refuses it from the next request on, in every worker. Creating and revoking are audited.
"""

from __future__ import annotations

import contextlib
import re
import sys
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from api.cli.language import lang, message_join, say, say_text, text
from api.roles import ROLES
from rules.messages import Term

if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterator

    from sqlmodel import Session

    from api.store.tokens import TokenInfo

_SPAN = re.compile(r"^(\d{1,5})([dh])$")
_MAX_DAYS = 3660
_OFFICE_HOURS = 8  # China Standard Time, UTC+8: the office's calendar


def add_parser(subparsers: Any) -> None:
    """Register ``token`` and its actions."""
    parser = subparsers.add_parser(
        "token", help=text("cli.token.help"), description=text("cli.token.description")
    )
    actions = parser.add_subparsers(
        dest="action", required=True, metavar="ACTION", title=text("cli.commands")
    )
    create = actions.add_parser(
        "create", help=text("cli.token.create_help"), description=text("cli.token.create_help")
    )
    roles = message_join([f"{Term('role', role).text(lang())}（{role}）" for role in ROLES])
    create.add_argument("--role", required=True, choices=ROLES, help=text("cli.token.role", roles=roles))
    who = create.add_mutually_exclusive_group()
    who.add_argument("--expert", metavar="ID", help=text("cli.token.expert"))
    who.add_argument("--unit", metavar="NAME", help=text("cli.token.unit"))
    create.add_argument("--label", help=text("cli.token.label"))
    create.add_argument("--expires", metavar="WHEN", help=text("cli.token.expires"))
    create.set_defaults(func=run_create)
    listing = actions.add_parser(
        "list", help=text("cli.token.list_help"), description=text("cli.token.list_help")
    )
    listing.set_defaults(func=run_list)
    revoke = actions.add_parser(
        "revoke", help=text("cli.token.revoke_help"), description=text("cli.token.revoke_help")
    )
    revoke.add_argument("id", type=int, help=text("cli.token.id"))
    revoke.set_defaults(func=run_revoke)


def expiry(given: str, now: datetime) -> datetime | None:
    """When a token given ``--expires`` stops working, or ``None`` for a value that means nothing."""
    span = _SPAN.match(given.strip())
    if span:
        amount, unit = int(span.group(1)), span.group(2)
        delta = timedelta(days=amount) if unit == "d" else timedelta(hours=amount)
        return now + delta if timedelta(0) < delta <= timedelta(days=_MAX_DAYS) else None
    try:
        day = datetime.strptime(given.strip(), "%Y-%m-%d").date()  # noqa: DTZ007 - a calendar day
    except ValueError:
        return None
    office = datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC) - timedelta(hours=_OFFICE_HOURS)
    return office if now < office <= now + timedelta(days=_MAX_DAYS) else None


def _id_problem(value: str, option: str, limit: int) -> str | None:
    """The contract's id rule (:func:`engine.identifier_problem`) on an option's value, worded."""
    from engine.identifiers import identifier_problem  # noqa: PLC0415 - keep `kaoping --help` fast

    problem = identifier_problem(value, max_length=limit)
    return None if problem is None else text(f"error.{problem}", field=option, max_length=limit)


def _problem(args: argparse.Namespace) -> str | None:
    from engine.identifiers import ID_MAX_LENGTH, NAME_MAX_LENGTH  # noqa: PLC0415

    if args.role == "expert":
        if args.expert is None:
            return text("token.needs_expert")
        return _id_problem(args.expert, "--expert", ID_MAX_LENGTH)
    if args.role == "project_unit":
        return (
            text("token.needs_unit")
            if args.unit is None
            else _id_problem(args.unit, "--unit", NAME_MAX_LENGTH)
        )
    if args.expert is not None or args.unit is not None:
        return text("token.no_party", role=Term("role", args.role))
    if args.label is not None and len(args.label) > NAME_MAX_LENGTH:
        return text("error.string_too_long", field="--label", max_length=NAME_MAX_LENGTH)
    return None


def run_create(args: argparse.Namespace) -> int:
    """Run ``token create``."""
    problem = _problem(args)
    expires = None
    if problem is None and args.expires is not None:
        expires = expiry(args.expires, datetime.now(UTC))
        if expires is None:
            problem = text("token.bad_expires", given=args.expires, days=_MAX_DAYS)
    if problem:
        print(f"kaoping: {problem}", file=sys.stderr)  # noqa: T201 - the command's message channel
        return 2
    from api.store.tokens import create_token  # noqa: PLC0415 - keep `kaoping --help` and `evaluate` fast

    with _session() as session:
        token = create_token(
            session=session,
            role=args.role,
            expert_id=args.expert,
            unit_name=args.unit,
            label=args.label,
            expires_at=expires,
        )
    sys.stdout.write(token + "\n")
    return 0


@contextlib.contextmanager
def _session() -> Iterator[Session]:
    """A session on the configured database, migrated first; the engine goes when the session does."""
    from api.settings import get_settings  # noqa: PLC0415
    from api.store import db  # noqa: PLC0415

    engine = db.make_engine(get_settings().effective_database_url)
    try:
        db.upgrade(engine)
        with db.new_session(engine) as session:
            yield session
    finally:
        engine.dispose()


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    return (moment + timedelta(hours=_OFFICE_HOURS)).strftime("%Y-%m-%d %H:%M")


def _status(info: TokenInfo, now: datetime) -> str:
    if info.revoked_at is not None:
        return text("token.status_revoked", at=_when(info.revoked_at))
    if info.expires_at is not None and info.expires_at <= now:
        return text("token.status_expired", at=_when(info.expires_at))
    return text("token.status_active")


def run_list(_args: argparse.Namespace) -> int:
    """Run ``token list``: one tab-separated line per token under a header (times in Beijing time)."""
    from api.store.tokens import list_tokens  # noqa: PLC0415
    from rules import load_rulebook  # noqa: PLC0415

    with _session() as session:
        infos = list_tokens(session=session)
    vocabulary = load_rulebook().vocabulary
    now = datetime.now(UTC)
    lines = [text("token.list_columns")]
    for info in infos:
        fields = (
            str(info.id),
            vocabulary.label("role", info.role, lang()),
            info.expert_id or info.unit_name or "—",
            info.label or "—",
            _when(info.created_at),
            _when(info.expires_at),
            _status(info, now),
        )
        lines.append("\t".join(field.replace("\t", " ") for field in fields))
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    """Run ``token revoke ID``: exit 2 when there is no such token or it is revoked already."""
    from api.errors import ApiError  # noqa: PLC0415
    from api.store.tokens import revoke_token  # noqa: PLC0415

    try:
        with _session() as session:
            info = revoke_token(session=session, token_id=args.id)
    except ApiError as exc:  # no such token (404), or revoked already (409)
        say_text(exc.text(lang()))
        return 2
    say(
        "token.revoked",
        id=info.id,
        role=Term("role", info.role),
        party=info.expert_id or info.unit_name or "—",
    )
    return 0
