"""Bearer tokens: hashed at rest, compared in constant time, never logged.

Also: a revoked token and every malformed ``Authorization`` header are 401s, never 500s. Runs on
SQLite and on PostgreSQL, like the other API tests.
"""

from __future__ import annotations

import hashlib
import hmac
import inspect
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy import inspect as sa_inspect

import api.store.tokens
from api.store import db
from tests.api.conftest import V1, TestClient, make_token
from tests.api.test_cli import TOKEN, env, kaoping  # noqa: F401 - `env` is the CLI tests' fixture

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sqlalchemy import Engine


@pytest.fixture(scope="module")
def raw(migrated: str) -> Iterator[Engine]:
    """A plain SQLAlchemy engine on the module's database, to read what is stored."""
    engine = create_engine(migrated)
    try:
        yield engine
    finally:
        engine.dispose()


def _every_stored_value(engine: Engine) -> str:
    """Every row of every table, as one text to search."""
    chunks: list[str] = []
    with engine.connect() as conn:
        for table in sa_inspect(conn).get_table_names():
            chunks.extend(repr(tuple(row)) for row in conn.execute(text(f'SELECT * FROM "{table}"')))
    return "\n".join(chunks)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# ---------------------------------------------------------------- hashed at rest


def test_tokens_are_stored_as_their_sha256_only(client: TestClient, migrated: str, raw: Engine) -> None:
    """The tokens table holds the SHA-256 of each token; no table anywhere holds a token in clear."""
    token = make_token(migrated, "finance_office")
    assert client.get(f"{V1}/cases", headers=bearer(token)).status_code == 200
    with raw.connect() as conn:
        columns = [c["name"] for c in sa_inspect(conn).get_columns("tokens")]
        hashes = [row.token_hash for row in conn.execute(text("SELECT token_hash FROM tokens"))]
    assert hashlib.sha256(token.encode()).hexdigest() in hashes
    assert not {"token", "secret", "plaintext"} & set(columns)
    assert all(len(h) == 64 and set(h) <= set("0123456789abcdef") for h in hashes)
    stored = _every_stored_value(raw)
    assert token not in stored
    assert token.removeprefix(api.store.tokens.TOKEN_PREFIX) not in stored


def test_the_stored_hash_is_not_itself_a_token(client: TestClient, migrated: str) -> None:
    """Someone who reads the table cannot use what is there."""
    token = make_token(migrated, "finance_office")
    stolen = hashlib.sha256(token.encode()).hexdigest()
    assert client.get(f"{V1}/cases", headers=bearer(stolen)).status_code == 401


# ---------------------------------------------------------------- constant time


def test_tokens_are_looked_up_by_hash_and_compared_with_compare_digest() -> None:
    """The clear token is only hashed; the hash selects the row and is compared with
    :func:`hmac.compare_digest`, never with ``==`` on the token."""
    source = inspect.getsource(api.store.tokens.TokenLookup.lookup)
    assert "hash_token(token)" in source
    assert "_principal(" in source
    assert "== token" not in source
    assert "token ==" not in source
    assert str(api.store.tokens._BY_HASH).endswith("WHERE tokens.token_hash = :digest")
    assert "hmac.compare_digest(token_hash, digest)" in inspect.getsource(api.store.tokens._principal)


def test_authentication_calls_compare_digest(
    client: TestClient, migrated: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every successful authentication went through ``hmac.compare_digest`` on the two hashes."""
    token = make_token(migrated, "auditor")
    calls: list[tuple[Any, Any]] = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(api.store.tokens.hmac, "compare_digest", spy)
    assert client.get(f"{V1}/cases", headers=bearer(token)).status_code == 200
    digest = hashlib.sha256(token.encode()).hexdigest()
    assert (digest, digest) in calls


def _same_length_wrong(token: str) -> list[str]:
    last = "A" if token[-1] != "A" else "B"
    first = token[len(api.store.tokens.TOKEN_PREFIX)]
    first = "A" if first != "A" else "B"
    return [
        token[:-1] + last,  # differs in the last character only
        api.store.tokens.TOKEN_PREFIX
        + first
        + token[len(api.store.tokens.TOKEN_PREFIX) + 1 :],  # in the first
        token.swapcase(),  # in case only
    ]


def test_a_wrong_token_of_the_same_length_is_401(client: TestClient, migrated: str) -> None:
    """Near misses of a real token are unknown tokens."""
    token = make_token(migrated, "finance_office")
    for wrong in _same_length_wrong(token):
        assert len(wrong) == len(token)
        response = client.get(f"{V1}/cases", headers=bearer(wrong))
        assert response.status_code == 401, wrong
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert response.json() == {"detail": "访问令牌无效或已被吊销"}


# ---------------------------------------------------------------- never logged


@pytest.fixture
def every_logger_at_debug(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """caplog with every logger (SQLAlchemy's statements and parameters included) at DEBUG."""
    loggers = [logging.getLogger(), *map(logging.getLogger, list(logging.root.manager.loggerDict))]
    levels = [(logger, logger.level, logger.disabled) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
    for name in ("sqlalchemy.engine", "sqlalchemy.pool", "httpx", "httpcore", "uvicorn", "fastapi"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    try:
        yield caplog
    finally:
        for logger, level, disabled in levels:
            logger.setLevel(level)
            logger.disabled = disabled


def test_tokens_never_appear_in_logs(
    client: TestClient, migrated: str, every_logger_at_debug: pytest.LogCaptureFixture
) -> None:
    """Good, wrong, revoked and malformed tokens in requests that succeed, fail and are refused: no log
    record (message, arguments or exception) holds any of them."""
    caplog = every_logger_at_debug
    good = make_token(migrated, "finance_office")
    wrong = _same_length_wrong(good)[0]
    unknown = "kp_" + "x" * 43
    requests = [
        ("GET", "/cases", good, None),
        ("POST", "/evaluate", good, {"case_id": "LOG-1"}),
        ("GET", "/cases/NO-SUCH", good, None),
        ("GET", "/cases", wrong, None),
        ("GET", "/cases", unknown, None),
        ("POST", "/cases", good, [1]),
    ]
    statuses = []
    for method, path, token, body in requests:
        response = client.request(method, V1 + path, json=body, headers=bearer(token))
        statuses.append(response.status_code)
    assert statuses == [200, 422, 404, 401, 401, 422]
    assert caplog.records, "nothing was logged at all: the test would prove nothing"
    assert any(r.name.startswith("sqlalchemy.engine") for r in caplog.records), "SQL was not logged"
    for record in caplog.records:
        seen = " ".join([record.getMessage(), repr(record.args), str(record.exc_info), record.exc_text or ""])
        for token in (good, wrong, unknown):
            assert token not in seen, f"{record.name}: {seen[:300]}"
            assert token.removeprefix("kp_") not in seen, f"{record.name}: {seen[:300]}"


def test_token_create_prints_the_token_on_stdout_and_nowhere_else(env: dict[str, str]) -> None:  # noqa: F811
    """``kaoping token create``: stdout is the token and a newline; stderr does not show it."""
    result = kaoping(env, "token", "create", "--role", "finance_office", "--label", "office desk")
    assert result.returncode == 0, result.stderr
    assert TOKEN.match(result.stdout)
    assert result.stdout.strip() not in result.stderr


# ---------------------------------------------------------------- revoked and malformed


def test_a_revoked_token_is_401(client: TestClient, migrated: str, raw: Engine) -> None:
    """Revoking is setting ``revoked_at``; the token stops working at once."""
    token = make_token(migrated, "finance_office")
    assert client.get(f"{V1}/cases", headers=bearer(token)).status_code == 200
    digest = hashlib.sha256(token.encode()).hexdigest()
    with raw.begin() as conn:
        conn.execute(
            text("UPDATE tokens SET revoked_at = :at WHERE token_hash = :digest"),
            {"at": datetime.now(UTC).replace(tzinfo=None), "digest": digest},
        )
    response = client.get(f"{V1}/cases", headers=bearer(token))
    assert response.status_code == 401
    assert response.json() == {"detail": "访问令牌无效或已被吊销"}
    assert client.post(f"{V1}/evaluate", json={}, headers=bearer(token)).status_code == 401
    engine = db.make_engine(migrated)
    lookup = api.store.tokens.TokenLookup(engine)
    try:
        assert lookup.principal(token) is None
    finally:
        lookup.close()
        engine.dispose()


MALFORMED: list[bytes] = [
    b"",
    b"Bearer",
    b"Bearer ",
    b"Bearer    ",
    b"Basic dXNlcjpwYXNzd29yZA==",
    b"Token kp_abc",
    b"kp_abc",
    b"Bearer kp_abc extra words",
    b"Bearer " + b"k" * 10_000,
    b"Bearer kp_\xff\xfe\xfd",
    b"Bearer kp_\xe4\xb8\x83\xe5\xae\x9d",
    b"Bearer kp_abc\tdef",
    b"Bearer%20kp_abc",
    b"Bearer ' OR '1'='1",
    b"Bearer kp_abc; DROP TABLE tokens",
]


@pytest.mark.parametrize("value", MALFORMED, ids=[repr(v[:30]) for v in MALFORMED])
def test_a_malformed_authorization_header_is_401(client: TestClient, value: bytes) -> None:
    """Odd schemes, no token, long tokens, bytes that are not UTF-8: 401 with a sentence, never a 500."""
    response = client.get(f"{V1}/cases", headers={"Authorization": value})
    assert response.status_code == 401, response.text
    assert isinstance(response.json()["detail"], str)
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_two_authorization_headers_are_not_a_500(client: TestClient, migrated: str) -> None:
    """A repeated header is answered (with the first one's verdict or 401), never with a 500."""
    token = make_token(migrated, "auditor")
    headers = [("Authorization", f"Bearer {token}"), ("Authorization", "Bearer nonsense")]
    response = client.get(f"{V1}/cases", headers=headers)
    assert response.status_code in {200, 401}, response.text
