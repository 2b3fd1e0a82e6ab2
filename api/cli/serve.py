"""``kaoping serve``: migrate once, then run the HTTP API with uvicorn (any number of workers)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from api.http import API_PREFIX

if TYPE_CHECKING:
    import argparse


def add_parser(subparsers: Any) -> None:
    """Register ``serve``."""
    parser = subparsers.add_parser(
        "serve",
        help="run the HTTP API (migrates the database first)",
        description="Upgrade the database once, then serve the API under /api/v1 with uvicorn. "
        "The database is the SQLite file in KAOPING_DATA_DIR, or DATABASE_URL.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument(
        "--no-access-log",
        dest="access_log",
        action="store_false",
        help="do not log every request (about 3 %% of a request's CPU; the audit log is unaffected)",
    )
    parser.set_defaults(func=run)


def _say(line: str) -> None:
    print(f"kaoping: {line}", flush=True)  # noqa: T201 - the command's output


def run(args: argparse.Namespace) -> int:
    """Run ``serve``."""
    if args.workers < 1 or not 0 < args.port < 65536:
        print("kaoping: --workers must be at least 1 and --port 1-65535", file=sys.stderr)  # noqa: T201
        return 2
    from api.settings import get_settings  # noqa: PLC0415 - keep `kaoping --help` and `kaoping evaluate` fast
    from api.store import db  # noqa: PLC0415
    from api.store.tokens import count_tokens  # noqa: PLC0415

    url = get_settings().effective_database_url
    engine = db.make_engine(url)
    try:
        revision = db.upgrade(engine)  # once, here, before any worker starts
        with db.new_session(engine) as session:
            tokens = count_tokens(session=session)
    finally:
        engine.dispose()
    host = f"[{args.host}]" if ":" in args.host else args.host
    _say(f"serving http://{host}:{args.port}{API_PREFIX} (docs: {API_PREFIX}/docs, {args.workers} worker(s))")
    _say(f"database: {db.describe(url)} (schema {revision})")
    if tokens == 0:
        _say("no API token exists yet; create one with: kaoping token create --role finance_office")
    import uvicorn  # noqa: PLC0415

    uvicorn.run(
        "api.http.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        access_log=args.access_log,
    )
    return 0
