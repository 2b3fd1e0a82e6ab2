"""The expert draw: ``POST /cases/{id}/panel/draw`` (the finance office); ``GET`` verifies it."""

from typing import Annotated

from fastapi import Body, Request, Response

from api.errors import ConflictError
from api.http.deps import AnyRole, CaseIdPath, FinanceOffice, SessionDep
from api.http.language import request_language
from api.http.office_schemas import DrawOut, DrawRequest, DrawVerifyOut
from api.http.routes._common import CONFLICT, NOT_FOUND, PROTECTED
from api.http.routing import make_router
from api.reports import draw_lines, verify_lines
from api.store import draws
from api.store.jsondoc import etag
from engine.draw import DrawShortError

router = make_router("panel", responses={**PROTECTED, **NOT_FOUND})


@router.post("/cases/{case_id}/panel/draw", response_model=DrawOut, responses=CONFLICT)
def draw_panel(  # noqa: PLR0913 - FastAPI injects each dependency as a parameter
    *,
    case_id: CaseIdPath,
    session: SessionDep,
    caller: FinanceOffice,
    request: Request,
    response: Response,
    body: Annotated[DrawRequest | None, Body()] = None,
) -> DrawOut:
    """Draw the case's panel from the expert registry: the rules' minimum size, uniform over all valid panels.

    Candidates are the registry's experts in an allowed pool (EXP-03) with no tie to the agency or the
    project unit inside the look-back window (EXP-04); the draw picks uniformly among every panel of the
    minimum size (EXP-01) with enough domain experts (EXP-02), from a seed drawn from the operating
    system (count-then-choose over SHA-256 in counter mode). Seed, registry snapshot and its hash,
    candidates and each excluded expert with its reason go into the audit log (``panel.draw``).
    409 when the case has a panel, or when the registry cannot satisfy a rule (which, and how many short).
    """
    lang = request_language(request)
    formed_on = body.formed_on if body is not None else None
    try:
        case, record = draws.draw(session=session, case_id=case_id, actor=caller, formed_on=formed_on)
    except DrawShortError as exc:
        raise ConflictError("draw.refused", reason=exc) from None
    response.headers["ETag"] = etag(case.version)
    return DrawOut.model_validate({"case": case, "draw": record, "summary": draw_lines(record, lang)})


@router.get("/cases/{case_id}/panel/draw", response_model=DrawVerifyOut)
def verify_draw(case_id: CaseIdPath, session: SessionDep, caller: AnyRole, request: Request) -> DrawVerifyOut:
    """Re-derive the case's latest recorded draw from its seed and snapshot, and say whether it matches."""
    result = draws.verify(session=session, case_id=case_id, principal=caller)
    return DrawVerifyOut.model_validate(
        {**result, "summary": verify_lines(result, request_language(request))}
    )
