"""``kaoping serve``: take the port, migrate once, then run the HTTP API with uvicorn (any number of workers).

The listening socket is bound here, before anything is printed: a port in use (or one that cannot be
bound) is one line naming ``--port`` and exit 3, and no other program can take the port between that
check and serving, since the workers serve on this very socket. uvicorn runs with
:class:`api.http.protocol.GuardedHttpToolsProtocol` (deadlines for slow clients, a connection cap), and
the file-descriptor limit is raised to fit the cap. Temporary folders that an earlier kaoping left behind
when it was killed are removed at start.
"""

from __future__ import annotations

import errno
import os
import resource
import shutil
import socket
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.cli.db import where
from api.cli.language import say, text
from api.http import API_PREFIX

if TYPE_CHECKING:
    import argparse

EXIT_PORT = 3
"""The exit code when the port cannot be had."""
PROTOCOL = "api.http.protocol:GuardedHttpToolsProtocol"
FD_HEADROOM = 256
"""File descriptors a worker needs besides its connections (database pool, files, render helper)."""
_STALE_PREFIX = "kaoping-templates-"


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


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound as uvicorn binds one (``SO_REUSEADDR``), inheritable by the workers."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family=family, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def raise_fd_limit(connections: int) -> int:
    """Raise the soft limit on open files to fit ``connections`` per worker; the cap that fits."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = connections + FD_HEADROOM
    if soft != resource.RLIM_INFINITY and soft < need:
        target = need if hard == resource.RLIM_INFINITY else min(need, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    if soft == resource.RLIM_INFINITY:
        return connections
    return max(1, min(connections, soft - FD_HEADROOM))


def sweep_stale_folders(root: Path | None = None) -> int:
    """Remove template folders that kaoping processes no longer running left in the temporary directory."""
    removed = 0
    for path in Path(root or tempfile.gettempdir()).glob(f"{_STALE_PREFIX}*"):
        owner = path.name.removeprefix(_STALE_PREFIX).split("-", 1)[0]
        if owner.isdigit() and not _alive(int(owner)) and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run(args: argparse.Namespace) -> int:
    """Run ``serve``."""
    if args.workers < 1 or not 0 < args.port < 65536:
        say("cli.serve.bad_args")
        return 2
    try:
        sock = bind(args.host, args.port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            say("server.port_in_use", port=args.port)
        else:
            say("server.cannot_bind", host=args.host, port=args.port, reason=exc.strerror or str(exc))
        return EXIT_PORT
    from api.settings import get_settings  # noqa: PLC0415 - keep `kaoping --help` and `kaoping evaluate` fast
    from api.store import db  # noqa: PLC0415
    from api.store.tokens import count_tokens  # noqa: PLC0415

    settings = get_settings()
    url = settings.effective_database_url
    engine = db.make_engine(url)
    try:
        revision = db.upgrade(engine)  # once, here, before any worker starts
        with db.new_session(engine) as session:
            tokens = count_tokens(session=session)
    finally:
        engine.dispose()
    sweep_stale_folders()
    cap = raise_fd_limit(settings.max_connections)
    if cap != settings.max_connections:
        os.environ["KAOPING_MAX_CONNECTIONS"] = str(cap)  # the workers read their settings again
        get_settings.cache_clear()
    host = f"[{args.host}]" if ":" in args.host else args.host
    _say("cli.serve.serving", host=host, port=args.port, prefix=API_PREFIX, workers=args.workers)
    _say("cli.serve.database", database=where(url), revision=revision)
    if tokens == 0:
        _say("cli.serve.no_token")
    return 0 if _serve(sock, args) else 1


def _serve(sock: socket.socket, args: argparse.Namespace) -> bool:
    """Uvicorn on the bound socket, here or in ``--workers`` processes sharing it; False: it never started."""
    import uvicorn  # noqa: PLC0415
    from uvicorn.config import LOGGING_CONFIG  # noqa: PLC0415
    from uvicorn.supervisors import Multiprocess  # noqa: PLC0415

    # kaoping's own log lines (a client gone, a slow connection closed, an internal error) go where
    # uvicorn's do, at info level.
    log_config = {
        **LOGGING_CONFIG,
        "loggers": {
            **LOGGING_CONFIG["loggers"],
            "kaoping": {"handlers": ["default"], "level": "INFO", "propagate": False},
        },
    }
    config = uvicorn.Config(
        "api.http.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        access_log=args.access_log,
        http=PROTOCOL,
        log_config=log_config,
    )
    server = uvicorn.Server(config)
    try:
        if args.workers > 1:
            Multiprocess(config, sockets=[sock]).run()
            return True
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    return server.started
