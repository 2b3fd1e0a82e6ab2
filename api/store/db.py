"""The database: engine and sessions, migrations, and where the data lives.

SQLite (the embedded default) runs in WAL mode with foreign keys on and a busy timeout; pysqlite's own
transaction handling is replaced by explicit ``BEGIN`` (``BEGIN IMMEDIATE`` for writes, see
:func:`begin_write`) so that concurrent workers queue for the write lock instead of failing.
``DATABASE_URL=postgresql+psycopg://...`` selects PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from api.errors import ConflictError
from rules.messages import Localised, Text, WordedError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 30_000
_WRITE = "kaoping_write"


class SchemaError(WordedError):
    """The database is not at the schema this kaoping needs (run ``kaoping db upgrade``): a message id."""


def make_engine(url: str) -> Engine:
    """An engine for ``url``; for a SQLite file the directory is created and the pragmas are set."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # 20 kept connections per worker (SQLAlchemy's 5 made the 40 request threads open and close
        # overflow connections all the time); 2 workers stay well inside PostgreSQL's 100.
        return create_engine(url, pool_pre_ping=True, pool_size=20, max_overflow=10)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _sqlite_begin)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # FULL: every acknowledged commit is on disk before the response, even through a power loss
        # (NORMAL in WAL mode survives a killed process but may lose the last commits of a crash).
        cursor.execute("PRAGMA synchronous=FULL")
    finally:
        cursor.close()


def _sqlite_begin(conn: Any) -> None:
    immediate = conn.get_execution_options().get(_WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def begin_write(session: Session) -> None:
    """Start the session's transaction as a write (SQLite: take the write lock now, not on first write).

    Must be the session's first database operation; elsewhere the option is ignored with a warning.
    """
    session.connection(execution_options={_WRITE: True})


def flush_new(session: Session, what: Localised | str) -> None:
    """Flush a transaction's new rows now; a concurrent insert of the same key is a 409.

    PostgreSQL waits for the other transaction, then fails here; SQLite's writers run one at a time.
    """
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise ConflictError("api.exists", what=what) from None


def new_session(engine: Engine) -> Session:
    """A session whose objects stay readable after commit."""
    return Session(engine, expire_on_commit=False)


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (resolved), or ``None`` for a database server."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    return Path(parsed.database or ":memory:").resolve()


def describe(url: str) -> str | Text:
    """Where the data lives, for people: the SQLite file (worded when said), or the URL without password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return Text("cli.db.sqlite_file", {"path": str(Path(parsed.database or ":memory:").resolve())})
    return parsed.render_as_string(hide_password=True)


def alembic_config() -> Config:
    """Alembic's configuration, pointing at the migrations shipped inside the package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Migrate the database to ``revision``; returns the revision it is at afterwards."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    return current_revision(engine)


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at (``None`` for an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest migration shipped with this kaoping."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def check_schema(engine: Engine) -> None:
    """Raise :class:`SchemaError` unless the database is at the newest migration."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise SchemaError(
            "db.schema_mismatch",
            database=describe(engine.url.render_as_string(hide_password=False)),
            current=current or "—",
            head=str(head),
        )


def ping(engine: Engine) -> bool:
    """True when the database answers."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means "unavailable" to the health check
        return False
    return True
