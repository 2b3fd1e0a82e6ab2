"""What the case page shows, gathered from the store and the engine into one flat context.

Nothing here decides anything: the decision is the engine's (:mod:`api.store.preview`), who may write
which score is :func:`api.store.access.check_score_write`'s, who entered each score is the audit log's
(:mod:`api.store.score_log`), what changed between two decisions is :func:`engine.compare.compare`'s, and
whether a memo can be issued is the memo kind's own refusal. This module arranges them for the template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from api.errors import ApiError
from api.roles import OFFICE
from api.store import decisions, preview, score_log
from api.store.access import check_score_write
from api.store.cases import get_case
from api.store.schemas import PageQuery, as_json
from engine.compare import compare, describe
from engine.deliverables.model import Location
from engine.errors import CaseError
from engine.memos.kinds import REGISTRY
from engine.memos.source import Source
from rules import load_rulebook

if TYPE_CHECKING:
    from sqlmodel import Session

    from api.store.access import Principal
    from api.store.schemas import CasePublic

NODES = ("plan", "draft")
PARTIES = ("expert_panel", "project_unit", "finance_office")
_PREFIXES = {
    "ELG": "eligibility",
    "EXP": "panel",
    "PLN": "plan_review",
    "RPT": "report_review",
    "ASM": "assessment",
    "FEE": "fees",
    "FLW": "followups",
}


@dataclass
class Cell:
    """One cell of the score matrix: its value, whether the caller may write it, and who entered it."""

    node: str
    party: str
    member: str | None
    name: str
    value: str
    submitted: bool
    writable: bool
    entered: score_log.Entry | None = None

    @property
    def key(self) -> str:
        """The form field's name (and, with ``-`` for ``:``, its id)."""
        return ":".join(("score", self.node, self.party, *([self.member] if self.member else [])))

    @property
    def id(self) -> str:
        """The input's id."""
        return self.key.replace(":", "-")


@dataclass
class Row:
    """A row of the matrix: a party (or a panel member) across the two nodes."""

    party: str
    member: str | None
    name: str
    cells: list[Cell] = field(default_factory=list)


def writable(principal: Principal, party: str, member: str | None) -> bool:
    """Whether the store lets ``principal`` write this cell (the same check the post runs again)."""
    if principal.role == "expert" and party == "expert_panel":
        return member == principal.expert_id
    try:
        check_score_write(principal, party, member_scores=member is not None)
    except ApiError:
        return False
    return True


def matrix(
    principal: Principal,
    body: dict[str, Any],
    members: list[dict[str, Any]],
    entries: dict[Any, Any],
    *,
    archived: bool,
) -> list[Row]:
    """The 3 x 2 score matrix: the panel's members, the project unit, the finance office x plan, draft."""
    rows = [Row("expert_panel", str(m.get("id")), str(m.get("name", ""))) for m in members]
    rows += [Row("project_unit", None, ""), Row("finance_office", None, "")]
    for row in rows:
        for node in NODES:
            part = body.get(node)
            submitted = isinstance(part, dict)
            scores = (part.get("scores") or {}) if isinstance(part, dict) else {}
            given = scores.get(row.party)
            if row.member is not None:
                given = given.get(row.member) if isinstance(given, dict) else None
            row.cells.append(
                Cell(
                    node=node,
                    party=row.party,
                    member=row.member,
                    name=row.name,
                    value="" if given is None else str(given),
                    submitted=submitted,
                    writable=submitted and not archived and writable(principal, row.party, row.member),
                    entered=entries.get((node, row.party, row.member)),
                )
            )
    return rows


def families(decision: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The trace in the rulebook's family order, each entry with its rule's title and places in words."""
    rulebook = load_rulebook()
    rules = {r.id: r for r in rulebook.at(str(decision["rule_version"])).rules}
    grouped: dict[str, list[dict[str, Any]]] = {family: [] for family in rulebook.families}
    for entry in decision.get("trace", []):
        rule = rules.get(entry["rule"])
        places = [
            f"{Location.from_json(place).place('zh')}：{place.get('text', '')}"
            for place in entry.get("locations", [])
        ]
        grouped.setdefault(_PREFIXES.get(entry["rule"][:3], "other"), []).append(
            {
                **entry,
                "title": rule.title if rule is not None else "",
                "severity": rule.severity if rule is not None else None,
                "places": places,
            }
        )
    return [(family, entries) for family, entries in grouped.items() if entries]


def memo_kinds(case: dict[str, Any], decision: dict[str, Any]) -> list[tuple[str, str | None]]:
    """Each memo kind with why it cannot be issued for this decision (``None``: it can)."""
    src = Source(case, decision)
    out = []
    for name, kind in REGISTRY.items():
        refusal = kind.refusal(src)
        out.append((name, None if refusal is None else refusal.text("zh")))
    return out


def history(session: Session, case_id: str, principal: Principal) -> list[dict[str, Any]]:
    """The case's decisions the caller may read, oldest first, each with its changes from the one before."""
    page = decisions.list_decisions(
        session=session, case_id=case_id, principal=principal, query=PageQuery(limit=500)
    )
    rulebook = load_rulebook()
    out: list[dict[str, Any]] = []
    before: dict[str, Any] | None = None
    for record in page.items:
        decision = as_json(record.decision)
        detail = decisions.get_decision(
            session=session, case_id=case_id, number=record.number, principal=principal
        )
        changes = [describe(c, rulebook) for c in compare(before, decision)] if before is not None else []
        out.append(
            {
                "record": record,
                "decision": decision,
                "changes": changes,
                "memos": memo_kinds(as_json(detail.input), decision),
            }
        )
        before = decision
    session.rollback()
    return out


def case_page(session: Session, case_id: str, principal: Principal) -> dict[str, Any]:
    """The case page's context (404 for a case the caller may not see, as the API)."""
    stored: CasePublic = get_case(session=session, case_id=case_id, principal=principal)
    body = as_json(stored.case)
    decision: dict[str, Any] | None = None
    evaluated: dict[str, Any] = body
    problems: list[str] = []
    try:
        decision, evaluated = preview.current_decision(session=session, case_id=case_id, body=body)
    except CaseError as exc:
        problems = [str(e.get("msg", "")) for e in exc.errors]
    readings = preview.latest_readings(session=session, case_id=case_id)
    if decision is not None and any(r.reading is not None for r in readings.values()):
        from engine.deliverables import attach_locations  # noqa: PLC0415 - loads the reader's rules

        decision = attach_locations(decision, [r.reading for r in readings.values() if r.reading is not None])
    members = (evaluated.get("panel") or {}).get("members") or []
    entries = score_log.score_entries(session=session, case_id=case_id, body=body)
    grouped = families(decision) if decision is not None else []
    rows = matrix(principal, body, members, entries, archived=stored.archived)
    return {
        "stored": stored,
        "case": evaluated,
        "body": body,
        "decision": decision,
        "problems": problems,
        "families": grouped,
        "families_map": {family: [] for family in load_rulebook().families} | dict(grouped),
        "trace": {e["rule"]: e for _, group in grouped for e in group},
        "readings": readings,
        "rows": rows,
        "any_writable": any(cell.writable for row in rows for cell in row.cells),
        "history": history(session, case_id, principal),
        "is_office": principal.role in OFFICE,
    }
