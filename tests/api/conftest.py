"""Fixtures of the HTTP API tests: every module runs on SQLite and on PostgreSQL, each on a fresh database."""

from __future__ import annotations

import contextlib
import copy
import itertools
import json
import uuid
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from starlette.exceptions import StarletteDeprecationWarning

from api.http.app import create_app
from api.settings import Settings
from api.store import db
from api.store.tokens import create_token
from tests.support.fixtures import postgres_url  # noqa: F401 - the session fixture the PostgreSQL runs use

with warnings.catch_warnings():
    # starlette prefers httpx2 and warns once, at import, when it finds httpx (a test-only dependency).
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

if TYPE_CHECKING:
    from collections.abc import Iterator

    from fastapi import FastAPI

EXAMPLE = json.loads(
    (Path(__file__).resolve().parents[2] / "examples" / "QB-2024-007.case.json").read_text("utf-8")
)
UNIT = EXAMPLE["commission"]["project_unit"]
AGENCY = EXAMPLE["agency"]["credit_code"]
V1 = "/api/v1"

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def example(case_id: str, **changes: Any) -> dict[str, Any]:
    """The worked example under another ``case_id`` (top-level keys replaced by ``changes``)."""
    case = copy.deepcopy(EXAMPLE)
    case["case_id"] = case_id
    case.update(changes)
    return case


def unique(prefix: str = "T") -> str:
    """A fresh case id."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


_NUMBERS = itertools.count(1000)


def document_number() -> int:
    """A document number no other test of the session uses (numbers are unique per office and year)."""
    return next(_NUMBERS)


@contextlib.contextmanager
def fresh_database(request: pytest.FixtureRequest, kind: str, folder: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file in ``folder``, or a new database on the test server."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'kaoping.sqlite3'}"
        return
    server = make_url(request.getfixturevalue("postgres_url"))
    name = f"kp_{uuid.uuid4().hex[:16]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, empty database for this module."""
    with fresh_database(request, request.param, tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="module")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings on the module's database (nothing taken from the environment that matters here)."""
    return Settings(database_url=database_url, data_dir=tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="module")
def migrated(settings: Settings) -> str:
    """The module's database, migrated; returns its URL."""
    engine = db.make_engine(settings.effective_database_url)
    try:
        db.upgrade(engine)
    finally:
        engine.dispose()
    return settings.effective_database_url


@pytest.fixture(scope="module")
def app(settings: Settings, migrated: str) -> FastAPI:
    """The application on the module's database."""
    return create_app(settings)


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    """A client of the app, with its lifespan running."""
    with TestClient(app) as test_client:
        yield test_client


def make_token(url: str, role: str, *, expert_id: str | None = None, unit_name: str | None = None) -> str:
    """A new token of ``role`` in the database at ``url``."""
    engine = db.make_engine(url)
    try:
        with db.new_session(engine) as session:
            return create_token(session=session, role=role, expert_id=expert_id, unit_name=unit_name)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def tokens(migrated: str) -> dict[str, dict[str, str]]:
    """Authorization headers by party: the office, the auditor, experts E2 and E9, the unit and another."""
    made = {
        "office": make_token(migrated, "finance_office"),
        "auditor": make_token(migrated, "auditor"),
        "expert": make_token(migrated, "expert", expert_id="E2"),
        "stranger": make_token(migrated, "expert", expert_id="E9"),
        "unit": make_token(migrated, "project_unit", unit_name=UNIT),
        "other_unit": make_token(migrated, "project_unit", unit_name="某某街道办事处"),
    }
    return {party: {"Authorization": f"Bearer {token}"} for party, token in made.items()}


@pytest.fixture
def office(tokens: dict[str, dict[str, str]]) -> dict[str, str]:
    """The finance office's headers."""
    return tokens["office"]


def create_case(client: TestClient, headers: dict[str, str], case: dict[str, Any]) -> dict[str, Any]:
    """POST a case and return the stored case (asserting 201)."""
    response = client.post(f"{V1}/cases", json=case, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body
