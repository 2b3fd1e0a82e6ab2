"""Throwaway PostgreSQL servers for tests: :mod:`api.store.testing`'s, skipped (or failed) without PostgreSQL.

Without server binaries and without ``KAOPING_TEST_POSTGRES_URL`` a test that asks for a server is skipped
-- failed under ``KAOPING_REQUIRE_SYSTEM_DEPS=1`` (:func:`tests.support.system.missing_dependency`).
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from api.store import testing
from api.store.testing import (
    DEFAULT_DATABASE,
    URL_ENV,
    PostgresUnavailableError,
    psycopg_conninfo,
    sqlalchemy_url,
)
from tests.support.system import missing_dependency

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["URL_ENV", "TemporaryPostgres", "psycopg_conninfo", "sqlalchemy_url", "temporary_postgres"]


class TemporaryPostgres(testing.TemporaryPostgres):
    """:class:`api.store.testing.TemporaryPostgres` that skips (or fails) the test without PostgreSQL."""

    def start(self) -> str:
        """Create, start and populate the cluster; return its SQLAlchemy URL."""
        try:
            return super().start()
        except PostgresUnavailableError as exc:
            missing_dependency(str(exc))


@contextlib.contextmanager
def temporary_postgres(database: str = DEFAULT_DATABASE) -> Iterator[str]:
    """:func:`api.store.testing.temporary_postgres`, skipping (or failing) the test without PostgreSQL."""
    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(testing.temporary_postgres(database))
        except PostgresUnavailableError as exc:
            missing_dependency(str(exc))
        yield url
