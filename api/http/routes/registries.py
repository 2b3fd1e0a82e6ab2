"""The agency registry (by credit code) and the expert registry: create, read, update, list."""

from typing import Annotated

from fastapi import Query

from api.http.deps import CreditCodePath, ExpertIdPath, FinanceOffice, IfMatch, ReadAll, SessionDep
from api.http.routes._common import CONFLICT, NOT_FOUND, PROTECTED
from api.http.routing import make_router
from api.store import registry
from api.store.schemas import AgencyPublic, AgencyRecord, ExpertPublic, ExpertRecord, Page, PageQuery

router = make_router("registries", responses={**PROTECTED, **NOT_FOUND, **CONFLICT})


@router.post("/agencies", status_code=201, response_model=AgencyPublic)
def create_agency(body: AgencyRecord, session: SessionDep, caller: FinanceOffice) -> AgencyPublic:
    """Register an agency (its history then grows with every complete decision of its cases)."""
    return registry.create_agency(session=session, record=body, actor=caller)


@router.get("/agencies", response_model=Page[AgencyPublic])
def list_agencies(
    query: Annotated[PageQuery, Query()], session: SessionDep, _caller: ReadAll
) -> Page[AgencyPublic]:
    """Registered agencies by credit code."""
    items, total = registry.list_agencies(session=session, limit=query.limit, offset=query.offset)
    return Page[AgencyPublic](items=items, total=total, limit=query.limit, offset=query.offset)


@router.get("/agencies/{credit_code}", response_model=AgencyPublic)
def get_agency(credit_code: CreditCodePath, session: SessionDep, _caller: ReadAll) -> AgencyPublic:
    """One agency with its history."""
    return registry.get_agency(session=session, credit_code=credit_code)


@router.put("/agencies/{credit_code}", response_model=AgencyPublic)
def update_agency(
    credit_code: CreditCodePath,
    body: AgencyRecord,
    session: SessionDep,
    caller: FinanceOffice,
    if_match: IfMatch = None,
) -> AgencyPublic:
    """Replace an agency's record (``If-Match`` optional: the ``version`` you read)."""
    return registry.update_agency(
        session=session, credit_code=credit_code, record=body, if_match=if_match, actor=caller
    )


@router.post("/experts", status_code=201, response_model=ExpertPublic)
def create_expert(body: ExpertRecord, session: SessionDep, caller: FinanceOffice) -> ExpertPublic:
    """Register an expert."""
    return registry.create_expert(session=session, record=body, actor=caller)


@router.get("/experts", response_model=Page[ExpertPublic])
def list_experts(
    query: Annotated[PageQuery, Query()], session: SessionDep, _caller: ReadAll
) -> Page[ExpertPublic]:
    """Registered experts by id."""
    items, total = registry.list_experts(session=session, limit=query.limit, offset=query.offset)
    return Page[ExpertPublic](items=items, total=total, limit=query.limit, offset=query.offset)


@router.get("/experts/{expert_id}", response_model=ExpertPublic)
def get_expert(expert_id: ExpertIdPath, session: SessionDep, _caller: ReadAll) -> ExpertPublic:
    """One expert."""
    return registry.get_expert(session=session, expert_id=expert_id)


@router.put("/experts/{expert_id}", response_model=ExpertPublic)
def update_expert(
    expert_id: ExpertIdPath,
    body: ExpertRecord,
    session: SessionDep,
    caller: FinanceOffice,
    if_match: IfMatch = None,
) -> ExpertPublic:
    """Replace an expert's record (``If-Match`` optional: the ``version`` you read)."""
    return registry.update_expert(
        session=session, expert_id=expert_id, record=body, if_match=if_match, actor=caller
    )
