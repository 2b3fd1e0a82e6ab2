"""Alembic environment: migrate the connection kaoping hands over, or the configured database."""
# ruff: noqa: INP001 - Alembic loads this file by path; the directory is package data, not a package

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from api.store.tables import METADATA

_LOCK_KEY = 0x6B616F70  # "kaop": one migration at a time per PostgreSQL database


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=METADATA,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        if context.get_context().dialect.name == "postgresql":
            context.execute(text(f"SELECT pg_advisory_xact_lock({_LOCK_KEY})"))
        context.run_migrations()


def run_migrations_online() -> None:
    """Use the connection from :func:`api.store.db.upgrade`, else open the configured database."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from api.settings import get_settings  # noqa: PLC0415 - only for the `alembic` command line
    from api.store.db import make_engine  # noqa: PLC0415

    engine = make_engine(get_settings().effective_database_url)
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("kaoping's migrations run online only: use `kaoping db upgrade`")
run_migrations_online()
