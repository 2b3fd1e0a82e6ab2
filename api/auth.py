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
from typing import Any, Final

from sqlmodel import Session, select

from api.errors import ForbiddenError
from api.roles import EVERYONE, OFFICE, READ_ALL, ROLES, SCORERS
from api.tables import TokenRow

__all__ = ["EVERYONE", "OFFICE", "READ_ALL", "ROLES", "SCORERS", "Principal", "authenticate", "hash_token"]

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


def authenticate(session: Session, token: str) -> Principal | None:
    """The principal of a bearer token, or ``None`` for an unknown or revoked one."""
    if not token or len(token) > _MAX_TOKEN_CHARS:
        return None
    digest = hash_token(token)
    row = session.exec(select(TokenRow).where(TokenRow.token_hash == digest)).first()
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.token_hash, digest):
        return None
    return Principal(token_id=row.id, role=row.role, expert_id=row.expert_id, unit_name=row.unit_name)


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
