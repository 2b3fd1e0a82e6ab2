"""API tokens: created, listed and revoked by the command line, looked up on every request.

Tokens are random; only their SHA-256 is stored, looked up by hash and compared with
:func:`hmac.compare_digest`. A token may carry an expiry; an expired or revoked one is refused on the
very next request, in every worker (the lookup reads the row every time). Creating and revoking are
audited.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

import sqlalchemy
from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select

from api.errors import ConflictError, NotFoundError
from api.store._held import CompiledRead, HeldConnection
from api.store.access import CLI, Principal
from api.store.audit import add_audit
from api.store.db import begin_write, flush_new
from api.store.tables import TokenRow, utcnow

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


def create_token(  # noqa: PLR0913 - one keyword per property of the token
    *,
    session: Session,
    role: str,
    expert_id: str | None = None,
    unit_name: str | None = None,
    label: str | None = None,
    expires_at: datetime | None = None,
) -> str:
    """Store a new token's hash and return the token (the only time it exists in clear)."""
    begin_write(session)
    token = new_token()
    row = TokenRow(
        token_hash=hash_token(token),
        role=role,
        expert_id=expert_id,
        unit_name=unit_name,
        label=label,
        expires_at=expires_at,
    )
    session.add(row)
    flush_new(session, "token")
    detail: dict[str, Any] = {"role": role, "expert_id": expert_id, "unit_name": unit_name, "label": label}
    if expires_at is not None:
        detail["expires_at"] = expires_at.astimezone(UTC).isoformat()
    add_audit(session, CLI, "token.create", f"token:{row.id}", detail)
    session.commit()
    return token


def count_tokens(*, session: Session) -> int:
    """How many tokens can still be used (neither revoked nor expired)."""
    statement = (
        select(func.count())
        .select_from(TokenRow)
        .where(col(TokenRow.revoked_at).is_(None))
        .where(col(TokenRow.expires_at).is_(None) | (col(TokenRow.expires_at) > utcnow()))
    )
    return int(session.exec(statement).one())


@dataclass(frozen=True)
class TokenInfo:
    """A token as ``kaoping token list`` shows it (never the token itself)."""

    id: int
    role: str
    expert_id: str | None
    unit_name: str | None
    label: str | None
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


def list_tokens(*, session: Session) -> list[TokenInfo]:
    """Every token, oldest first, revoked and expired ones included."""
    rows = session.exec(select(TokenRow).order_by(col(TokenRow.id))).all()
    return [
        TokenInfo(
            id=row.id or 0,
            role=row.role,
            expert_id=row.expert_id,
            unit_name=row.unit_name,
            label=row.label,
            created_at=_aware(row.created_at),
            expires_at=_aware(row.expires_at) if row.expires_at else None,
            revoked_at=_aware(row.revoked_at) if row.revoked_at else None,
        )
        for row in rows
    ]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def revoke_token(*, session: Session, token_id: int) -> TokenInfo:
    """Revoke a token now (the next request with it is refused, in every worker); audited.

    Raises:
        NotFoundError: no token has that id.
        ConflictError: it is revoked already.
    """
    begin_write(session)
    row = session.exec(select(TokenRow).where(TokenRow.id == token_id).with_for_update()).first()
    if row is None:
        raise NotFoundError("token.no_such", id=token_id)
    if row.revoked_at is not None:
        raise ConflictError("token.revoked_already", id=token_id)
    row.revoked_at = utcnow()
    session.add(row)
    detail = {"role": row.role, "expert_id": row.expert_id, "unit_name": row.unit_name}
    add_audit(session, CLI, "token.revoke", f"token:{row.id}", detail)
    session.commit()
    return next(info for info in list_tokens(session=session) if info.id == token_id)


@dataclass(frozen=True)
class Expired:
    """A token that was valid until ``at``."""

    at: datetime


def _principal(row: Sequence[Any] | None, digest: str) -> Principal | Expired | None:
    """The principal of a token row found by ``digest``; ``None`` for no row or a revoked one.

    ``row`` is ``(id, role, expert_id, unit_name, revoked_at, token_hash, expires_at)``; the stored hash
    and the request's are compared in constant time.
    """
    if row is None:
        return None
    token_id, role, expert_id, unit_name, revoked_at, token_hash, expires_at = row
    if revoked_at is not None or not hmac.compare_digest(token_hash, digest):
        return None
    if expires_at is not None and _aware(expires_at) <= datetime.now(UTC):
        return Expired(_aware(expires_at))
    return Principal(token_id=token_id, role=role, expert_id=expert_id, unit_name=unit_name)


_BY_HASH = sqlalchemy.select(  # SQLAlchemy's: sqlmodel's select takes at most four columns
    col(TokenRow.id),
    col(TokenRow.role),
    col(TokenRow.expert_id),
    col(TokenRow.unit_name),
    col(TokenRow.revoked_at),
    col(TokenRow.token_hash),
    col(TokenRow.expires_at),
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

    def lookup(self, token: str) -> Principal | Expired | None:
        """The principal of a bearer token, :class:`Expired`, or ``None`` for an unknown or revoked one."""
        if not token or len(token) > _MAX_TOKEN_CHARS:
            return None
        digest = hash_token(token)
        values = {"digest": digest}
        rows = self._held.read(lambda fetch: self._by_hash.all(fetch, values))
        return _principal(rows[0] if rows else None, digest)

    def principal(self, token: str) -> Principal | None:
        """The principal of a bearer token, or ``None`` for an unknown, revoked or expired one."""
        found = self.lookup(token)
        return found if isinstance(found, Principal) else None

    def close(self) -> None:
        """Give the connection back to the pool (the app's shutdown)."""
        self._held.close()
