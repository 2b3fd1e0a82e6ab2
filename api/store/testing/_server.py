"""The operating-system side of a throwaway PostgreSQL: its programs, its account, its directory, its port."""

from __future__ import annotations

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
from dataclasses import dataclass
from pathlib import Path

DEBIAN_PG_ROOT = Path("/usr/lib/postgresql")
HOST = "127.0.0.1"
# Unix socket paths are limited to 107 bytes; leave room for "/.s.PGSQL.65535".
_MAX_SOCKET_DIR = 90
_SHARED_TMP = Path("/tmp")  # noqa: S108 - Debian's /tmp (mode 1777), when the usual temp dir will not do

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
"""The watchdog's program (``python -c``); argv: fd pg_ctl data root uid gid (``-``: no user switch)."""


@dataclass(frozen=True)
class PgBinaries:
    """The server programs of one PostgreSQL installation."""

    bindir: Path
    initdb: Path
    pg_ctl: Path


@dataclass(frozen=True)
class RunAs:
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


def current_account() -> RunAs:
    """The user running this process."""
    return RunAs(getpass.getuser())


def unprivileged_account() -> RunAs:
    """Who runs the cluster: this user, or under root (which PostgreSQL refuses) ``postgres``/``nobody``."""
    if os.geteuid() != 0:
        return current_account()
    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return RunAs(name, entry.pw_uid, entry.pw_gid)
    raise RuntimeError(
        "running as root, and neither a 'postgres' nor a 'nobody' account exists to run PostgreSQL"
    )


def make_root(runas: RunAs) -> Path:
    """A fresh temporary directory the cluster's account owns and can reach."""
    base = Path(tempfile.gettempdir()).resolve()
    unusable = len(str(base)) > _MAX_SOCKET_DIR - 20 or (
        runas.uid is not None and not _others_can_enter(base)
    )
    if unusable:
        base = _SHARED_TMP
    root = Path(tempfile.mkdtemp(prefix="kaoping-pg-", dir=base))
    if runas.uid is not None:
        os.chown(root, runas.uid, runas.gid if runas.gid is not None else -1)
    return root


def _others_can_enter(path: Path) -> bool:
    return all(candidate.stat().st_mode & stat.S_IXOTH for candidate in (path, *path.parents))


def free_port() -> int:
    """A TCP port on :data:`HOST` that nobody listens on (until someone else binds it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def kill_postmaster(data: Path) -> None:
    """SIGKILL the server of the data directory ``data``, if its pid file names one."""
    try:
        pid = int((data / "postmaster.pid").read_text(encoding="utf-8").split()[0])
    except (OSError, ValueError, IndexError):
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)


class Watchdog:
    """A process that stops the cluster and removes its directory if the owner dies without cleaning up.

    It waits for end-of-file on a pipe whose only write end the owner holds; the kernel closes it however
    the owner dies (SIGTERM, SIGKILL, the OOM killer). It runs in its own session, so Ctrl-C and CI
    timeouts aimed at the owner miss it.
    """

    def __init__(self, programs: PgBinaries, data: Path, root: Path, runas: RunAs) -> None:
        read_end, self._lifeline = os.pipe()
        try:
            uid = "-" if runas.uid is None else str(runas.uid)
            gid = "-" if runas.gid is None else str(runas.gid)
            command = [
                sys.executable,
                "-c",
                _WATCHDOG,
                str(read_end),
                str(programs.pg_ctl),
                str(data),
                str(root),
            ]
            self._process = subprocess.Popen(  # noqa: S603 - our own interpreter and program, no shell
                [*command, uid, gid],
                pass_fds=(read_end,),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd="/",
                start_new_session=True,
            )
        except BaseException:
            os.close(self._lifeline)
            raise
        finally:
            os.close(read_end)

    def stop(self) -> None:
        """Close the pipe (the owner cleaned up: the watchdog finds nothing left to do) and wait for it."""
        os.close(self._lifeline)
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
