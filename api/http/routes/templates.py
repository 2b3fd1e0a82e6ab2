"""Memo templates: list them, download one, and (the finance office) upload a new one, linted first."""

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Depends, Path, Request, Response
from pydantic import BaseModel

from api.http.deps import AnyRole, FinanceOffice, SessionDep
from api.http.routes._common import NOT_FOUND, PROTECTED
from api.http.routing import make_router
from api.store import templates

router = make_router("templates", responses={**PROTECTED, **NOT_FOUND})
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
Stem = Annotated[str, Path(pattern=r"^[a-z]{1,32}$", description=f"one of: {', '.join(templates.STEMS)}")]


class TemplateInfo(BaseModel):
    """A template in force: the shipped one or the office's newest upload."""

    stem: str
    sha256: str
    size: int
    source: Literal["shipped", "uploaded"]
    uploaded_by: str | None
    uploaded_at: datetime | None


async def _raw_body(request: Request) -> bytes:
    return await request.body()


_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "the .docx file, as it is (no multipart); at most the API's body limit",
        "content": {DOCX: {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.get("/templates", response_model=list[TemplateInfo])
def list_templates(session: SessionDep, _caller: AnyRole) -> list[TemplateInfo]:
    """The memo templates in force, with their SHA-256."""
    return [TemplateInfo.model_validate(item) for item in templates.listing(session=session)]


@router.get(
    "/templates/{stem}.docx",
    response_class=Response,
    responses={200: {"content": {DOCX: {}}, "description": "the template"}},
)
def get_template(stem: Stem, session: SessionDep, _caller: AnyRole) -> Response:
    """The .docx of the template in force (to edit in Word and upload again)."""
    data = templates.get_bytes(session=session, stem=stem)
    return Response(
        data, media_type=DOCX, headers={"Content-Disposition": f'attachment; filename="{stem}.docx"'}
    )


@router.put("/templates/{stem}.docx", response_model=TemplateInfo, openapi_extra=_UPLOAD_BODY)
def put_template(
    stem: Stem,
    data: Annotated[bytes, Depends(_raw_body)],
    session: SessionDep,
    caller: FinanceOffice,
) -> TemplateInfo:
    """Upload a template: linted first (422 naming each problem); memos of later decisions use it."""
    return TemplateInfo.model_validate(templates.upload(session=session, stem=stem, data=data, actor=caller))
