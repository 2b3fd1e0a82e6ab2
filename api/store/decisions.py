"""Stored decisions: evaluate a stored case and keep the result append-only; render its memos.

A decision keeps the case exactly as evaluated (registry records resolved), the hashes of that input
and of the output, the rule version and its content hash, and the issuing office, so its memos are the
same bytes on every download. Each is a link of the hash chain (:mod:`api.store.chain`). Its document
number is unique per issuing office and year; a given document date is neither before the commission
date nor more than a year ahead.

Who reads a decision is settled by the decision itself: the unit and the panel named in the case as it
was evaluated (and the roles that read everything), whatever the case says now. A decision or a case
the caller may not read is 404, exactly as one that does not exist. Memos render in a child process
under a budget (:mod:`engine.memos.isolation`); a template that fails there is a 409 naming it.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from api.errors import ApiError, ConflictError, NotFoundError
from api.roles import READ_ALL
from api.store import chain, registry, templates
from api.store.access import can_read_case, member_ids
from api.store.audit import add_audit
from api.store.cases import bad_input, case_row, no_case
from api.store.db import begin_write
from api.store.jsondoc import canonical_hash, plain
from api.store.paging import paginate
from api.store.schemas import DecisionDetail, DecisionRecord, DecisionRequest, Page, PageQuery, as_json
from api.store.tables import CaseRow, DecisionRow
from engine import start
from engine.memos import (
    MemoNotApplicableError,
    MemoTemplateError,
    OfficeInfo,
    UnknownMemoKindError,
    build_context,
)
from engine.memos.isolation import RenderBudgetError
from engine.validate import parse_case
from rules.messages import Term

if TYPE_CHECKING:
    from collections.abc import Mapping

    from api.store.access import Principal
    from engine.memos.isolation import Renderer

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


def _a_year_after(day: date) -> date:
    """The same day a year later (29 February: 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _check_document_date(given: date | None, commissioned_on: date) -> None:
    """A document date given with the request: not before the commission, not more than a year ahead."""
    if given is None:
        return
    if given < commissioned_on:
        raise bad_input(
            ["document_date"],
            "document_date_before_commission",
            date=given.isoformat(),
            commissioned_on=commissioned_on.isoformat(),
        )
    latest = _a_year_after(office_today())
    if given > latest:
        raise bad_input(
            ["document_date"], "document_date_too_late", date=given.isoformat(), latest=latest.isoformat()
        )


def _document_holder(session: Session, office: str, year: int, number: int) -> DecisionRow | None:
    statement = select(DecisionRow).where(
        DecisionRow.document_office == office,
        DecisionRow.document_year == year,
        DecisionRow.document_number == number,
    )
    return session.exec(statement.limit(1)).first()


def _number_taken(holder: DecisionRow, office: OfficeInfo, year: int) -> ConflictError:
    number = f"{office.number_prefix}〔{year}〕{holder.document_number}号"
    return ConflictError(
        "records.document_number_taken",
        number=number,
        record=chain.decision_name(holder.case_id, holder.number),
    )


def check_request(
    *, session: Session, case_id: str, request: DecisionRequest, office: OfficeInfo, actor: Principal
) -> None:
    """The checks :func:`create_decision` makes of a request, writing nothing (a page asks before issuing).

    Raises:
        CaseError: the case cannot be decided, or the document date is out of range.
        ConflictError: the case is archived, or the document number is taken that year.
    """
    case = case_row(session, case_id, actor)
    if case.archived:
        raise ConflictError("api.case_archived", case_id=case_id)
    parsed = parse_case(registry.resolve_case(session=session, body=case.body, exclude_case=case_id))
    _check_document_date(request.document_date, parsed.commission.commissioned_on)
    document_date = request.document_date or office_today()
    if request.document_number is not None:
        holder = _document_holder(session, office.name, document_date.year, request.document_number)
        if holder is not None:
            raise _number_taken(holder, office, document_date.year)
    session.rollback()


def create_decision(
    *, session: Session, case_id: str, request: DecisionRequest | None, office: OfficeInfo, actor: Principal
) -> DecisionDetail:
    """Evaluate a stored case and store the decision as the case's next number.

    Raises:
        CaseError: the case cannot be decided, or the document date is out of range (422).
        ConflictError: the case is archived, or the document number is taken this year (409).
    """
    begin_write(session)
    case = case_row(session, case_id, actor, lock=True)
    if case.archived:
        raise ConflictError("api.case_archived", case_id=case_id)
    resolved = registry.resolve_case(session=session, body=case.body, exclude_case=case_id)
    parsed = parse_case(resolved)
    request = request or DecisionRequest()
    _check_document_date(request.document_date, parsed.commission.commissioned_on)
    document_date = request.document_date or office_today()
    if request.document_number is not None:
        holder = _document_holder(session, office.name, document_date.year, request.document_number)
        if holder is not None:
            raise _number_taken(holder, office, document_date.year)
    snapshot = as_json(parsed)  # the canonical form: what is hashed
    evaluator = start()
    decision = plain(evaluator.decide(parsed))
    last = session.exec(select(func.max(DecisionRow.number)).where(DecisionRow.case_id == case_id)).one()
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
        document_date=document_date,
        document_office=office.name,
        document_year=document_date.year,
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
    record_statuses(case, decision)
    session.add(case)
    try:
        chain.append(session, row)
        add_audit(
            session,
            actor,
            "decision.create",
            f"case:{case_id}",
            {"number": row.number, "rule_version": row.rule_version, "output_hash": row.output_hash},
        )
        session.commit()
    except IntegrityError:  # a concurrent decision took the document number first
        session.rollback()
        raise _conflict(session, office, row) from None
    return detail(row)


def record_statuses(case: CaseRow, decision: Mapping[str, Any]) -> None:
    """Keep the latest decision's statuses, follow-ups and lateness on the case row (list and worklist)."""
    case.panel = decision["panel"]["status"]
    case.plan_review = decision["plan_review"]["verdict"]
    case.draft_review = decision["draft_review"]["verdict"]
    case.flags = " ".join(decision["flags"])
    case.late_days = decision["fee"]["late_working_days"]
    case.decided_version = case.version


def _conflict(session: Session, office: OfficeInfo, row: DecisionRow) -> ApiError:
    if row.document_number is not None and row.document_year is not None:
        holder = _document_holder(session, office.name, row.document_year, row.document_number)
        if holder is not None:
            return _number_taken(holder, office, row.document_year)
    return ConflictError("records.write_conflict")


def can_read_decision(principal: Principal, evaluated: Mapping[str, Any]) -> bool:
    """Whether the principal may read a decision of the case as it was evaluated (``evaluated``)."""
    commission = evaluated.get("commission") or {}
    return can_read_case(
        principal, project_unit=str(commission.get("project_unit", "")), members=member_ids(evaluated)
    )


def _case_visible(session: Session, case_id: str, principal: Principal, readable: bool) -> None:
    """404 ("no case") unless the case exists and the principal may read it or one of its decisions."""
    row = session.get(CaseRow, case_id)
    if row is None:
        raise no_case(case_id)
    if readable or principal.role in READ_ALL:
        return
    if not can_read_case(principal, project_unit=row.project_unit, members=member_ids(row.body)):
        raise no_case(case_id)


def _row(session: Session, case_id: str, number: int, principal: Principal) -> DecisionRow:
    row = session.exec(
        select(DecisionRow).where(DecisionRow.case_id == case_id, DecisionRow.number == number)
    ).first()
    if row is not None and can_read_decision(principal, row.input):
        return row
    _case_visible(session, case_id, principal, readable=_any_readable(session, case_id, principal))
    raise NotFoundError("api.no_decision", case_id=case_id, number=number)


def _any_readable(session: Session, case_id: str, principal: Principal) -> bool:
    if principal.role in READ_ALL:
        return True
    rows = session.exec(select(DecisionRow.input).where(DecisionRow.case_id == case_id))
    return any(can_read_decision(principal, evaluated) for evaluated in rows)


def get_decision(*, session: Session, case_id: str, number: int, principal: Principal) -> DecisionDetail:
    """One stored decision the principal may read (by the case as it was evaluated)."""
    return detail(_row(session, case_id, number, principal))


def list_decisions(
    *, session: Session, case_id: str, principal: Principal, query: PageQuery
) -> Page[DecisionRecord]:
    """A page of the case's decisions the principal may read, oldest first."""
    statement = select(DecisionRow).where(DecisionRow.case_id == case_id).order_by(col(DecisionRow.number))
    if principal.role in READ_ALL:
        _case_visible(session, case_id, principal, readable=True)
        rows, total = paginate(session, statement, limit=query.limit, offset=query.offset)
    else:
        readable = [r for r in session.exec(statement) if can_read_decision(principal, r.input)]
        _case_visible(session, case_id, principal, readable=bool(readable))
        rows, total = readable[query.offset : query.offset + query.limit], len(readable)
    items = [DecisionRecord.model_validate(_record(r)) for r in rows]
    return Page[DecisionRecord](items=items, total=total, limit=query.limit, offset=query.offset)


def memo(  # noqa: PLR0913 - which memo, who asks, and the renderer it runs in
    *, session: Session, case_id: str, number: int, kind: str, principal: Principal, renderer: Renderer
) -> bytes:
    """The .docx of one memo of a stored decision (the same bytes every time).

    Raises:
        NotFoundError: no such decision (or not the principal's), or no such memo kind (404).
        ConflictError: the decision cannot support this memo, or its template fails to render (409).
    """
    row = _row(session, case_id, number, principal)
    office = OfficeInfo(**row.office)
    try:
        context = build_context(
            row.input,
            row.decision,
            kind,
            office=office,
            document_number=row.document_number,
            document_date=row.document_date,
        )
        data = templates.template_data(session, row.templates, context.template)
        return renderer.render(context, data, office, row.document_date)
    except UnknownMemoKindError as exc:
        raise NotFoundError("api.memo_refused", reason=exc) from None
    except MemoNotApplicableError as exc:
        raise ConflictError("api.memo_refused", reason=exc) from None
    except (MemoTemplateError, RenderBudgetError) as exc:
        reason = exc
        raise ConflictError(
            "template.memo_failed",
            memo=Term("memo_kind", kind),
            template=f"{context.template}.docx",
            reason=reason,
        ) from None
