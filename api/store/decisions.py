"""Stored decisions: evaluate a stored case and keep the result append-only; render its memos.

A decision keeps the case exactly as evaluated (registry records resolved), the hashes of that input
and of the output, the rule version and its content hash, and the issuing office, so its memos are the
same bytes on every download.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from api.errors import ConflictError, NotFoundError
from api.store import registry, templates
from api.store.audit import add_audit
from api.store.cases import case_row
from api.store.db import begin_write
from api.store.jsondoc import canonical_hash, plain
from api.store.paging import paginate
from api.store.schemas import DecisionDetail, DecisionRecord, DecisionRequest, Page, PageQuery, as_json
from api.store.tables import DecisionRow
from engine import start
from engine.memos import MemoNotApplicableError, OfficeInfo, UnknownMemoKindError, render_memo
from engine.validate import parse_case

if TYPE_CHECKING:
    from api.store.access import Principal

OFFICE_TZ = timezone(timedelta(hours=8), "CST")
"""China Standard Time (no daylight saving): the office's calendar day, e.g. of a stored decision."""


def office_today() -> date:
    """Today in the office's time zone."""
    return datetime.now(UTC).astimezone(OFFICE_TZ).date()


def _record(row: DecisionRow) -> dict[str, Any]:
    return {
        "case_id": row.case_id,
        "number": row.number,
        "rule_version": row.rule_version,
        "rule_hash": row.rule_hash,
        "input_hash": row.input_hash,
        "output_hash": row.output_hash,
        "document_number": row.document_number,
        "document_date": row.document_date,
        "actor": row.actor,
        "created_at": row.created_at,
        "decision": row.decision,
    }


def detail(row: DecisionRow) -> DecisionDetail:
    """A stored decision with the case as evaluated."""
    return DecisionDetail.model_validate({**_record(row), "input": row.input})


def create_decision(
    *, session: Session, case_id: str, request: DecisionRequest | None, office: OfficeInfo, actor: Principal
) -> DecisionDetail:
    """Evaluate a stored case and store the decision as the case's next number."""
    begin_write(session)
    case = case_row(session, case_id, actor, lock=True)
    if case.archived:
        raise ConflictError("api.case_archived", case_id=case_id)
    resolved = registry.resolve_case(session=session, body=case.body, exclude_case=case_id)
    parsed = parse_case(resolved)
    snapshot = as_json(parsed)  # the canonical form: what is hashed
    evaluator = start()
    decision = plain(evaluator.decide(parsed))
    last = session.exec(select(func.max(DecisionRow.number)).where(DecisionRow.case_id == case_id)).one()
    request = request or DecisionRequest()
    assessment = decision["assessment"]
    row = DecisionRow(
        case_id=case_id,
        number=(last or 0) + 1,
        rule_version=decision["rule_version"],
        rule_hash=evaluator.rulebook.at(decision["rule_version"]).content_hash,
        input_hash=canonical_hash(snapshot),
        output_hash=canonical_hash(decision),
        input=snapshot,
        decision=decision,
        office=asdict(office),
        document_number=request.document_number,
        document_date=request.document_date or office_today(),
        complete=assessment["status"] == "complete",
        composite=assessment["composite"],
        grade=assessment["grade"],
        actor=actor.actor,
        templates=templates.in_force(session),
    )
    case.latest_decision = row.number
    case.eligibility = decision["eligibility"]["status"]
    case.assessment = assessment["status"]
    case.fee = decision["fee"]["status"]
    case.grade = assessment["grade"]
    session.add(row)
    session.add(case)
    add_audit(
        session,
        actor,
        "decision.create",
        f"case:{case_id}",
        {"number": row.number, "rule_version": row.rule_version, "output_hash": row.output_hash},
    )
    session.commit()
    return detail(row)


def _row(session: Session, case_id: str, number: int, principal: Principal) -> DecisionRow:
    case_row(session, case_id, principal)
    row = session.exec(
        select(DecisionRow).where(DecisionRow.case_id == case_id, DecisionRow.number == number)
    ).first()
    if row is None:
        raise NotFoundError("api.no_decision", case_id=case_id, number=number)
    return row


def get_decision(*, session: Session, case_id: str, number: int, principal: Principal) -> DecisionDetail:
    """One stored decision of a case the principal may read."""
    return detail(_row(session, case_id, number, principal))


def list_decisions(
    *, session: Session, case_id: str, principal: Principal, query: PageQuery
) -> Page[DecisionRecord]:
    """A page of a case's decisions, oldest first."""
    case_row(session, case_id, principal)
    statement = select(DecisionRow).where(DecisionRow.case_id == case_id).order_by(col(DecisionRow.number))
    rows, total = paginate(session, statement, limit=query.limit, offset=query.offset)
    items = [DecisionRecord.model_validate(_record(r)) for r in rows]
    return Page[DecisionRecord](items=items, total=total, limit=query.limit, offset=query.offset)


def memo(*, session: Session, case_id: str, number: int, kind: str, principal: Principal) -> bytes:
    """The .docx of one memo of a stored decision (the same bytes every time)."""
    row = _row(session, case_id, number, principal)
    try:
        return render_memo(
            row.input,
            row.decision,
            kind,
            office=OfficeInfo(**row.office),
            document_number=row.document_number,
            document_date=row.document_date,
            template_dir=templates.template_dir(session, row.templates),
        )
    except UnknownMemoKindError as exc:
        raise NotFoundError("api.memo_refused", reason=exc) from None
    except MemoNotApplicableError as exc:
        raise ConflictError("api.memo_refused", reason=exc) from None
