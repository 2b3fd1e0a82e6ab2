"""The request path of ``POST /evaluate`` kept cheap: lean token lookup, no thread hops, depth check.

Runs on SQLite and on PostgreSQL, like the other API tests.
"""

from __future__ import annotations

import hashlib
import inspect
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import text

from api.http.deps import get_principal
from api.http.routes.evaluate import evaluate
from api.http.routing import MAX_DEPTH, depth
from api.store import db
from api.store.tokens import TokenLookup
from tests.api.conftest import EXAMPLE, V1, TestClient, make_token

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    from sqlalchemy import Engine


@pytest.fixture
def engine(migrated: str) -> Iterator[Engine]:
    """An engine on the module's database, as the app makes it."""
    made = db.make_engine(migrated)
    try:
        yield made
    finally:
        made.dispose()


@pytest.fixture
def lookup(engine: Engine) -> Iterator[TokenLookup]:
    """A token lookup on that engine, closed afterwards."""
    made = TokenLookup(engine)
    try:
        yield made
    finally:
        made.close()


def test_the_route_and_the_caller_run_on_the_event_loop() -> None:
    """Both are coroutines, so FastAPI runs neither in a worker thread (each hop cost CPU for nothing)."""
    assert inspect.iscoroutinefunction(evaluate)
    assert inspect.iscoroutinefunction(get_principal)


def test_the_lookup_finds_each_role(migrated: str, lookup: TokenLookup) -> None:
    """The principal carries the token's id, role, expert id and unit name, as the ORM lookup does."""
    expert = make_token(migrated, "expert", expert_id="E7")
    unit = make_token(migrated, "project_unit", unit_name="七宝镇某单位")
    found = lookup.principal(expert)
    assert found is not None
    assert (found.role, found.expert_id, found.unit_name) == ("expert", "E7", None)
    assert isinstance(found.token_id, int)
    found = lookup.principal(unit)
    assert found is not None
    assert (found.role, found.expert_id, found.unit_name) == ("project_unit", None, "七宝镇某单位")


@pytest.mark.parametrize("token", ["", "kp_unknown", "k" * 201])
def test_the_lookup_refuses_unknown_empty_and_long_tokens(lookup: TokenLookup, token: str) -> None:
    """Nothing matches: ``None``, as for the ORM lookup."""
    assert lookup.principal(token) is None


def test_a_revocation_is_seen_by_the_next_lookup(migrated: str, engine: Engine, lookup: TokenLookup) -> None:
    """No cache: the lookup that follows a revocation (by another connection) refuses the token."""
    token = make_token(migrated, "auditor")
    assert lookup.principal(token) is not None
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE tokens SET revoked_at = :at WHERE token_hash = :digest"),
            {
                "at": datetime.now(UTC).replace(tzinfo=None),
                "digest": hashlib.sha256(token.encode()).hexdigest(),
            },
        )
    assert lookup.principal(token) is None


def test_a_lost_connection_is_replaced(migrated: str, lookup: TokenLookup) -> None:
    """The driver connection dies under the lookup (a restarted server): the next lookup reconnects."""
    token = make_token(migrated, "finance_office")
    assert lookup.principal(token) is not None
    held = lookup._held._connection
    assert held is not None
    held.dbapi_connection.close()
    assert lookup.principal(token) is not None
    assert lookup._held._connection is not held


def test_a_database_error_is_sqlalchemys(tmp_path: Any) -> None:
    """A failure that is not a lost connection is raised as SQLAlchemy's error (the app's handlers then
    answer 503 for an OperationalError, as for any other query), and the connection is dropped."""
    engine = db.make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")  # not migrated: no tokens table
    lookup = TokenLookup(engine)
    try:
        with pytest.raises(sa_exc.OperationalError, match="no such table"):
            lookup.principal("kp_anything")
        assert lookup._held._connection is None
    finally:
        lookup.close()
        engine.dispose()


def test_close_gives_the_connection_back_and_a_later_lookup_reconnects(
    migrated: str, engine: Engine, lookup: TokenLookup
) -> None:
    """Closing (the app's shutdown) returns the connection to the pool; a later lookup takes one again."""
    token = make_token(migrated, "finance_office")
    assert lookup.principal(token) is not None
    lookup.close()
    assert lookup._held._connection is None
    assert lookup.principal(token) is not None


def test_on_postgresql_the_held_connection_reads_in_autocommit_and_goes_back_clean(
    migrated: str, engine: Engine, lookup: TokenLookup
) -> None:
    """PostgreSQL: one round trip per lookup (no BEGIN/ROLLBACK), and the pool gets back a connection
    in its usual transactional mode. SQLite keeps the driver's own mode."""
    token = make_token(migrated, "finance_office")
    assert lookup.principal(token) is not None
    held = lookup._held._connection
    assert held is not None
    driver = held.dbapi_connection
    postgres = engine.dialect.name == "postgresql"
    if postgres:
        assert driver.autocommit is True  # type: ignore[union-attr]
    lookup.close()
    if postgres:
        assert driver.autocommit is False  # type: ignore[union-attr]
    with engine.connect() as connection:  # the pool's connection works transactionally as before
        assert connection.execute(text("SELECT 1")).scalar_one() == 1
        assert connection.in_transaction()


def test_the_app_closes_its_lookup_on_shutdown(app: Any, office: dict[str, str]) -> None:
    """After the lifespan ends the app holds no connection of the lookup's."""
    with TestClient(app) as client:
        assert client.post(f"{V1}/evaluate", json=EXAMPLE, headers=office).status_code == 200
        assert app.state.tokens._held._connection is not None
    assert app.state.tokens._held._connection is None


def _nested(levels: int) -> Any:
    value: Any = 1
    for level in range(levels):
        value = {"a": value} if level % 2 else [value]
    return value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, 0),
        ("x", 0),
        (None, 0),
        ({}, 1),
        ([], 1),
        ([1, "a", None], 1),
        ({"a": [1, {"b": []}], "c": 2}, 4),
        ([[], [[[]]], {}], 4),
        (_nested(MAX_DEPTH), MAX_DEPTH),
        (_nested(MAX_DEPTH + 1), MAX_DEPTH + 1),
        (_nested(5000), MAX_DEPTH + 1),
    ],
)
def test_depth_is_exact_up_to_the_limit(value: Any, expected: int) -> None:
    """Exact up to MAX_DEPTH, MAX_DEPTH + 1 for anything deeper (never a RecursionError)."""
    assert depth(value) == expected


def test_the_worked_example_is_six_deep() -> None:
    """The docstring's "a case is about 6 deep"."""
    assert depth(EXAMPLE) == 6
