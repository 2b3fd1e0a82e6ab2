"""Sessions of the web pages: a browser that signed in with an access token.

The browser keeps a random session id in a cookie; only its SHA-256 is stored, with the token it signed
in with, a CSRF secret and an expiry. Every page reads the session and its token again
(:func:`lookup_session`): a token revoked or expired since ends the session on the very next page, in
every worker. Signing in and out is audited.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from sqlmodel import Session, col, delete, select

from api.store.access import Principal
from api.store.audit import add_audit
from api.store.db import begin_write
from api.store.tables import TokenRow, WebSessionRow, utcnow

if TYPE_CHECKING:
    from api.store.tokens import TokenLookup

_MAX_COOKIE_CHARS = 200


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Active:
    """A signed-in browser: who it is, the CSRF secret its forms carry, when the session ends."""

    principal: Principal
    csrf: str
    expires_at: datetime


@dataclass(frozen=True)
class Ended:
    """No session (``none``), or one that ended: its own time ran out, or its token's, or it was revoked."""

    reason: Literal["none", "expired", "token_expired", "revoked"]
    at: datetime | None = None


def start_session(*, session: Session, principal: Principal, lifetime: timedelta) -> tuple[str, Active]:
    """A new session for ``principal`` (a token's caller): the cookie's value and the session.

    Sessions whose time has passed are deleted on the way.
    """
    if principal.token_id is None:
        raise ValueError("a web session is signed in with a token")
    begin_write(session)
    now = utcnow()
    session.exec(delete(WebSessionRow).where(col(WebSessionRow.expires_at) <= now))
    cookie = secrets.token_urlsafe(32)
    row = WebSessionRow(
        id_hash=_digest(cookie),
        token_id=principal.token_id,
        csrf=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + lifetime,
    )
    session.add(row)
    session.flush()
    add_audit(session, principal, "session.sign_in", f"token:{principal.token_id}")
    session.commit()
    return cookie, Active(principal=principal, csrf=row.csrf, expires_at=row.expires_at)


def sign_in(*, tokens: TokenLookup, token: str) -> Principal | Ended:
    """The caller of an access token typed into the sign-in page, or why it cannot sign in."""
    from api.store.tokens import Expired  # noqa: PLC0415 - beside the lookup it answers

    found = tokens.lookup(token.strip())
    if isinstance(found, Expired):
        return Ended("token_expired", found.at)
    if found is None:
        return Ended("none")
    return found


def lookup_session(*, session: Session, cookie: str | None) -> Active | Ended:
    """The session of a cookie, its token read again; an ended one is deleted and says why."""
    if not cookie or len(cookie) > _MAX_COOKIE_CHARS:
        return Ended("none")
    digest = _digest(cookie)
    statement = select(WebSessionRow, TokenRow).join(
        TokenRow, col(TokenRow.id) == col(WebSessionRow.token_id)
    )
    found = session.exec(statement.where(WebSessionRow.id_hash == digest)).first()
    if found is None:
        session.rollback()
        return Ended("none")
    row, token = found
    csrf, session_ends = row.csrf, _aware(row.expires_at)
    principal = Principal(
        token_id=token.id, role=token.role, expert_id=token.expert_id, unit_name=token.unit_name
    )
    revoked_at, token_ends = token.revoked_at, token.expires_at
    session.rollback()  # a read: end its transaction (a write may follow in the same request)
    now = datetime.now(UTC)
    ended: Ended | None = None
    if revoked_at is not None:
        ended = Ended("revoked", _aware(revoked_at))
    elif token_ends is not None and _aware(token_ends) <= now:
        ended = Ended("token_expired", _aware(token_ends))
    elif session_ends <= now:
        ended = Ended("expired", session_ends)
    if ended is not None:
        _forget(session, digest)
        return ended
    return Active(principal=principal, csrf=csrf, expires_at=session_ends)


def end_session(*, session: Session, cookie: str | None, principal: Principal) -> None:
    """Sign out: the session is deleted (its cookie no longer opens any page); audited."""
    if not cookie or len(cookie) > _MAX_COOKIE_CHARS:
        return
    begin_write(session)
    gone = session.exec(delete(WebSessionRow).where(col(WebSessionRow.id_hash) == _digest(cookie)))
    if gone.rowcount:
        add_audit(session, principal, "session.sign_out", f"token:{principal.token_id}")
    session.commit()


def _forget(session: Session, digest: str) -> None:
    begin_write(session)
    session.exec(delete(WebSessionRow).where(col(WebSessionRow.id_hash) == digest))
    session.commit()


def session_lifetime(hours: float) -> timedelta:
    """A session's lifetime from the setting (hours)."""
    return timedelta(hours=hours)
