"""Scores: one party's score of the plan or the draft, written into the stored case."""

from __future__ import annotations

import copy
from typing import Any

from sqlmodel import Session

from api.errors import ConflictError
from api.store.access import Principal, check_score_write, member_ids
from api.store.audit import add_audit
from api.store.cases import case_row, check_writable, public, write_body
from api.store.db import begin_write
from api.store.jsondoc import plain
from api.store.schemas import CasePublic, ScoresPut
from engine.errors import CaseError
from engine.problems import entry
from rules.messages import Term, Text


def put_score(  # noqa: PLR0913 - one keyword per part of the request
    *,
    session: Session,
    case_id: str,
    node: str,
    party: str,
    scores: ScoresPut,
    if_match: str | None,
    actor: Principal,
) -> CasePublic:
    """Write one party's score of a node; member scores of the expert panel merge into what is there."""
    begin_write(session)
    row = case_row(session, case_id, actor, lock=True)
    check_score_write(actor, party, member_scores=scores.scores is not None)
    check_writable(row, if_match, required=False)
    value: Any
    if party == "expert_panel":
        if actor.role == "expert":
            value = {actor.expert_id: scores.score}
        elif scores.scores is None:
            raise CaseError([entry(["score"], "score_shape", advice=Text("api.panel_per_member", {}))])
        else:
            value = dict(scores.scores)
        panel = set(member_ids(row.body))
        unknown = [m for m in value if m not in panel]
        if unknown:
            raise CaseError([entry(["scores", m], "unknown_member", id=m) for m in unknown])
    elif scores.scores is not None:
        advice = Text("api.one_score", {"party": Term("party", party)})
        raise CaseError([entry(["scores"], "score_shape", advice=advice)])
    else:
        value = scores.score
    body = copy.deepcopy(row.body)
    if not isinstance(body.get(node), dict):
        raise ConflictError("api.no_node", case_id=case_id, node=Term("node", node))
    node_scores = dict(body[node].get("scores") or {})
    detail: dict[str, Any] = {"node": node, "party": party}
    if party == "expert_panel":
        detail["members"] = sorted(value)
        value = {**(node_scores.get("expert_panel") or {}), **value}
    node_scores[party] = plain(value)
    body[node]["scores"] = node_scores
    write_body(session, row, body)
    row.version += 1
    detail["version"] = row.version
    add_audit(session, actor, "scores.put", f"case:{case_id}", detail)
    session.commit()
    return public(row)
