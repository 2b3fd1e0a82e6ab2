"""A case's Word deliverables: upload one (read, kept, optionally written in), list them, download one."""

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import File, Path, Query, Request, Response, UploadFile

from api.http import API_PREFIX
from api.http.deps import AnyRole, CaseIdPath, FinanceOffice, IfMatch, SessionDep
from api.http.language import request_language
from api.http.routes._common import CONFLICT, NOT_FOUND, PROTECTED
from api.http.routing import make_router
from api.http.schemas import Message
from api.store import deliverables as store
from api.store.jsondoc import etag
from api.store.schemas import DeliverableInfo
from engine.deliverables.schema import ReadingOut

router = make_router("deliverables", responses=PROTECTED)

UPLOAD_PATHS = rf"{API_PREFIX}/cases/[^/]+/deliverables/[^/]+"
"""The upload route's paths: their bodies may be as large as ``Settings.max_upload_bytes``."""
FILE_LIMIT = 20 * 1024 * 1024
"""At most this much of an upload is read; more is refused with 413 (by the reader's guard)."""
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

NodePath = Annotated[
    Literal["plan", "draft"],
    Path(description="plan: the evaluation plan; draft: the draft report"),
]
_UPLOAD_ERRORS: dict[int | str, dict[str, Any]] = {
    **NOT_FOUND,
    **CONFLICT,
    413: {"model": Message, "description": "the file is larger than 20 MiB"},
    428: {"description": "apply=true without If-Match"},
    503: {"model": Message, "description": "a .doc/.wps file, and LibreOffice is not installed"},
}


@router.post(
    "/cases/{case_id}/deliverables/{node}",
    status_code=201,
    response_model=ReadingOut,
    response_model_exclude_none=True,
    responses=_UPLOAD_ERRORS,
)
def upload_deliverable(  # noqa: PLR0913 - FastAPI injects each dependency as a parameter
    *,
    case_id: CaseIdPath,
    node: NodePath,
    file: Annotated[UploadFile, File(description="the Word file: .docx, or .doc/.wps (converted)")],
    session: SessionDep,
    caller: FinanceOffice,
    request: Request,
    response: Response,
    apply: Annotated[
        bool, Query(description="write the fields read into the stored case (If-Match required)")
    ] = False,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    """Read a plan or draft report, keep the file (append-only), return the reading.

    The reading is the contract's ("Reading a deliverable"), its warnings worded in the request's
    language (``Accept-Language: en`` for English). ``Location`` names the stored file; with
    ``apply=true`` the fields read replace the node's in the stored case (the others kept) and ``ETag``
    is the case's new version.
    """
    data = file.file.read(FILE_LIMIT + 1)  # one byte more than allowed is enough to refuse it
    reading, stored, version = store.upload(
        session=session,
        case_id=case_id,
        node=node,
        name=file.filename or f"{node}.docx",
        data=data,
        actor=caller,
        apply=apply,
        if_match=if_match,
    )
    response.headers["Location"] = f"{API_PREFIX}/cases/{case_id}/deliverables/{stored.id}"
    if apply:
        response.headers["ETag"] = etag(version)
    return reading.to_json(request_language(request))


@router.get("/cases/{case_id}/deliverables", response_model=list[DeliverableInfo], responses=NOT_FOUND)
def list_deliverables(case_id: CaseIdPath, session: SessionDep, caller: AnyRole) -> list[DeliverableInfo]:
    """The Word files uploaded for a case, oldest first: node, name, SHA-256, size, who, when."""
    return store.listing(session=session, case_id=case_id, principal=caller)


@router.get(
    "/cases/{case_id}/deliverables/{file_id}",
    response_class=Response,
    responses={**NOT_FOUND, 200: {"content": {DOCX: {}}, "description": "the file as it was uploaded"}},
)
def get_deliverable(
    case_id: CaseIdPath,
    file_id: Annotated[int, Path(ge=1, le=2**31 - 1, description="the id in the list")],
    session: SessionDep,
    caller: AnyRole,
) -> Response:
    """One uploaded file, byte for byte as received."""
    info, data = store.get_file(session=session, case_id=case_id, file_id=file_id, principal=caller)
    return Response(
        data,
        media_type="application/octet-stream" if not info.name.lower().endswith(".docx") else DOCX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{_quoted(info.name)}"},
    )


def _quoted(name: str) -> str:
    return quote(name, safe="")
