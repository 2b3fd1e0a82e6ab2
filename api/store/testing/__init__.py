"""Helpers for testing against the store: throwaway PostgreSQL servers, for the tests and the benchmarks.

Like ``structlog.testing``, part of the package so that the test suite and the benchmarks import them from
one place; nothing in the product itself uses them.

:func:`temporary_postgres` yields a SQLAlchemy URL (``postgresql+psycopg://...``) of an empty database:

* ``KAOPING_TEST_POSTGRES_URL`` set -> that server is used as is (nothing is started or dropped; a
  ``postgresql://`` URL is given the ``+psycopg`` driver).  Its users must then tolerate existing tables.
* otherwise a private cluster is created with Debian's server binaries (``/usr/lib/postgresql/<v>/bin``,
  else ``initdb``/``pg_ctl`` on PATH) in a temporary directory, started on a free TCP port on 127.0.0.1
  (unix socket in the same temporary directory, ``fsync=off``), given a database ``kaoping_test`` owned by
  the trust-authenticated superuser ``kaoping``, and stopped and deleted on exit -- also when start-up fails,
  and (through a watchdog process) when the owning process is killed without cleaning up.
  PostgreSQL refuses to run as root, so under root the cluster belongs to and runs as the unprivileged
  ``postgres`` user (created by Debian's ``postgresql`` package; ``nobody`` as a fallback).
* no server binaries -> :class:`PostgresUnavailableError` (the test suite turns it into a skip).
"""

from __future__ import annotations

import contextlib
import os
import re
from typing import TYPE_CHECKING

from api.store.testing.postgres import (
    DEFAULT_DATABASE,
    URL_ENV,
    PostgresUnavailableError,
    TemporaryPostgres,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "DEFAULT_DATABASE",
    "URL_ENV",
    "PostgresUnavailableError",
    "TemporaryPostgres",
    "psycopg_conninfo",
    "sqlalchemy_url",
    "temporary_postgres",
]


def sqlalchemy_url(url: str) -> str:
    """``postgresql://`` / ``postgres://`` -> ``postgresql+psycopg://`` (other drivers are left alone)."""
    return re.sub(r"^postgres(?:ql)?://", "postgresql+psycopg://", url)


def psycopg_conninfo(url: str) -> str:
    """A SQLAlchemy ``postgresql+psycopg://`` URL as a libpq URI psycopg.connect() accepts."""
    return re.sub(r"^postgresql\+\w+://", "postgresql://", url)


@contextlib.contextmanager
def temporary_postgres(database: str = DEFAULT_DATABASE) -> Iterator[str]:
    """Yield the SQLAlchemy URL of a throwaway PostgreSQL database (see the module docstring)."""
    external = os.environ.get(URL_ENV, "").strip()
    if external:
        yield sqlalchemy_url(external)
        return
    with TemporaryPostgres(database) as cluster:
        if cluster.url is None:  # pragma: no cover - start() sets it or raises
            raise RuntimeError("the cluster started without a URL")
        yield cluster.url
