"""The Alembic migrations build exactly the tables the code declares, and the app checks the schema."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from api.http.app import create_app
from api.settings import Settings
from api.store import db
from api.store.tables import METADATA
from tests.api.conftest import TestClient


def test_the_migrations_have_a_single_head():
    """One line of history: every revision but the first has one parent, and one revision is the newest."""
    scripts = ScriptDirectory.from_config(db.alembic_config())
    assert scripts.get_heads() == [db.head_revision()]
    revisions = list(scripts.walk_revisions())
    assert [r for r in revisions if r.down_revision is None] == [revisions[-1]]
    assert all(isinstance(r.down_revision, str) for r in revisions[:-1])  # no merge revisions


def test_the_migrated_database_matches_the_tables(migrated):
    """Autogenerate finds nothing to add, drop or alter; upgrading again changes nothing."""
    engine = db.make_engine(migrated)
    try:
        assert db.upgrade(engine) == db.head_revision() == "0008"
        with engine.connect() as conn:
            assert (
                compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), METADATA)
                == []
            )
        assert set(inspect(engine).get_table_names()) >= {
            "cases",
            "decisions",
            "agencies",
            "experts",
            "tokens",
            "audit",
        }
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    """The embedded default's pragmas."""
    engine = db.make_engine(f"sqlite:///{tmp_path / 'x' / 'k.sqlite3'}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == db.BUSY_TIMEOUT_MS
    finally:
        engine.dispose()


def test_the_app_refuses_to_start_on_an_unmigrated_database(tmp_path):
    """No silent half-schema: the lifespan names the command to run."""
    app = create_app(Settings(data_dir=tmp_path, database_url=None))
    with pytest.raises(db.SchemaError, match="kaoping db upgrade"), TestClient(app):
        pass
