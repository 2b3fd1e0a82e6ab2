"""``GET /audit``: every write with actor and time (finance office and auditor)."""

from typing import Annotated

from fastapi import Query

from api.http.deps import ReadAll, SessionDep
from api.http.routes._common import PROTECTED
from api.http.routing import make_router
from api.store import audit
from api.store.schemas import AuditEntry, AuditQuery, Page

router = make_router("audit", responses=PROTECTED)


@router.get("/audit", response_model=Page[AuditEntry])
def list_audit(
    query: Annotated[AuditQuery, Query()], session: SessionDep, _caller: ReadAll
) -> Page[AuditEntry]:
    """The audit log, newest first, filtered by actor, action or target."""
    return audit.list_audit(session=session, query=query)
