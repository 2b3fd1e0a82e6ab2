"""Bearer tokens and what each party may do (issue 4 "Roles").

* ``finance_office`` may do everything.
* Every role may ``POST /evaluate`` and read ``/rules``.
* ``expert`` reads and scores only cases whose panel lists its expert id, and writes only its own score.
* ``project_unit`` reads only its own cases (``commission.project_unit``) and writes only their
  ``project_unit`` scores.
* ``auditor`` reads everything and writes nothing.

Tokens are random; only their SHA-256 is stored, looked up by hash and compared with
:func:`hmac.compare_digest`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import sqlalchemy
from sqlalchemy import bindparam
from sqlalchemy import exc as sa_exc
from sqlmodel import col

from api.errors import ForbiddenError
from api.roles import EVERYONE, OFFICE, READ_ALL, ROLES, SCORERS
from api.tables import TokenRow

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy import Engine
    from sqlalchemy.pool import PoolProxiedConnection

__all__ = [
    "EVERYONE",
    "OFFICE",
    "READ_ALL",
    "ROLES",
    "SCORERS",
    "Principal",
    "TokenLookup",
    "hash_token",
]

TOKEN_PREFIX: Final = "kp_"  # noqa: S105 - a prefix that marks kaoping tokens, not a secret
_MAX_TOKEN_CHARS: Final = 200


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's role and, for an expert or a project unit, which one."""

    token_id: int | None
    role: str
    expert_id: str | None = None
    unit_name: str | None = None
    label: str | None = None

    @property
    def actor(self) -> str:
        """How the audit log names this caller, e.g. ``expert:E1#3`` (``#`` the token number)."""
        if self.label is not None:
            return self.label
        who = self.expert_id or self.unit_name
        name = f"{self.role}:{who}" if who else self.role
        return f"{name}#{self.token_id}" if self.token_id is not None else name


CLI: Final = Principal(token_id=None, role="finance_office", label="cli")
"""The command line, run on the server by the office (the audit log's actor ``cli``)."""


def hash_token(token: str) -> str:
    """The SHA-256 (hex) a token is stored as."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A fresh random token (256 bits)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def _principal(row: Sequence[Any] | None, digest: str) -> Principal | None:
    """The principal of a token row found by ``digest``; ``None`` for no row or a revoked one.

    ``row`` is ``(id, role, expert_id, unit_name, revoked_at, token_hash)``; the stored hash and the
    request's are compared in constant time.
    """
    if row is None:
        return None
    token_id, role, expert_id, unit_name, revoked_at, token_hash = row
    if revoked_at is not None or not hmac.compare_digest(token_hash, digest):
        return None
    return Principal(token_id=token_id, role=role, expert_id=expert_id, unit_name=unit_name)


_BY_HASH = sqlalchemy.select(  # SQLAlchemy's: sqlmodel's select takes at most four columns
    col(TokenRow.id),
    col(TokenRow.role),
    col(TokenRow.expert_id),
    col(TokenRow.unit_name),
    col(TokenRow.revoked_at),
    col(TokenRow.token_hash),
).where(col(TokenRow.token_hash) == bindparam("digest"))


class TokenLookup:
    """Authentication on the request path: one SELECT by token hash on a DBAPI connection of its own.

    Why not an ORM session: a session and query cost about 1 ms of CPU per request (measured on SQLite,
    ``POST /evaluate``); the same indexed lookup straight on the driver costs about 10 µs, so it can run
    on the event loop instead of hopping to a thread. There is no cache: every request reads
    the row, so a revoked token is refused on the very next request, in every worker.

    The connection is taken from the engine's pool once and kept until :meth:`close`: a lookup on the
    event loop must never wait for a pool slot (sessions give theirs back on the event loop). On
    PostgreSQL it runs in autocommit while held (one round trip per lookup instead of BEGIN, SELECT and
    ROLLBACK; restored before it goes back to the pool); elsewhere each lookup ends its read transaction
    (``rollback``; on SQLite, in autocommit, that is a no-op). A
    connection that fails is invalidated; a lost one is replaced once, then the error is raised as
    SQLAlchemy's (an ``OperationalError`` is answered 503 like any other database outage).
    """

    def __init__(self, engine: Engine) -> None:
        compiled = _BY_HASH.compile(dialect=engine.dialect)
        self._engine = engine
        self._sql = str(compiled)
        self._positional = compiled.positional
        self._connection: PoolProxiedConnection | None = None
        self._autocommit = engine.dialect.name == "postgresql"
        self._lock = threading.Lock()  # one lookup at a time on the connection, whichever thread asks

    def principal(self, token: str) -> Principal | None:
        """The principal of a bearer token, or ``None`` for an unknown or revoked one."""
        if not token or len(token) > _MAX_TOKEN_CHARS:
            return None
        digest = hash_token(token)
        params: Any = (digest,) if self._positional else {"digest": digest}
        with self._lock:
            try:
                row = self._fetch(params)
            except self._engine.dialect.loaded_dbapi.Error as exc:
                if not self._discard(exc):
                    raise self._wrap(exc, params) from exc
                try:
                    row = self._fetch(params)  # once more, on a fresh connection
                except self._engine.dialect.loaded_dbapi.Error as again:
                    self._discard(again)
                    raise self._wrap(again, params) from again
        return _principal(row, digest)

    def close(self) -> None:
        """Give the connection back to the pool (the app's shutdown)."""
        with self._lock:
            if self._connection is not None:
                if self._autocommit:
                    self._connection.dbapi_connection.autocommit = False  # type: ignore[union-attr]
                self._connection.close()
                self._connection = None

    def _fetch(self, params: Any) -> Sequence[Any] | None:
        if self._connection is None:
            connection = self._engine.raw_connection()
            if self._autocommit:
                connection.dbapi_connection.autocommit = True  # type: ignore[union-attr]
            self._connection = connection
        connection = self._connection
        cursor = connection.cursor()
        try:
            cursor.execute(self._sql, params)
            row: Sequence[Any] | None = cursor.fetchone()
        finally:
            cursor.close()
        if not self._autocommit:
            connection.rollback()
        return row

    def _discard(self, exc: Any) -> bool:
        """Invalidate the connection after ``exc``; whether ``exc`` says the connection was lost."""
        connection, self._connection = self._connection, None
        if connection is None:
            return False
        lost = self._engine.dialect.is_disconnect(exc, connection.dbapi_connection, None)
        connection.invalidate(exc)
        return bool(lost)

    def _wrap(self, exc: Exception, params: Any) -> sa_exc.DBAPIError:
        error = sa_exc.DBAPIError.instance(self._sql, params, exc, self._engine.dialect.loaded_dbapi.Error)
        assert isinstance(error, sa_exc.DBAPIError)  # noqa: S101 - a DBAPI error always wraps as one
        return error


def require_role(principal: Principal, roles: frozenset[str]) -> Principal:
    """The principal, or :class:`ForbiddenError` when its role is not one of ``roles``."""
    if principal.role not in roles:
        raise ForbiddenError(f"a {principal.role} token may not do this")
    return principal


def member_ids(body: dict[str, Any]) -> list[str]:
    """The panel member ids a stored case lists (written out or by reference)."""
    panel = body.get("panel") or {}
    return [m["id"] for m in panel.get("members", []) if isinstance(m, dict) and isinstance(m.get("id"), str)]


def can_read_case(principal: Principal, *, project_unit: str, members: list[str]) -> bool:
    """Whether the principal may read a case of ``project_unit`` whose panel lists ``members``."""
    if principal.role in READ_ALL:
        return True
    if principal.role == "expert":
        return principal.expert_id is not None and principal.expert_id in members
    if principal.role == "project_unit":
        return principal.unit_name is not None and principal.unit_name == project_unit
    return False


def check_score_write(principal: Principal, party: str, *, member_scores: bool) -> None:
    """Raise :class:`ForbiddenError` unless the principal may write ``party``'s score this way.

    The case itself must already be readable by the principal.
    """
    role = principal.role
    if role == "finance_office":
        return
    if role == "expert" and party == "expert_panel":
        if member_scores:
            raise ForbiddenError('an expert writes only its own score: send {"score": ...}')
        return
    if role == "project_unit" and party == "project_unit":
        return
    raise ForbiddenError(f"a {role} token may not write the {party} score")
