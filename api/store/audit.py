"""The audit log: every write with its actor and time, appended in the writer's transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from api.store import chain
from api.store.paging import paginate
from api.store.schemas import AuditEntry, AuditQuery, Page
from api.store.tables import AuditRow

if TYPE_CHECKING:
    from api.store.access import Principal


def add_audit(
    session: Session, actor: Principal, action: str, target: str, detail: dict[str, Any] | None = None
) -> None:
    """Record a write in the audit log (in the caller's transaction), as the hash chain's next link.

    Call it after the write's other changes: it flushes them and holds the chain's head to the commit.
    """
    chain.append(session, AuditRow(actor=actor.actor, action=action, target=target, detail=detail))


def list_audit(*, session: Session, query: AuditQuery) -> Page[AuditEntry]:
    """A page of the audit log, newest first."""
    statement = select(AuditRow)
    for field in ("actor", "action", "target"):
        value = getattr(query, field)
        if value is not None:
            statement = statement.where(getattr(AuditRow, field) == value)
    rows, total = paginate(
        session, statement.order_by(col(AuditRow.id).desc()), limit=query.limit, offset=query.offset
    )
    items = [
        AuditEntry(id=r.id or 0, at=r.at, actor=r.actor, action=r.action, target=r.target, detail=r.detail)
        for r in rows
    ]
    return Page[AuditEntry](items=items, total=total, limit=query.limit, offset=query.offset)
