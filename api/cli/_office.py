"""What the office tools' commands share: the case store, reports on stdout, writing a file, error lines.

Their language is the run's (:mod:`api.cli.language`: ``--lang``, ``KAOPING_LANG``).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api import jsonio
from api.cli.language import lang

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sqlmodel import Session


def show(lines: list[str]) -> None:
    """A report on standard output, a line each."""
    sys.stdout.write("".join(f"{line}\n" for line in lines))


def show_json(value: Any) -> None:
    """A result as one line of JSON on standard output."""
    sys.stdout.write(jsonio.dumps(value) + "\n")


@contextlib.contextmanager
def store_session() -> Iterator[Session]:
    """A session on the configured database (which must be at the newest schema: ``kaoping db upgrade``)."""
    from api.settings import get_settings  # noqa: PLC0415 - keep `kaoping --help` fast
    from api.store import db  # noqa: PLC0415

    engine = db.make_engine(get_settings().effective_database_url)
    try:
        db.check_schema(engine)
        with db.new_session(engine) as session:
            yield session
    finally:
        engine.dispose()


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place (never half a file)."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.resolve().parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        umask = os.umask(0)
        os.umask(umask)
        Path(temp).chmod(0o666 & ~umask)
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def error_summary(errors: list[dict[str, Any]]) -> list[str]:
    """A contract error list as lines in the run's language: ``loc: msg`` (a file's problems say where)."""
    from engine.problems import localise  # noqa: PLC0415 - keep `kaoping --help` fast

    worded = errors if lang() == "zh" else localise(errors, lang())
    return [
        error["msg"]
        if error["loc"][:1] == ["file"]
        else f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"
        for error in worded
    ]
