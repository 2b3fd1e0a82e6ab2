"""Memo templates: list them, download one, and (the finance office) upload a new one, linted first."""

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Depends, Path, Request, Response
from pydantic import BaseModel

from api.http.deps import AnyRole, FinanceOffice, OfficeDep, RendererDep, SessionDep
from api.http.routes._common import NOT_FOUND, PROTECTED
from api.http.routing import make_router
from api.settings import Settings
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
_TOO_LARGE: dict[int | str, dict[str, Any]] = {413: {"description": "the file is over the size limit"}}


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


@router.put(
    "/templates/{stem}.docx", response_model=TemplateInfo, openapi_extra=_UPLOAD_BODY, responses=_TOO_LARGE
)
def put_template(  # noqa: PLR0913 - FastAPI injects each dependency as a parameter
    *,
    stem: Stem,
    data: Annotated[bytes, Depends(_raw_body)],
    session: SessionDep,
    caller: FinanceOffice,
    request: Request,
    office: OfficeDep,
    renderer: RendererDep,
) -> TemplateInfo:
    """Upload a template: checked first (413/422 naming each problem); memos of later decisions use it.

    The file passes the Office-file guard (sizes, parts, no DTD or entities, no macros), the lint of its
    contract and a trial render of each memo using it, in a child process under the render budget; a
    refused upload changes nothing.
    """
    settings: Settings = request.app.state.settings
    stored = templates.upload(
        session=session,
        stem=stem,
        data=data,
        actor=caller,
        limits=settings.template_limits,
        renderer=renderer,
        office=office,
    )
    return TemplateInfo.model_validate(stored)
