"""Throwaway PostgreSQL servers for tests.

:func:`temporary_postgres` yields a SQLAlchemy URL (``postgresql+psycopg://...``) of an empty database:

* ``KAOPING_TEST_POSTGRES_URL`` set -> that server is used as is (nothing is started or dropped; a
  ``postgresql://`` URL is given the ``+psycopg`` driver).  Tests must then tolerate existing tables.
* otherwise a private cluster is created with Debian's server binaries (``/usr/lib/postgresql/<v>/bin``,
  else ``initdb``/``pg_ctl`` on PATH) in a temporary directory, started on a free TCP port on 127.0.0.1
  (unix socket in the same temporary directory, ``fsync=off``), given a database ``kaoping_test`` owned by
  the trust-authenticated superuser ``kaoping``, and stopped and deleted on exit -- also when start-up fails,
  and (through a watchdog process) when the test process is killed without cleaning up.
  PostgreSQL refuses to run as root, so under root the cluster belongs to and runs as the unprivileged
  ``postgres`` user (created by Debian's ``postgresql`` package; ``nobody`` as a fallback).
* no server binaries -> the test is skipped (failed under ``KAOPING_REQUIRE_SYSTEM_DEPS=1``).
"""

from __future__ import annotations

import atexit
import contextlib
import getpass
import os
import pwd
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Self

import psycopg
from psycopg import sql

from tests.support.system import missing_dependency

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import TracebackType

URL_ENV = "KAOPING_TEST_POSTGRES_URL"
DEFAULT_DATABASE = "kaoping_test"
SUPERUSER = "kaoping"
HOST = "127.0.0.1"
DEBIAN_PG_ROOT = Path("/usr/lib/postgresql")

START_TIMEOUT = 60.0  # seconds for pg_ctl start + first successful connection
COMMAND_TIMEOUT = 120.0  # seconds for initdb / pg_ctl stop
# Unix socket paths are limited to 107 bytes; leave room for "/.s.PGSQL.65535".
_MAX_SOCKET_DIR = 90


@dataclass(frozen=True)
class PgBinaries:
    """The server programs of one PostgreSQL installation."""

    bindir: Path
    initdb: Path
    pg_ctl: Path


@dataclass(frozen=True)
class _RunAs:
    """The account that owns and runs the cluster (``uid`` None: the current user)."""

    name: str
    uid: int | None = None
    gid: int | None = None


def find_pg_binaries() -> PgBinaries | None:
    """Newest Debian ``/usr/lib/postgresql/<version>/bin`` with initdb + pg_ctl, else the ones on PATH."""

    def version(bindir: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", bindir.parent.name)) or (0,)

    debian = [
        initdb.parent
        for initdb in DEBIAN_PG_ROOT.glob("*/bin/initdb")
        if os.access(initdb, os.X_OK) and os.access(initdb.parent / "pg_ctl", os.X_OK)
    ]
    if debian:
        bindir = max(debian, key=version)
        return PgBinaries(bindir, bindir / "initdb", bindir / "pg_ctl")
    initdb_path, pg_ctl_path = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb_path is None or pg_ctl_path is None:
        return None
    return PgBinaries(Path(initdb_path).resolve().parent, Path(initdb_path), Path(pg_ctl_path))


def sqlalchemy_url(url: str) -> str:
    """``postgresql://`` / ``postgres://`` -> ``postgresql+psycopg://`` (other drivers are left alone)."""
    return re.sub(r"^postgres(?:ql)?://", "postgresql+psycopg://", url)


def psycopg_conninfo(url: str) -> str:
    """A SQLAlchemy ``postgresql+psycopg://`` URL as a libpq URI psycopg.connect() accepts."""
    return re.sub(r"^postgresql\+\w+://", "postgresql://", url)


class TemporaryPostgres:
    """One private PostgreSQL cluster in a temporary directory.  Use as a context manager or start()/stop().

    Attributes after start(): ``url`` (SQLAlchemy), ``port``, ``root`` (the temporary directory; data in
    ``root/data``, server log in ``root/server.log``, unix socket in ``root``).
    """

    def __init__(self, database: str = DEFAULT_DATABASE, *, start_timeout: float = START_TIMEOUT) -> None:
        self.database = database
        self.start_timeout = start_timeout
        self.root: Path | None = None
        self.port: int | None = None
        self.url: str | None = None
        self._binaries: PgBinaries | None = None
        self._runas = _RunAs(getpass.getuser())
        self._watchdog: subprocess.Popen[bytes] | None = None
        self._lifeline: int | None = None  # write end of the watchdog's pipe

    # ---- lifecycle ----

    def start(self) -> str:
        """Create, start and populate the cluster; return its SQLAlchemy URL.  Skips without PostgreSQL."""
        if self.root is not None:
            raise RuntimeError("cluster already started")
        binaries = find_pg_binaries()
        if binaries is None:
            missing_dependency(
                f"PostgreSQL server binaries (initdb, pg_ctl) not found under {DEBIAN_PG_ROOT}/*/bin"
                f" or on PATH, and {URL_ENV} is not set; needed for the PostgreSQL tests"
            )
        self._binaries = binaries
        self._runas = _unprivileged_account()
        self.root = _make_root(self._runas)
        atexit.register(self.stop)
        try:
            self._start_watchdog()
            self._initdb()
            self._start_server()
            self._wait_until_ready()
            self._create_database()
        except BaseException:
            self.stop()
            raise
        self.url = f"postgresql+psycopg://{SUPERUSER}@{HOST}:{self.port}/{self.database}"
        return self.url

    def stop(self) -> None:
        """Stop the server (fast, then immediate, then SIGKILL) and delete the directory.  Idempotent."""
        root = self.root
        if root is None:
            return
        atexit.unregister(self.stop)
        try:
            if (self._data / "postmaster.pid").exists():
                for mode in ("fast", "immediate"):
                    result = self._pg_ctl("stop", "-m", mode, "-w", "-t", "30", check=False)
                    if result.returncode == 0:
                        break
                else:
                    _kill_postmaster(self._data)
        finally:
            shutil.rmtree(root, ignore_errors=True)
            self._stop_watchdog()
            self.root = None
            self.port = None
            self.url = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ---- steps ----

    @property
    def _data(self) -> Path:
        assert self.root is not None
        return self.root / "data"

    @property
    def _log(self) -> Path:
        assert self.root is not None
        return self.root / "server.log"

    def _initdb(self) -> None:
        assert self._binaries is not None
        self._run(
            [
                str(self._binaries.initdb),
                "--pgdata",
                str(self._data),
                "--username",
                SUPERUSER,
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                "--no-locale",  # C collation: identical on every machine, no locale packages needed
                "--no-sync",
            ],
            what="initdb",
        )
        assert self.root is not None
        socket_dir = str(self.root).replace("'", "''")
        settings = (
            "\n# kaoping test cluster (tests/support/postgres.py)\n"
            f"listen_addresses = '{HOST}'\n"
            f"unix_socket_directories = '{socket_dir}'\n"
            "fsync = off\n"
            "synchronous_commit = off\n"
            "full_page_writes = off\n"
        )
        with (self._data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write(settings)

    def _start_server(self) -> None:
        # The free port is only free until someone else binds it: retry a few times on a clash.
        attempts = 3
        for attempt in range(1, attempts + 1):
            self.port = _free_port()
            if self._log.exists():
                self._log.write_text("", encoding="utf-8")  # the tail we report is this attempt's only
            result = self._pg_ctl(
                "start",
                "--log",
                str(self._log),
                "-w",
                "-t",
                str(int(self.start_timeout)),
                "-o",
                f"-p {self.port}",
                check=False,
                timeout=self.start_timeout + 30,
            )
            if result.returncode == 0:
                return
            log = self._log_tail()
            if (
                attempt < attempts
                and "could not bind" in log
                and not (self._data / "postmaster.pid").exists()
            ):
                continue
            raise RuntimeError(
                f"pg_ctl start failed (exit {result.returncode}) on port {self.port}:\n"
                f"{result.stdout}{result.stderr}\n--- server log ---\n{log}"
            )

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while True:
            try:
                with psycopg.connect(self._conninfo("postgres"), connect_timeout=5):
                    return
            except psycopg.OperationalError as error:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"PostgreSQL on {HOST}:{self.port} not accepting connections after"
                        f" {self.start_timeout:g}s: {error}\n--- server log ---\n{self._log_tail()}"
                    ) from error
                time.sleep(0.1)

    def _start_watchdog(self) -> None:
        """Start a process that removes the cluster if this one dies without stop() (SIGTERM, SIGKILL).

        It waits for end-of-file on a pipe whose only write end this process holds; the kernel closes it
        however we die.  It runs in its own session, so Ctrl-C and CI timeouts aimed at pytest miss it.
        """
        assert self._binaries is not None
        assert self.root is not None
        read_end, self._lifeline = os.pipe()
        try:
            uid = "-" if self._runas.uid is None else str(self._runas.uid)
            gid = "-" if self._runas.gid is None else str(self._runas.gid)
            self._watchdog = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    _WATCHDOG,
                    str(read_end),
                    str(self._binaries.pg_ctl),
                    str(self._data),
                    str(self.root),
                    uid,
                    gid,
                ],
                pass_fds=(read_end,),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd="/",
                start_new_session=True,
            )
        finally:
            os.close(read_end)

    def _stop_watchdog(self) -> None:
        if self._lifeline is not None:
            os.close(self._lifeline)  # EOF: the watchdog finds nothing left to clean and exits
            self._lifeline = None
        if self._watchdog is not None:
            try:
                self._watchdog.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._watchdog.kill()
                self._watchdog.wait()
            self._watchdog = None

    def _create_database(self) -> None:
        with psycopg.connect(self._conninfo("postgres"), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.database)))

    # ---- helpers ----

    def _conninfo(self, database: str) -> str:
        return f"postgresql://{SUPERUSER}@{HOST}:{self.port}/{database}"

    def _pg_ctl(
        self, *args: str, check: bool = True, timeout: float = COMMAND_TIMEOUT
    ) -> subprocess.CompletedProcess[str]:
        assert self._binaries is not None
        command = [str(self._binaries.pg_ctl), "--pgdata", str(self._data), *args]
        return self._run(command, what=f"pg_ctl {args[0]}", check=check, timeout=timeout)

    def _run(
        self, command: list[str], *, what: str, check: bool = True, timeout: float = COMMAND_TIMEOUT
    ) -> subprocess.CompletedProcess[str]:
        assert self.root is not None
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        env |= {"HOME": str(self.root), "LC_ALL": "C", "LANG": "C"}
        # pg_ctl start leaves the postmaster running: it must not inherit our pipes, or reading them would
        # wait for the server to exit.  Output goes to a file instead.
        output_file = self.root / f"{what.replace(' ', '-')}.out"
        with output_file.open("w+", encoding="utf-8", errors="replace") as output:
            if self._runas.uid is not None:
                os.fchown(output.fileno(), self._runas.uid, self._runas.gid or -1)
            result = subprocess.run(
                command,
                check=False,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                text=True,
                env=env,
                cwd=self.root,  # the unprivileged account may not be able to enter our working directory
                timeout=timeout,
                user=self._runas.uid,
                group=self._runas.gid,
                extra_groups=[] if self._runas.uid is not None else None,
            )
            output.seek(0)
            text = output.read()
        if check and result.returncode != 0:
            raise RuntimeError(
                f"{what} failed (exit {result.returncode}) as user {self._runas.name}:\n{text}"
            )
        return subprocess.CompletedProcess(command, result.returncode, text, "")

    def _log_tail(self, lines: int = 40) -> str:
        try:
            text = self._log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])


@contextlib.contextmanager
def temporary_postgres(database: str = DEFAULT_DATABASE) -> Iterator[str]:
    """Yield the SQLAlchemy URL of a throwaway PostgreSQL database (see the module docstring)."""
    external = os.environ.get(URL_ENV, "").strip()
    if external:
        yield sqlalchemy_url(external)
        return
    with TemporaryPostgres(database) as cluster:
        assert cluster.url is not None
        yield cluster.url


# ---- module helpers ----

# The watchdog (see TemporaryPostgres._start_watchdog).  argv: fd pg_ctl data root uid gid ("-": no switch).
_WATCHDOG = """
import os, shutil, signal, subprocess, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)
fd, pg_ctl, data, root, uid, gid = sys.argv[1:]
while os.read(int(fd), 4096):
    pass
if os.path.exists(os.path.join(data, "postmaster.pid")):
    switch = {} if uid == "-" else {"user": int(uid), "group": int(gid), "extra_groups": []}
    subprocess.run([pg_ctl, "--pgdata", data, "stop", "-m", "immediate", "-w", "-t", "30"], cwd=root,
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **switch)
shutil.rmtree(root, ignore_errors=True)
"""


def _unprivileged_account() -> _RunAs:
    if os.geteuid() != 0:
        return _RunAs(getpass.getuser())
    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return _RunAs(name, entry.pw_uid, entry.pw_gid)
    raise RuntimeError(
        "running as root, and neither a 'postgres' nor a 'nobody' account exists to run PostgreSQL"
    )


def _make_root(runas: _RunAs) -> Path:
    """A fresh temporary directory the cluster's account owns and can reach."""
    base = Path(tempfile.gettempdir()).resolve()
    unusable = len(str(base)) > _MAX_SOCKET_DIR - 20 or (
        runas.uid is not None and not _others_can_enter(base)
    )
    if unusable:
        base = Path("/tmp")  # Debian: mode 1777
    root = Path(tempfile.mkdtemp(prefix="kaoping-pg-", dir=base))
    if runas.uid is not None:
        os.chown(root, runas.uid, runas.gid if runas.gid is not None else -1)
    return root


def _others_can_enter(path: Path) -> bool:
    return all(candidate.stat().st_mode & stat.S_IXOTH for candidate in (path, *path.parents))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _kill_postmaster(data: Path) -> None:
    try:
        pid = int((data / "postmaster.pid").read_text(encoding="utf-8").split()[0])
    except (OSError, ValueError, IndexError):
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)
