"""Issuing a decision (number and date, then a check-your-answers page) and downloading its memos.

The check page runs every check the store makes before it writes
(:func:`api.store.decisions.check_request`: the case decidable, the date in range, the number free) and
shows what will be issued, each value with a 修改 link back to its field; only its confirmation stores
the decision (:func:`api.store.decisions.create_decision`, as the API's route).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Path, Request, Response
from fastapi.responses import RedirectResponse

from api.errors import ConflictError
from api.http.deps import CaseIdPath, OfficeDep, RendererDep, SessionDep
from api.roles import OFFICE
from api.store import decisions, preview
from api.store.access import require_role
from api.store.cases import get_case
from api.store.decisions import office_today
from api.store.schemas import DecisionRequest, as_json
from api.web.auth import Posted, Signed
from api.web.pages import msg, render
from api.web.problems import Problem
from api.web.routing import page_router
from engine.errors import CaseError

router = page_router()
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
Number = Annotated[int, Path(ge=1, le=2**31 - 1)]
_MAX_NUMBER = 999_999


def _read(number: str, day: str) -> tuple[DecisionRequest | None, list[Problem]]:
    problems = []
    parsed_number: int | None = None
    if number.strip():
        text = number.strip()
        if text.isdigit() and 1 <= int(text) <= _MAX_NUMBER:
            parsed_number = int(text)
        else:
            problems.append(Problem(msg("web.decision.number"), "document_number"))
    parsed_date: date | None = None
    if day.strip():
        try:
            parsed_date = date.fromisoformat(day.strip())
        except ValueError:
            problems.append(Problem(msg("web.decision.date"), "document_date"))
    if problems:
        return None, problems
    return DecisionRequest(document_number=parsed_number, document_date=parsed_date), []


def _form(  # noqa: PLR0913 - the page's parts
    request: Request,
    case_id: str,
    office: OfficeDep,
    number: str,
    day: str,
    *,
    status: int = 200,
    problems: list[Problem] | None = None,
) -> Response:
    return render(
        request,
        "decision_form.html",
        status,
        case_id=case_id,
        number=number,
        day=day,
        prefix=office.number_prefix,
        errors=problems or [],
    )


@router.get("/cases/{case_id}/decisions/new")
def decision_form(  # noqa: PLR0913 - the page's request, the caller and what it may prefill
    *,
    request: Request,
    case_id: CaseIdPath,
    user: Signed,
    session: SessionDep,
    office: OfficeDep,
    number: str = "",
    day: str = "",
) -> Response:
    """The number and date of a new decision."""
    require_role(user.principal, OFFICE)
    get_case(session=session, case_id=case_id, principal=user.principal)
    return _form(request, case_id, office, number, day or office_today().isoformat())


def _checked(
    session: SessionDep, case_id: str, request_: DecisionRequest, office: OfficeDep, posted: Posted
) -> list[Problem]:
    try:
        decisions.check_request(
            session=session, case_id=case_id, request=request_, office=office, actor=posted.user.principal
        )
    except CaseError as exc:
        return [
            Problem(str(e.get("msg", "")), "document_date" if e.get("loc") == ["document_date"] else None)
            for e in exc.errors
        ]
    except ConflictError as exc:
        return [Problem(str(exc.detail), "document_number")]
    return []


def _live(session: SessionDep, case_id: str, posted: Posted) -> None:
    """404 for a case the caller may not see; 409 for an archived one (nothing is issued for it)."""
    archived = get_case(session=session, case_id=case_id, principal=posted.user.principal).archived
    session.rollback()  # a read: a write may follow
    if archived:
        raise ConflictError("api.case_archived", case_id=case_id)


@router.post("/cases/{case_id}/decisions/check")
def check_decision(
    request: Request, case_id: CaseIdPath, posted: Posted, session: SessionDep, office: OfficeDep
) -> Response:
    """Check what was entered; the page that shows what will be issued, or the form with its errors."""
    require_role(posted.user.principal, OFFICE)
    _live(session, case_id, posted)
    number, day = posted.form.text("document_number"), posted.form.text("document_date")
    asked, problems = _read(number, day)
    if asked is None:
        return _form(request, case_id, office, number, day, status=422, problems=problems)
    problems = _checked(session, case_id, asked, office, posted)
    if problems:
        return _form(request, case_id, office, number, day, status=422, problems=problems)
    stored = get_case(session=session, case_id=case_id, principal=posted.user.principal)
    decision, _ = preview.current_decision(session=session, case_id=case_id, body=as_json(stored.case))
    day_shown = (asked.document_date or office_today()).isoformat()
    back = f"/cases/{case_id}/decisions/new?" + urlencode({"number": number.strip(), "day": day_shown})
    return render(
        request,
        "decision_check.html",
        case_id=case_id,
        project_name=stored.case.commission.project_name,
        number=asked.document_number,
        number_text=(
            f"{office.number_prefix}〔{day_shown[:4]}〕{asked.document_number}号"
            if asked.document_number
            else None
        ),
        day=day_shown,
        decision=decision,
        back=back,
    )


@router.post("/cases/{case_id}/decisions")
def issue_decision(
    request: Request, case_id: CaseIdPath, posted: Posted, session: SessionDep, office: OfficeDep
) -> Response:
    """Store the decision as confirmed."""
    require_role(posted.user.principal, OFFICE)
    _live(session, case_id, posted)
    number, day = posted.form.text("document_number"), posted.form.text("document_date")
    asked, problems = _read(number, day)
    if asked is None:
        return _form(request, case_id, office, number, day, status=422, problems=problems)
    try:
        made = decisions.create_decision(
            session=session, case_id=case_id, request=asked, office=office, actor=posted.user.principal
        )
    except CaseError as exc:
        problems = [Problem(str(e.get("msg", "")), "document_date") for e in exc.errors]
        return _form(request, case_id, office, number, day, status=422, problems=problems)
    except ConflictError as exc:
        return _form(
            request,
            case_id,
            office,
            number,
            day,
            status=409,
            problems=[Problem(str(exc.detail), "document_number")],
        )
    return RedirectResponse(f"/cases/{case_id}?issued={made.number}#decision-{made.number}", status_code=303)


@router.get("/cases/{case_id}/decisions/{number}/memos/{kind}.docx")
def memo(  # noqa: PLR0913 - which memo, and who asks
    *,
    case_id: CaseIdPath,
    number: Number,
    kind: Annotated[str, Path(pattern=r"^[a-z-]{1,32}$")],
    user: Signed,
    session: SessionDep,
    renderer: RendererDep,
) -> Response:
    """A memo of a stored decision (the API's bytes)."""
    content = decisions.memo(
        session=session,
        case_id=case_id,
        number=number,
        kind=kind,
        principal=user.principal,
        renderer=renderer,
    )
    headers: dict[str, Any] = {
        "Content-Disposition": f'attachment; filename="{case_id}-{number}-{kind}.docx"'
    }
    return Response(content, media_type=DOCX, headers=headers)
