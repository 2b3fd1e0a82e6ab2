"""The expert draw of a stored case: draw a panel from the registry, record it, verify it later.

A draw takes the registry's experts as they stand (the snapshot), the case's agency and project unit,
the formation date (today unless given) and the rule version in force for the case, and a seed drawn
from the operating system (:mod:`secrets`); :func:`engine.draw.draw_panel` does the rest. The case's
panel becomes the drawn members (by registry reference) in the same transaction as the audit entry
``panel.draw``, whose detail holds the whole record: seed, snapshot and its hash, candidates, each
excluded expert with its reasons, counts and panel. :func:`verify` re-derives the panel from that entry.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from api.errors import ConflictError, NotFoundError
from api.store import registry
from api.store.access import member_ids
from api.store.audit import add_audit, list_audit
from api.store.cases import case_row, check_writable, public, write_body
from api.store.db import begin_write
from api.store.decisions import office_today
from api.store.schemas import AuditQuery, CasePublic
from api.store.tables import ExpertRow
from engine import start
from engine.draw import draw_panel
from engine.draw import verify as re_derive
from engine.validate import parse_case
from rules import load_rulebook

if TYPE_CHECKING:
    from api.store.access import Principal

ACTION = "panel.draw"
SEED_BYTES = 32


def draw(
    *,
    session: Session,
    case_id: str,
    actor: Principal,
    formed_on: date | None = None,
    seed: bytes | None = None,
) -> tuple[CasePublic, dict[str, Any]]:
    """Draw the panel of a case that has none; the stored case and the draw's record.

    Raises:
        ConflictError: the case has a panel already, or is archived.
        DrawShortError: the registry cannot satisfy the panel rules (which rule, how many short).
    """
    begin_write(session)
    row = case_row(session, case_id, actor, lock=True)
    check_writable(row, None, required=False)
    if row.body.get("panel") is not None:
        raise ConflictError("draw.has_panel", case_id=case_id)
    case = parse_case(registry.resolve_case(session=session, body=row.body, exclude_case=case_id))
    rs = start().version_for(case)
    records = [r.record for r in session.exec(select(ExpertRow).order_by(col(ExpertRow.expert_id)))]
    record = draw_panel(
        records,
        agency=case.agency.name,
        project_unit=case.commission.project_unit,
        formed_on=formed_on or office_today(),
        rs=rs,
        seed=seed if seed is not None else secrets.token_bytes(SEED_BYTES),
    )
    panel = {"formed_on": record["formed_on"], "members": [{"id": member} for member in record["panel"]]}
    body = {**row.body, "panel": panel}
    write_body(session, row, body)
    row.version += 1
    add_audit(session, actor, ACTION, f"case:{case_id}", {"version": row.version, **record})
    session.commit()
    return public(row), record


def latest_draw(session: Session, case_id: str) -> dict[str, Any]:
    """The audit entry of a case's latest draw (its record in ``detail``), or 404."""
    page = list_audit(session=session, query=AuditQuery(action=ACTION, target=f"case:{case_id}", limit=1))
    if not page.items:
        raise NotFoundError("draw.none", case_id=case_id)
    entry = page.items[0]
    return {"at": entry.at, "actor": entry.actor, "record": dict(entry.detail or {})}


def verify(*, session: Session, case_id: str, principal: Principal) -> dict[str, Any]:
    """Re-derive a case's latest draw from its recorded seed and snapshot and compare.

    ``verified`` is true when the re-derived candidates, exclusions, counts and panel are the recorded
    ones and the case's panel is still that panel; ``differences`` names what is not.
    """
    row = case_row(session, case_id, principal)
    found = latest_draw(session, case_id)
    record = found["record"]
    rulebook = load_rulebook()
    try:
        rs = rulebook.at(str(record.get("rule_version")))
    except KeyError:
        differences, rules_changed = ["rule_version"], True
    else:
        differences, rules_changed = re_derive(record, rs), rs.content_hash != record.get("rule_hash")
    if sorted(member_ids(row.body)) != record.get("panel"):
        differences.append("case_panel")
    return {
        "case_id": case_id,
        "verified": not differences,
        "differences": differences,
        "rules_changed": rules_changed,
        "drawn_at": found["at"],
        "drawn_by": found["actor"],
        "seed": record.get("seed"),
        "registry_hash": record.get("registry_hash"),
        "algorithm": record.get("algorithm"),
        "panel": record.get("panel"),
        "case_panel": sorted(member_ids(row.body)),
    }
