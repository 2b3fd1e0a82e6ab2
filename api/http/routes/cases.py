"""Stored cases: create, list, read (with an ETag), merge-patch (with If-Match), archive."""

from typing import Any

from fastapi import Request, Response

from api import jsonio
from api.http.deps import (
    BEARER,
    AnyRole,
    CaseIdPath,
    FinanceOffice,
    IfMatch,
    JsonBody,
    SessionDep,
    caller_of,
)
from api.http.query import QueryModel
from api.http.routes._common import CONFLICT, NOT_FOUND, PROTECTED, example_case
from api.http.routing import json_request_body, make_router
from api.roles import EVERYONE
from api.settings import Settings
from api.store import cases as store
from api.store.case_list import CaseList
from api.store.jsondoc import etag
from api.store.schemas import ArchiveRequest, CasePage, CasePublic, CaseQuery, StoredCase

router = make_router("cases", responses=PROTECTED)

_PATCH_BODY = {
    "requestBody": {
        "required": True,
        "description": "a JSON merge patch (RFC 7396) of the stored case; null removes a field",
        "content": {
            "application/merge-patch+json": {
                "schema": {"type": "object"},
                "example": {"draft": {"rework_round": 1}},
            }
        },
    }
}
_PRECONDITION: dict[int | str, dict[str, Any]] = {428: {"description": "no If-Match header"}}


@router.post(
    "/cases",
    status_code=201,
    response_model=CasePublic,
    responses=CONFLICT,
    openapi_extra=json_request_body(StoredCase.__name__, example=example_case()),
)
def create_case(data: JsonBody, session: SessionDep, caller: FinanceOffice, response: Response) -> CasePublic:
    """Store a case; its agency may be ``{"credit_code": ...}`` and members ``{"id": ...}`` (registries)."""
    case = store.create_case(session=session, data=data, actor=caller)
    response.headers["ETag"] = etag(case.version)
    return case


_CASE_QUERY = QueryModel(CaseQuery)


# Written as an async route: the list is one indexed statement on the app's own connection
# (CaseList), which costs less on the event loop than the hop to a worker thread. It reads its request
# itself (caller_of, QueryModel: the same checks, errors and OpenAPI as the dependencies they stand for,
# tested so) instead of through FastAPI's dependency solver, a large share of the request's CPU
# (docs/performance.md). The caller is checked before the query is read: without a valid token, 401,
# never the query's 422 (as FastAPI orders the dependencies). The page is built from plain columns in
# the shape of CasePage (tests check it against the model) and written out directly.
@router.get("/cases", response_model=CasePage, openapi_extra=_CASE_QUERY.openapi(**BEARER))
async def list_cases(request: Request) -> Response:
    """The cases this token may read, filtered, a page at a time in ``case_id`` order.

    Page on with ``after=<next_after>`` (keyset: as fast on the last page as on the first); ``offset``
    still works but reads every case it skips. ``total`` counts at most ``KAOPING_LIST_COUNT_CAP``
    cases past the offset unless ``count=exact``; ``total_exact`` says which.
    """
    caller = await caller_of(request, EVERYONE)
    query = _CASE_QUERY.read(request)
    settings: Settings = request.app.state.settings
    cases: CaseList = request.app.state.cases
    page = cases.page(principal=caller, query=query, count_cap=settings.list_count_cap)
    return Response(content=jsonio.encode(page), media_type="application/json")


@router.get("/cases/{case_id}", response_model=CasePublic, responses=NOT_FOUND)
def get_case(case_id: CaseIdPath, session: SessionDep, caller: AnyRole, response: Response) -> CasePublic:
    """One case, with ``ETag`` (its version)."""
    case = store.get_case(session=session, case_id=case_id, principal=caller)
    response.headers["ETag"] = etag(case.version)
    return case


@router.patch(
    "/cases/{case_id}",
    response_model=CasePublic,
    responses={**NOT_FOUND, **CONFLICT, **_PRECONDITION},
    openapi_extra=_PATCH_BODY,
)
def patch_case(  # noqa: PLR0913 - FastAPI injects each dependency as a parameter
    *,
    case_id: CaseIdPath,
    patch: JsonBody,
    session: SessionDep,
    caller: FinanceOffice,
    response: Response,
    if_match: IfMatch = None,
) -> CasePublic:
    """Change a case with a JSON merge patch; ``If-Match`` is required (stale: 409, missing: 428)."""
    case = store.patch_case(session=session, case_id=case_id, patch=patch, if_match=if_match, actor=caller)
    response.headers["ETag"] = etag(case.version)
    return case


@router.put("/cases/{case_id}/archived", response_model=CasePublic, responses={**NOT_FOUND, **CONFLICT})
def set_archived(  # noqa: PLR0913 - FastAPI injects each dependency as a parameter
    *,
    case_id: CaseIdPath,
    body: ArchiveRequest,
    session: SessionDep,
    caller: FinanceOffice,
    response: Response,
    if_match: IfMatch = None,
) -> CasePublic:
    """Archive (``{"archived": true}``) or restore a case; cases are never deleted."""
    case = store.set_archived(
        session=session, case_id=case_id, archived=body.archived, if_match=if_match, actor=caller
    )
    response.headers["ETag"] = etag(case.version)
    return case
