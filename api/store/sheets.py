"""Excel score sheets of a stored case: the template to fill, and importing it in one transaction.

The template shows the case as it resolves against the registries (members' names) with the scores
entered so far. An import reads the whole file before it touches the database, then, in one
transaction, checks every score as ``PUT /cases/{id}/scores/{node}/{party}`` would (who may write it,
the case writable, the member on the panel, the node there, 0-100 with one decimal, the case still a
valid contract case) and writes the changed ones, or nothing when anything is wrong.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from api.store import registry
from api.store.access import check_score_write, member_ids
from api.store.audit import add_audit
from api.store.cases import case_row, check_writable, public, write_body
from api.store.db import begin_write
from api.store.schemas import CasePublic
from engine.sheets import ScoreEntry, SheetError, SheetReading, build_template, read_sheet, score_text
from engine.validate import parse_case
from rules import load_rulebook

if TYPE_CHECKING:
    from api.store.access import Principal
    from rules.messages import Lang

NODES = ("plan", "draft")


def template(*, session: Session, case_id: str, principal: Principal, lang: Lang = "zh") -> bytes:
    """The .xlsx score sheet of a case the principal may read."""
    row = case_row(session, case_id, principal)
    resolved = registry.resolve_case(session=session, body=row.body, exclude_case=case_id)
    return build_template(parse_case(resolved), load_rulebook().vocabulary, lang)


@dataclass
class ImportResult:
    """What an import changed: each changed score, how many were already as the sheet says, the case."""

    case: CasePublic
    changed: list[dict[str, Any]] = field(default_factory=list)
    same: int = 0


def _current(body: dict[str, Any], entry: ScoreEntry) -> Any:
    scores = (body.get(entry.node) or {}).get("scores") or {}
    if entry.member is not None:
        return (scores.get("expert_panel") or {}).get(entry.member)
    return scores.get(entry.party)


def _apply(
    body: dict[str, Any], entries: list[ScoreEntry]
) -> tuple[dict[str, Any], list[dict[str, Any]], int]:
    """The body with the sheet's scores merged in, the changes, and how many scores were unchanged."""
    changed_body = copy.deepcopy(body)
    changes, same = [], 0
    for entry in entries:
        before = _current(body, entry)
        after = score_text(entry.value)
        if before is not None and _same(before, entry):
            same += 1
            continue
        scores = changed_body[entry.node].setdefault("scores", {}) or {}
        changed_body[entry.node]["scores"] = scores
        if entry.member is not None:
            scores["expert_panel"] = {**(scores.get("expert_panel") or {}), entry.member: after}
        else:
            scores[entry.party] = after
        changes.append(
            {
                "sheet": entry.sheet,
                "cell": entry.cell,
                "node": entry.node,
                "party": entry.party,
                "member": entry.member,
                "before": None if before is None else str(before),
                "after": after,
            }
        )
    return changed_body, changes, same


def _same(before: Any, entry: ScoreEntry) -> bool:
    try:
        return Decimal(str(before)) == entry.value
    except InvalidOperation:
        return False


def import_sheet(*, session: Session, case_id: str, data: bytes, actor: Principal) -> ImportResult:
    """Write the scores of a filled sheet into the case; nothing is written when any cell is wrong.

    Raises:
        OfficeFileError: the file fails the guard.
        SheetError: another case's sheet, a changed shape, bad cells, members not on the panel.
    """
    reading: SheetReading = read_sheet(data, case_id=case_id)
    begin_write(session)
    row = case_row(session, case_id, actor, lock=True)
    for party in {entry.party for entry in reading.entries}:
        check_score_write(actor, party, member_scores=party == "expert_panel")
    check_writable(row, None, required=False)
    nodes = {n for n in NODES if isinstance(row.body.get(n), dict)}
    entries = reading.checked(members=member_ids(row.body), nodes=nodes)
    body, changes, same = _apply(row.body, entries)
    if changes:
        write_body(session, row, body)
        row.version += 1
        detail = {
            "version": row.version,
            "sha256": hashlib.sha256(data).hexdigest(),
            "changed": [f"{c['sheet']}!{c['cell']}" for c in changes],
        }
        add_audit(session, actor, "scores.sheet", f"case:{case_id}", detail)
        session.commit()
    else:
        session.rollback()
    return ImportResult(case=public(row), changed=changes, same=same)


__all__ = ["ImportResult", "SheetError", "import_sheet", "template"]
