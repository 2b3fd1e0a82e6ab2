"""``kaoping serve``: migrate once, then run the HTTP API with uvicorn (any number of workers)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from api.cli.db import where
from api.cli.words import text, warn
from api.http import API_PREFIX

if TYPE_CHECKING:
    import argparse


def add_parser(subparsers: Any) -> None:
    """Register ``serve``."""
    parser = subparsers.add_parser(
        "serve", help=text("cli.serve.help"), description=text("cli.serve.description")
    )
    parser.add_argument("--host", default="127.0.0.1", help=text("cli.serve.host"))
    parser.add_argument("--port", type=int, default=8000, help=text("cli.serve.port"))
    parser.add_argument("--workers", type=int, default=1, help=text("cli.serve.workers"))
    parser.add_argument(
        "--no-access-log", dest="access_log", action="store_false", help=text("cli.serve.no_access_log")
    )
    parser.set_defaults(func=run)


def _say(key: str, **values: Any) -> None:
    print(f"kaoping: {text(key, **values)}", flush=True)  # noqa: T201 - the command's output


def run(args: argparse.Namespace) -> int:
    """Run ``serve``."""
    if args.workers < 1 or not 0 < args.port < 65536:
        warn("cli.serve.bad_args")
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
    _say("cli.serve.serving", host=host, port=args.port, prefix=API_PREFIX, workers=args.workers)
    _say("cli.serve.database", database=where(url), revision=revision)
    if tokens == 0:
        _say("cli.serve.no_token")
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
