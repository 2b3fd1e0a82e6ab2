"""What each party has to do next: the home page of the web pages.

* The finance office: live cases waiting for a decision (never decided, or changed since the latest
  decision), cases with late deliverables, and cases with follow-ups (rework, referral, divergence),
  each from the columns the latest decision left on the case row.
* An expert: the live cases whose panel lists it, and for each submitted node whose score it still owes.
* A project unit: its own live cases, and for each submitted node whose score it still owes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from api.store.tables import CaseMemberRow, CaseRow

if TYPE_CHECKING:
    from api.store.access import Principal

NODES = ("plan", "draft")
LIMIT = 20
"""Most cases a list of the home page shows (the case list has them all)."""

FOLLOW_UPS: dict[str, tuple[str, ...]] = {
    "rework": ("FLW-01",),
    "referral": ("FLW-02", "FLW-03"),
    "divergence": ("FLW-06",),
}
"""The follow-ups the office's home page lists, by kind."""


@dataclass(frozen=True)
class WorkItem:
    """One case on a home page list: what identifies it, and what is due (nodes owed, flags, late days)."""

    case_id: str
    project_name: str
    project_unit: str
    year: int
    owed: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    late_days: int | None = None


@dataclass
class Worklist:
    """The lists of a home page, each with how many cases it has in all."""

    lists: dict[str, list[WorkItem]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)


def _item(row: CaseRow, owed: tuple[str, ...] = ()) -> WorkItem:
    commission = row.body.get("commission") or {}
    return WorkItem(
        case_id=row.case_id,
        project_name=str(commission.get("project_name", "")),
        project_unit=row.project_unit,
        year=row.year,
        owed=owed,
        flags=tuple((row.flags or "").split()),
        late_days=row.late_days,
    )


def _live() -> Any:
    return col(CaseRow.archived).is_(False)


def _listed(session: Session, condition: Any) -> tuple[list[WorkItem], int]:
    statement = select(CaseRow).where(_live(), condition)
    total = session.exec(select(func.count()).select_from(CaseRow).where(_live(), condition)).one()
    rows = session.exec(statement.order_by(col(CaseRow.updated_at).desc()).limit(LIMIT)).all()
    return [_item(row) for row in rows], int(total)  # read before the transaction ends


def office_worklist(*, session: Session) -> Worklist:
    """The finance office's lists: ``waiting``, ``late``, and one per kind of :data:`FOLLOW_UPS`."""
    out = Worklist()
    waiting = or_(col(CaseRow.decided_version).is_(None), col(CaseRow.decided_version) < col(CaseRow.version))
    conditions: dict[str, Any] = {"waiting": waiting, "late": col(CaseRow.late_days) > 0}
    for kind, flags in FOLLOW_UPS.items():
        conditions[kind] = or_(*(col(CaseRow.flags).contains(flag) for flag in flags))
    for name, condition in conditions.items():
        out.lists[name], out.totals[name] = _listed(session, condition)
    session.rollback()
    return out


def owed_nodes(body: dict[str, Any], party: str, member: str | None = None) -> tuple[str, ...]:
    """The submitted nodes of a stored case whose score ``party`` (an expert: ``member``) has not given."""
    owed = []
    for node in NODES:
        part = body.get(node)
        if not isinstance(part, dict):
            continue
        scores = part.get("scores") or {}
        given = scores.get(party)
        if party == "expert_panel":
            given = (given or {}).get(member) if isinstance(given, dict) else None
        if given is None:
            owed.append(node)
    return tuple(owed)


def party_worklist(*, session: Session, principal: Principal) -> Worklist:
    """An expert's or a project unit's lists: ``cases`` (its live cases) and ``owed`` (scores it owes)."""
    if principal.role == "expert":
        mine = select(CaseMemberRow.case_id).where(CaseMemberRow.member_id == (principal.expert_id or ""))
        condition: Any = col(CaseRow.case_id).in_(mine)
        party, member = "expert_panel", principal.expert_id
    else:
        condition = col(CaseRow.project_unit) == (principal.unit_name or "")
        party, member = "project_unit", None
    rows = session.exec(select(CaseRow).where(_live(), condition).order_by(col(CaseRow.case_id))).all()
    items = [_item(row, owed_nodes(row.body, party, member)) for row in rows]
    session.rollback()
    owed = [item for item in items if item.owed]
    out = Worklist()
    out.lists = {"owed": owed[:LIMIT], "cases": items[:LIMIT]}
    out.totals = {"owed": len(owed), "cases": len(items)}
    return out
