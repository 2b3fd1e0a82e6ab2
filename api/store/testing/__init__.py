"""Helpers for testing against the store: a throwaway PostgreSQL server (tests and benchmarks share it).

Like ``structlog.testing``, part of the package so that the test suite and the benchmarks import it from
one place; nothing in the product itself uses it.
"""

from api.store.testing.postgres import (
    DEFAULT_DATABASE,
    URL_ENV,
    PostgresUnavailableError,
    TemporaryPostgres,
    psycopg_conninfo,
    sqlalchemy_url,
    temporary_postgres,
)

__all__ = [
    "DEFAULT_DATABASE",
    "URL_ENV",
    "PostgresUnavailableError",
    "TemporaryPostgres",
    "psycopg_conninfo",
    "sqlalchemy_url",
    "temporary_postgres",
]
