"""案件详情 and its score matrix: the page, and the post of the cells the caller fills in.

Every posted cell is checked before anything is written: a cell the caller may not write (another
member's, another party's) is 403 even when its value is unchanged, exactly as the API's score route
answers; a case the caller may not see is 404. The changed cells are then written through the API's
store function (:func:`api.store.scores.put_score`), one party and node at a time, each audited.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from api.errors import ForbiddenError
from api.http.deps import CaseIdPath, SessionDep
from api.store import scores
from api.store.access import Principal, check_score_write
from api.store.schemas import ScoresPut
from api.web.auth import Posted, Signed
from api.web.pages import msg, render
from api.web.problems import Problem
from api.web.routing import page_router
from api.web.views.case_view import NODES, PARTIES, case_page
from engine.errors import CaseError

router = page_router()
Change = tuple[str, str, str | None, str]


def _notice(request: Request) -> str | None:
    params = request.query_params
    if params.get("saved", "").isdigit():
        count = int(params["saved"])
        return msg("web.scores.saved", count=count) if count else msg("web.scores.none_changed")
    if params.get("issued", "").isdigit():
        return msg("web.decision.issued", number=params["issued"])
    if params.get("version", "").isdigit():
        return msg("web.case.saved", version=params["version"])
    if params.get("created"):
        return msg("web.case.created", case_id=params["created"])
    if params.get("uploaded"):
        return msg("web.deliverable.uploaded", name=params["uploaded"])
    return None


@router.get("/cases/{case_id}")
def case_detail(request: Request, case_id: CaseIdPath, user: Signed, session: SessionDep) -> Response:
    """The case page."""
    context = case_page(session, case_id, user.principal)
    return render(request, "case.html", notice=_notice(request), typed={}, **context)


def _same(typed: str, stored: str) -> bool:
    try:
        return stored != "" and Decimal(typed) == Decimal(stored)
    except InvalidOperation:
        return False


def _cells(form: dict[str, str]) -> list[tuple[str, str, str | None, str]]:
    """The posted score cells: (node, party, member, value) of every well-formed ``score:`` name."""
    out = []
    for name, value in form.items():
        parts = name.split(":")
        if (
            parts[0] != "score"
            or len(parts) not in {3, 4}
            or parts[1] not in NODES
            or parts[2] not in PARTIES
        ):
            continue
        member = parts[3] if len(parts) == 4 else None
        if (parts[2] == "expert_panel") != (member is not None):
            continue
        out.append((parts[1], parts[2], member, value.strip()))
    return out


def _check(principal: Principal, party: str, member: str | None) -> None:
    """403 unless ``principal`` may write this cell (an expert: only its own; the store decides the rest)."""
    if principal.role == "expert" and party == "expert_panel":
        if member != principal.expert_id:
            raise ForbiddenError("api.expert_own_score")
        return
    check_score_write(principal, party, member_scores=member is not None)


def _stored(body: dict[str, Any], node: str, party: str, member: str | None) -> str:
    given = ((body.get(node) or {}).get("scores") or {}).get(party)
    if member is not None:
        given = given.get(member) if isinstance(given, dict) else None
    return "" if given is None else str(given)


def _write(session: SessionDep, case_id: str, principal: Principal, changes: list[Change]) -> None:
    groups: dict[tuple[str, str], dict[str | None, str]] = {}
    for node, party, member, value in changes:
        groups.setdefault((node, party), {})[member] = value
    for (node, party), values in groups.items():
        if party == "expert_panel" and principal.role != "expert":
            put = ScoresPut.model_validate({"scores": values})
        else:
            put = ScoresPut.model_validate({"score": next(iter(values.values()))})
        scores.put_score(
            session=session,
            case_id=case_id,
            node=node,
            party=party,
            scores=put,
            if_match=None,
            actor=principal,
        )


@router.post("/cases/{case_id}/scores")
def post_scores(request: Request, case_id: CaseIdPath, posted: Posted, session: SessionDep) -> Response:
    """Write the cells the caller changed; a bad value: the page again, each error at its cell."""
    principal = posted.user.principal
    context = case_page(session, case_id, principal)  # 404 before anything else
    body = context["body"]
    form = {name: posted.form.text(name) for name in posted.form.names()}
    cells = _cells(form)
    for _, party, member, _ in cells:
        _check(principal, party, member)
    changes = [c for c in cells if c[3] and not _same(c[3], _stored(body, c[0], c[1], c[2]))]
    problems = []
    for node, party, member, value in changes:
        try:
            ScoresPut.model_validate({"score": value})
        except ValidationError:
            cell_id = "-".join(("score", node, party, *([member] if member else [])))
            problems.append(Problem(msg("web.scores.not_number"), cell_id))
    if not problems:
        session.rollback()  # the reads above; each write takes its own lock first
        try:
            _write(session, case_id, principal, changes)
        except CaseError as exc:
            problems = [Problem(str(e.get("msg", ""))) for e in exc.errors]
    if problems:
        context = case_page(session, case_id, principal)
        typed = {f"score:{n}:{p}" + (f":{m}" if m else ""): v for n, p, m, v in cells}
        return render(request, "case.html", 422, typed=typed, errors=problems, notice=None, **context)
    return RedirectResponse(f"/cases/{case_id}?saved={len(changes)}#scores", status_code=303)
