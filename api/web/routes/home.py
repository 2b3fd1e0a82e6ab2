"""工作台: what the signed-in party has to do next (:mod:`api.store.worklist`)."""

from __future__ import annotations

from fastapi import Request, Response

from api.http.deps import SessionDep
from api.roles import READ_ALL
from api.store.worklist import FOLLOW_UPS, office_worklist, party_worklist
from api.web.auth import Signed
from api.web.pages import render
from api.web.routing import page_router

router = page_router()


@router.get("/")
def home(request: Request, user: Signed, session: SessionDep) -> Response:
    """The home page of the signed-in role."""
    principal = user.principal
    if principal.role in READ_ALL:
        work = office_worklist(session=session)
        return render(request, "home_office.html", work=work, follow_ups=FOLLOW_UPS)
    work = party_worklist(session=session, principal=principal)
    return render(request, "home_party.html", work=work)
