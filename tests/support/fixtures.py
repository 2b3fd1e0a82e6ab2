"""Pytest fixtures for system programs.

Import them into ``tests/conftest.py`` (only there, so each session-scoped fixture exists once)::

    from tests.support.fixtures import postgres_url, soffice  # noqa: F401
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.support.postgres import temporary_postgres
from tests.support.system import need_soffice

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """SQLAlchemy URL (``postgresql+psycopg://...``) of an empty database on a throwaway server.

    One server per test session (per xdist worker); ``KAOPING_TEST_POSTGRES_URL`` overrides it.
    Skips -- fails under ``KAOPING_REQUIRE_SYSTEM_DEPS=1`` -- when PostgreSQL is not installed.
    """
    with temporary_postgres() as url:
        yield url


@pytest.fixture(scope="session")
def soffice() -> str:
    """Path of LibreOffice's ``soffice``; skips (fails under ``KAOPING_REQUIRE_SYSTEM_DEPS=1``) without it."""
    return need_soffice()
