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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import sqlalchemy
from sqlalchemy import bindparam
from sqlmodel import col

from api._held import CompiledRead, HeldConnection
from api.errors import ForbiddenError
from api.roles import EVERYONE, OFFICE, READ_ALL, ROLES, SCORERS
from api.tables import TokenRow

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy import Engine

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
    """Authentication on the request path: one SELECT by token hash on a connection of its own.

    Why not an ORM session: a session and query cost about 1 ms of CPU per request (measured on SQLite,
    ``POST /evaluate``); the same indexed lookup straight on the driver costs about 10 µs, so it can run
    on the event loop instead of hopping to a thread. There is no cache: every request reads
    the row, so a revoked token is refused on the very next request, in every worker. The connection,
    its autocommit, and a lost one replaced: :class:`api._held.HeldConnection`.
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
