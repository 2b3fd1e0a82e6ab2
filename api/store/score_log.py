"""Who entered each score of a case, and when: read from the audit log.

A score written on its own (``scores.put``) names its node, party and members; a score that came with
the case when it was created or changed as a whole (``case.create``, ``case.patch``) is credited to that
write unless a later one names it. A sheet import (``scores.sheet``) names its cells by sheet and cell,
not by score: it is credited with the scores no single write names (its audit entry lists the cells).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from api.store.tables import AuditRow

Cell = tuple[str, str, str | None]
"""A score's place: node, party, and the member id for the expert panel (else ``None``)."""


@dataclass(frozen=True)
class Entry:
    """Who entered a score (the audit log's actor), how (the audit action), and when."""

    actor: str
    action: str
    at: datetime


def cells_of(body: dict[str, Any]) -> list[Cell]:
    """Every score a stored case holds, as cells."""
    out: list[Cell] = []
    for node in ("plan", "draft"):
        scores = (body.get(node) or {}).get("scores") or {} if isinstance(body.get(node), dict) else {}
        for party, value in scores.items():
            if party == "expert_panel" and isinstance(value, dict):
                out += [(node, party, member) for member in value]
            elif value is not None:
                out.append((node, party, None))
    return out


def score_entries(*, session: Session, case_id: str, body: dict[str, Any]) -> dict[Cell, Entry]:
    """The audit entry behind each score the case ``body`` holds (cells no entry names are left out)."""
    rows = session.exec(
        select(AuditRow.actor, AuditRow.action, AuditRow.at, AuditRow.detail)
        .where(AuditRow.target == f"case:{case_id}")
        .order_by(col(AuditRow.id))
    ).all()
    session.rollback()
    held = cells_of(body)
    found: dict[Cell, Entry] = {}
    for actor, action, at, raw in rows:
        detail = raw or {}
        entry = Entry(actor=actor, action=action, at=at)
        if action == "scores.put":
            node, party = str(detail.get("node")), str(detail.get("party"))
            members = detail.get("members") if party == "expert_panel" else [None]
            for member in members or []:
                found[(node, party, member)] = entry
        elif action == "scores.sheet":
            for cell in held:
                if cell not in found or found[cell].action != "scores.put":
                    found[cell] = entry
        elif action in {"case.create", "case.patch"}:
            touched = set(detail.get("fields") or ["plan", "draft"])
            for cell in held:
                if cell[0] in touched and cell not in found:
                    found[cell] = entry
    return {cell: entry for cell, entry in found.items() if cell in held}
