"""Uploading the agency's Word plan or draft report from the case page (the API's store function)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request, Response
from fastapi.responses import RedirectResponse

from api.errors import ConflictError, PreconditionRequiredError
from api.http.deps import CaseIdPath, SessionDep
from api.roles import OFFICE
from api.store import deliverables
from api.store.access import require_role
from api.web.auth import Posted
from api.web.pages import msg, render
from api.web.problems import Problem
from api.web.routing import page_router
from api.web.views.case_view import case_page
from engine.deliverables import DeliverableError
from engine.errors import CaseError
from engine.office_file import OfficeFileError

router = page_router()
FILE_LIMIT = 20 * 1024 * 1024


@router.post("/cases/{case_id}/deliverables")
def upload(request: Request, case_id: CaseIdPath, posted: Posted, session: SessionDep) -> Response:
    """Read and keep the file (and, when asked, write what it says into the case); errors on the page."""
    principal = posted.user.principal
    require_role(principal, OFFICE)
    node = posted.form.text("node")
    node = node if node in {"plan", "draft"} else "plan"
    chosen = posted.form.file("file")
    problems: list[Problem] = []
    if chosen is None:
        problems.append(Problem(msg("web.deliverable.no_file"), "upload-file"))
    else:
        apply = posted.form.text("apply") == "true"
        try:
            deliverables.upload(
                session=session,
                case_id=case_id,
                node=node,
                name=chosen.filename or f"{node}.docx",
                data=chosen.file.read(FILE_LIMIT + 1),
                actor=principal,
                apply=apply,
                if_match=f'"{posted.form.text("version")}"' if apply else None,
            )
        except (OfficeFileError, DeliverableError) as exc:
            problems.append(Problem(exc.text("zh"), "upload-file"))
        except CaseError as exc:
            problems += [Problem(str(e.get("msg", "")), "upload-file") for e in exc.errors]
        except (ConflictError, PreconditionRequiredError) as exc:
            problems.append(Problem(str(exc.detail), "upload-file"))
        else:
            name = quote(chosen.filename or "")
            return RedirectResponse(f"/cases/{case_id}?uploaded={name}#{node}-review", status_code=303)
    session.rollback()
    context = case_page(session, case_id, principal)
    return render(request, "case.html", 422, typed={}, errors=problems, notice=None, **context)
