"""``GET /export.xlsx?year=``: the year's register (考评台账) as an Excel workbook."""

from typing import Annotated

from fastapi import Query, Request, Response

from api.http.deps import ReadAll, SessionDep
from api.http.language import request_language
from api.http.routes._common import PROTECTED
from api.http.routes._office import XLSX
from api.http.routing import make_router
from api.store import register

router = make_router("register", responses=PROTECTED)


@router.get(
    "/export.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}, "description": "the register of the year"}},
)
def export_register(
    year: Annotated[int, Query(ge=1900, le=9999, description="year of commissioned_on")],
    session: SessionDep,
    caller: ReadAll,
    request: Request,
) -> Response:
    """A row per live case of the year (its latest decision's results) and a summary sheet; no formulas."""
    data, _ = register.export(session=session, year=year, principal=caller, lang=request_language(request))
    disposition = f"attachment; filename=\"register-{year}.xlsx\"; filename*=UTF-8''register-{year}.xlsx"
    return Response(data, media_type=XLSX, headers={"Content-Disposition": disposition})
