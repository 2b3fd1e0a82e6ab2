"""API tokens: created by the command line, looked up on every request.

Tokens are random; only their SHA-256 is stored, looked up by hash and compared with
:func:`hmac.compare_digest`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING, Any, Final

import sqlalchemy
from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select

from api.store._held import CompiledRead, HeldConnection
from api.store.access import CLI, Principal
from api.store.audit import add_audit
from api.store.db import begin_write
from api.store.tables import TokenRow

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy import Engine

TOKEN_PREFIX: Final = "kp_"  # noqa: S105 - a prefix that marks kaoping tokens, not a secret
_MAX_TOKEN_CHARS: Final = 200


def hash_token(token: str) -> str:
    """The SHA-256 (hex) a token is stored as."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A fresh random token (256 bits)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def create_token(
    *,
    session: Session,
    role: str,
    expert_id: str | None = None,
    unit_name: str | None = None,
    label: str | None = None,
) -> str:
    """Store a new token's hash and return the token (the only time it exists in clear)."""
    begin_write(session)
    token = new_token()
    row = TokenRow(
        token_hash=hash_token(token), role=role, expert_id=expert_id, unit_name=unit_name, label=label
    )
    session.add(row)
    session.flush()
    detail = {"role": role, "expert_id": expert_id, "unit_name": unit_name, "label": label}
    add_audit(session, CLI, "token.create", f"token:{row.id}", detail)
    session.commit()
    return token


def count_tokens(*, session: Session) -> int:
    """How many unrevoked tokens exist."""
    statement = select(func.count()).select_from(TokenRow).where(col(TokenRow.revoked_at).is_(None))
    return int(session.exec(statement).one())


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
    """Authentication on the request path: one SELECT by token hash on a connection of its own.

    Why not an ORM session: a session and query cost many times what the same indexed lookup costs
    straight on the driver (docs/performance.md), which is cheap enough to run on the event loop instead
    of hopping to a thread. There is no cache: every request reads
    the row, so a revoked token is refused on the very next request, in every worker. The connection,
    its autocommit, and a lost one replaced: :class:`api.store._held.HeldConnection`.
    """

    def __init__(self, engine: Engine) -> None:
        self._held = HeldConnection(engine)
        self._by_hash = CompiledRead(_BY_HASH, engine.dialect)

    def principal(self, token: str) -> Principal | None:
        """The principal of a bearer token, or ``None`` for an unknown or revoked one."""
        if not token or len(token) > _MAX_TOKEN_CHARS:
            return None
        digest = hash_token(token)
        values = {"digest": digest}
        rows = self._held.read(lambda fetch: self._by_hash.all(fetch, values))
        return _principal(rows[0] if rows else None, digest)

    def close(self) -> None:
        """Give the connection back to the pool (the app's shutdown)."""
        self._held.close()
