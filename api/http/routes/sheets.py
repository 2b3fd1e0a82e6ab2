"""Excel score sheets of a stored case: download the template, upload it filled (the finance office)."""

from typing import Annotated

from fastapi import Depends, Request, Response

from api.http.deps import AnyRole, CaseIdPath, FinanceOffice, SessionDep
from api.http.language import request_language
from api.http.office_schemas import SheetImportOut
from api.http.routes._common import CONFLICT, NOT_FOUND, PROTECTED
from api.http.routes._office import FILE_REFUSED, XLSX, raw_body, upload_body
from api.http.routing import make_router
from api.store import sheets
from api.store.jsondoc import etag
from engine.errors import CaseError
from engine.sheets import SheetError
from rules.messages import message

router = make_router("sheets", responses={**PROTECTED, **NOT_FOUND})


@router.get(
    "/cases/{case_id}/sheet.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}, "description": "the score sheet"}},
)
def get_sheet(case_id: CaseIdPath, session: SessionDep, caller: AnyRole, request: Request) -> Response:
    """The case's score sheet to fill in Excel: a sheet per scoring party, both nodes as columns."""
    data = sheets.template(session=session, case_id=case_id, principal=caller, lang=request_language(request))
    disposition = f"attachment; filename=\"{case_id}.xlsx\"; filename*=UTF-8''{case_id}.xlsx"
    return Response(data, media_type=XLSX, headers={"Content-Disposition": disposition})


@router.post(
    "/cases/{case_id}/sheet.xlsx",
    response_model=SheetImportOut,
    responses={**CONFLICT, **FILE_REFUSED},
    openapi_extra=upload_body(XLSX, "the filled score sheet (.xlsx), as it is; at most the API's body limit"),
)
def import_sheet(  # noqa: PLR0913 - FastAPI injects each dependency as a parameter
    *,
    case_id: CaseIdPath,
    data: Annotated[bytes, Depends(raw_body)],
    session: SessionDep,
    caller: FinanceOffice,
    request: Request,
    response: Response,
) -> SheetImportOut:
    """Write the scores of a filled sheet, checked as ``PUT …/scores`` checks them, all or nothing.

    An empty cell leaves its score as it is. Every bad cell is a 422 entry naming its sheet and cell
    (``专家组!C5：101 超出0–100``); a sheet of another case or of another shape is refused with what changed.
    """
    try:
        result = sheets.import_sheet(session=session, case_id=case_id, data=data, actor=caller)
    except SheetError as exc:
        raise CaseError(exc.errors()) from None
    response.headers["ETag"] = etag(result.case.version)
    key = "sheet.imported" if result.changed else "sheet.nothing"
    summary = message(
        key,
        request_language(request),
        case_id=case_id,
        changed=len(result.changed),
        same=result.same,
        version=result.case.version,
    )
    return SheetImportOut.model_validate(
        {"changed": result.changed, "same": result.same, "case": result.case, "summary": summary}
    )
