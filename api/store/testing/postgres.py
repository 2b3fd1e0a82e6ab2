"""One throwaway PostgreSQL cluster: created, started, given a database, stopped and deleted.

The cluster lives in a temporary directory (data, server log, unix socket), listens on a free TCP port on
127.0.0.1 with ``fsync=off``, and has one database owned by the trust-authenticated superuser ``kaoping``.
It is stopped and deleted on :meth:`TemporaryPostgres.stop` -- also when start-up fails, and (through a
watchdog process) when the owning process is killed without cleaning up. PostgreSQL refuses to run as
root, so under root the cluster belongs to and runs as the unprivileged ``postgres`` user (created by
Debian's ``postgresql`` package; ``nobody`` as a fallback).
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import time
from typing import TYPE_CHECKING, Self

import psycopg
from psycopg import sql

from api.store.testing import _server
from api.store.testing._server import HOST, PgBinaries

if TYPE_CHECKING:
    from pathlib import Path
    from types import TracebackType

URL_ENV = "KAOPING_TEST_POSTGRES_URL"
DEFAULT_DATABASE = "kaoping_test"
SUPERUSER = "kaoping"

START_TIMEOUT = 60.0  # seconds for pg_ctl start + first successful connection
COMMAND_TIMEOUT = 120.0  # seconds for initdb / pg_ctl stop


class PostgresUnavailableError(RuntimeError):
    """No PostgreSQL server programs here, and no ``KAOPING_TEST_POSTGRES_URL`` to use instead."""


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
        self._runas = _server.current_account()
        self._watchdog: _server.Watchdog | None = None

    # ---- lifecycle ----

    def start(self) -> str:
        """Create, start and populate the cluster; return its SQLAlchemy URL.

        Raises:
            PostgresUnavailableError: no ``initdb`` and ``pg_ctl`` were found.
        """
        if self.root is not None:
            raise RuntimeError("cluster already started")
        binaries = _server.find_pg_binaries()
        if binaries is None:
            raise PostgresUnavailableError(
                f"PostgreSQL server binaries (initdb, pg_ctl) not found under {_server.DEBIAN_PG_ROOT}/*/bin"
                f" or on PATH, and {URL_ENV} is not set; needed for the PostgreSQL tests"
            )
        self._binaries = binaries
        self._runas = _server.unprivileged_account()
        self.root = _server.make_root(self._runas)
        atexit.register(self.stop)
        try:
            self._watchdog = _server.Watchdog(self._programs, self._data, self._root, self._runas)
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
                    _server.kill_postmaster(self._data)
        finally:
            shutil.rmtree(root, ignore_errors=True)
            if self._watchdog is not None:
                self._watchdog.stop()
                self._watchdog = None
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
    def _root(self) -> Path:
        if self.root is None:
            raise RuntimeError("the cluster is not started")
        return self.root

    @property
    def _programs(self) -> PgBinaries:
        if self._binaries is None:
            raise RuntimeError("the cluster is not started")
        return self._binaries

    @property
    def _data(self) -> Path:
        return self._root / "data"

    @property
    def _log(self) -> Path:
        return self._root / "server.log"

    def _initdb(self) -> None:
        self._run(
            [
                str(self._programs.initdb),
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
        socket_dir = str(self._root).replace("'", "''")
        settings = (
            "\n# kaoping throwaway cluster (api/store/testing)\n"
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
            self.port = _server.free_port()
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

    def _create_database(self) -> None:
        with psycopg.connect(self._conninfo("postgres"), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.database)))

    # ---- helpers ----

    def _conninfo(self, database: str) -> str:
        return f"postgresql://{SUPERUSER}@{HOST}:{self.port}/{database}"

    def _pg_ctl(
        self, *args: str, check: bool = True, timeout: float = COMMAND_TIMEOUT
    ) -> subprocess.CompletedProcess[str]:
        command = [str(self._programs.pg_ctl), "--pgdata", str(self._data), *args]
        return self._run(command, what=f"pg_ctl {args[0]}", check=check, timeout=timeout)

    def _run(
        self, command: list[str], *, what: str, check: bool = True, timeout: float = COMMAND_TIMEOUT
    ) -> subprocess.CompletedProcess[str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        env |= {"HOME": str(self._root), "LC_ALL": "C", "LANG": "C"}
        # pg_ctl start leaves the postmaster running: it must not inherit our pipes, or reading them would
        # wait for the server to exit.  Output goes to a file instead.
        output_file = self._root / f"{what.replace(' ', '-')}.out"
        with output_file.open("w+", encoding="utf-8", errors="replace") as output:
            if self._runas.uid is not None:
                os.fchown(output.fileno(), self._runas.uid, self._runas.gid or -1)
            result = subprocess.run(  # noqa: S603 - PostgreSQL's own programs, no shell
                command,
                check=False,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                text=True,
                env=env,
                cwd=self._root,  # the unprivileged account may not be able to enter our working directory
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
