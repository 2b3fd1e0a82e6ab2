"""Stored decisions of a case (append-only, numbered per case) and their Word memos."""

from typing import Annotated

from fastapi import Body, Path, Query, Response

from api.http.deps import AnyRole, CaseIdPath, FinanceOffice, OfficeDep, RendererDep, SessionDep
from api.http.routes._common import CONFLICT, NOT_FOUND, PROTECTED
from api.http.routing import make_router
from api.store import decisions
from api.store.schemas import DecisionDetail, DecisionRecord, DecisionRequest, Page, PageQuery
from engine.memos import MEMO_KINDS

router = make_router("decisions", responses={**PROTECTED, **NOT_FOUND})
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
Number = Annotated[int, Path(ge=1, le=2**31 - 1, description="the decision's number in its case: 1, 2, ...")]


@router.post("/cases/{case_id}/decisions", status_code=201, response_model=DecisionDetail, responses=CONFLICT)
def create_decision(
    case_id: CaseIdPath,
    session: SessionDep,
    caller: FinanceOffice,
    office: OfficeDep,
    body: Annotated[DecisionRequest | None, Body()] = None,
) -> DecisionDetail:
    """Evaluate the stored case now and store the decision as its next number (1, 2, ...)."""
    return decisions.create_decision(
        session=session, case_id=case_id, request=body, office=office, actor=caller
    )


@router.get("/cases/{case_id}/decisions", response_model=Page[DecisionRecord])
def list_decisions(
    case_id: CaseIdPath, query: Annotated[PageQuery, Query()], session: SessionDep, caller: AnyRole
) -> Page[DecisionRecord]:
    """A case's decisions, oldest first."""
    return decisions.list_decisions(session=session, case_id=case_id, principal=caller, query=query)


@router.get("/cases/{case_id}/decisions/{number}", response_model=DecisionDetail)
def get_decision(case_id: CaseIdPath, number: Number, session: SessionDep, caller: AnyRole) -> DecisionDetail:
    """One decision, with the case exactly as it was evaluated."""
    return decisions.get_decision(session=session, case_id=case_id, number=number, principal=caller)


@router.get(
    "/cases/{case_id}/decisions/{number}/memos/{kind}.docx",
    response_class=Response,
    responses={200: {"content": {DOCX: {}}, "description": "the memo"}, **CONFLICT},
)
def get_memo(  # noqa: PLR0913 - FastAPI injects each dependency as a parameter
    *,
    case_id: CaseIdPath,
    number: Number,
    kind: Annotated[str, Path(description=f"one of: {', '.join(MEMO_KINDS)}")],
    session: SessionDep,
    caller: AnyRole,
    renderer: RendererDep,
) -> Response:
    """A memo of a stored decision as .docx: the same bytes on every download.

    409: the decision cannot support this memo, or its template fails to render within the budget.
    """
    content = decisions.memo(
        session=session, case_id=case_id, number=number, kind=kind, principal=caller, renderer=renderer
    )
    filename = f"{case_id}-{number}-{kind}.docx"
    return Response(
        content, media_type=DOCX, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
