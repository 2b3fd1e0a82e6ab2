"""``GET /audit``: every write with actor and time (finance office and auditor)."""

from typing import Annotated

from fastapi import Query

from api import crud
from api._http import make_router
from api.deps import ReadAll, SessionDep
from api.routes._common import PROTECTED
from api.schemas import AuditEntry, AuditQuery, Page

router = make_router("audit", responses=PROTECTED)


@router.get("/audit", response_model=Page[AuditEntry])
def list_audit(
    query: Annotated[AuditQuery, Query()], session: SessionDep, _caller: ReadAll
) -> Page[AuditEntry]:
    """The audit log, newest first, filtered by actor, action or target."""
    return crud.list_audit(session=session, query=query)
