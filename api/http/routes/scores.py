"""``PUT /cases/{id}/scores/{node}/{party}``: one party's score of the plan or the draft."""

from fastapi import Response

from api.http.deps import CaseIdPath, IfMatch, Scorer, SessionDep
from api.http.routes._common import CONFLICT, NOT_FOUND, PROTECTED
from api.http.routing import make_router
from api.store import scores
from api.store.jsondoc import etag
from api.store.schemas import CasePublic, ScoresPut
from engine.models import Node, Party

router = make_router("scores", responses={**PROTECTED, **NOT_FOUND, **CONFLICT})


@router.put("/cases/{case_id}/scores/{node}/{party}", response_model=CasePublic)
def put_score(  # noqa: PLR0913 - FastAPI injects each dependency as a parameter
    *,
    case_id: CaseIdPath,
    node: Node,
    party: Party,
    body: ScoresPut,
    session: SessionDep,
    caller: Scorer,
    response: Response,
    if_match: IfMatch = None,
) -> CasePublic:
    """Write a score: ``{"score": "91"}`` (an expert: its own), or ``{"scores": {"E1": "88"}}`` (the office).

    Member scores from the panel's sheet merge into those already there. ``If-Match`` is optional here.
    """
    case = scores.put_score(
        session=session, case_id=case_id, node=node, party=party, scores=body, if_match=if_match, actor=caller
    )
    response.headers["ETag"] = etag(case.version)
    return case
