"""``kaoping db upgrade``: migrate the database (SQLite file or ``DATABASE_URL``) to this kaoping's schema."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse


def add_parser(subparsers: Any) -> None:
    """Register ``db``."""
    parser = subparsers.add_parser(
        "db",
        help="database schema: `db upgrade` migrates, `db current` shows the revision",
        description="Migrate the case store to the newest schema (idempotent), or show where it stands.",
    )
    parser.add_argument("action", choices=("upgrade", "current"))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``db``."""
    from api import db  # noqa: PLC0415 - keep `kaoping --help` and `kaoping evaluate` fast
    from api.settings import get_settings  # noqa: PLC0415

    url = get_settings().effective_database_url
    engine = db.make_engine(url)
    try:
        revision = db.upgrade(engine) if args.action == "upgrade" else db.current_revision(engine)
    finally:
        engine.dispose()
    print(f"kaoping: {db.describe(url)} is at schema revision {revision or '(none)'}", file=sys.stderr)  # noqa: T201
    return 0
