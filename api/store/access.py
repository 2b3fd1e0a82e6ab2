"""Who is calling and what each party may do.

* ``finance_office`` may do everything.
* Every role may ``POST /evaluate`` and read ``/rules``.
* ``expert`` reads and scores only cases whose panel lists its expert id, and writes only its own score.
* ``project_unit`` reads only its own cases (``commission.project_unit``) and writes only their
  ``project_unit`` scores.
* ``auditor`` reads everything and writes nothing.

The bearer tokens that name a caller: :mod:`api.store.tokens`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from api.errors import ForbiddenError
from api.roles import READ_ALL
from rules.messages import Term


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


def require_role(principal: Principal, roles: frozenset[str]) -> Principal:
    """The principal, or :class:`ForbiddenError` when its role is not one of ``roles``."""
    if principal.role not in roles:
        raise ForbiddenError("api.role_forbidden", role=Term("role", principal.role))
    return principal


def member_ids(body: Mapping[str, Any]) -> list[str]:
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
            raise ForbiddenError("api.expert_own_score")
        return
    if role == "project_unit" and party == "project_unit":
        return
    raise ForbiddenError("api.score_forbidden", role=Term("role", role), party=Term("party", party))
