"""Stored cases: create, read, merge-patch, archive -- each one request's work in one transaction.

Write functions start with :func:`api.store.db.begin_write`, lock the case row (``FOR UPDATE`` on
PostgreSQL, the database write lock on SQLite), do all their writes and the audit entry, and commit once;
anything raised before the commit leaves nothing behind. The case list: :mod:`api.store.case_list`;
scores: :mod:`api.store.scores`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from api.errors import ConflictError, NotFoundError, PreconditionRequiredError
from api.store import registry
from api.store.access import Principal, can_read_case, member_ids
from api.store.audit import add_audit
from api.store.db import begin_write
from api.store.jsondoc import if_match_allows, merge_patch, plain
from api.store.schemas import CasePublic, CaseSummary, StoredCase
from api.store.tables import CaseMemberRow, CaseRow, utcnow
from engine.errors import CaseError
from engine.normalise import normalise_case
from engine.problems import entry
from engine.validate import parse_case

if TYPE_CHECKING:
    from engine.models import Case

_TOKEN_ID_CHARS = 64


def bad_input(loc: list[str | int], kind: str, **ctx: Any) -> CaseError:
    """A :class:`CaseError` of one bad field (``ctx``: the values of its message)."""
    return CaseError([entry(loc, kind, **ctx)])


def validate_stored(session: Session, body: dict[str, Any]) -> Case:
    """The stored body as the contract case it stands for, or :class:`CaseError` naming each bad field."""
    resolved = registry.resolve_case(session=session, body=body, exclude_case=None, registry_wins=False)
    return parse_case(resolved)


def write_body(session: Session, row: CaseRow, body: dict[str, Any]) -> None:
    """Store a changed body the one way every write does: in normal form, validated, then stored.

    A code's label or synonym becomes its code, a full-width number its digits (:mod:`engine.normalise`),
    whether the change came as JSON, from a score sheet, a Word deliverable or the expert draw.
    """
    normal = normalise_case(body)
    store_body(session, row, normal, validate_stored(session, normal))


def store_body(session: Session, row: CaseRow, body: dict[str, Any], case: Case) -> None:
    """Store a validated body in ``row`` with its filter columns and the panel's member ids."""
    row.body = body
    row.year = case.commission.commissioned_on.year
    row.agency_code = case.agency.credit_code
    row.project_unit = case.commission.project_unit
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    session.exec(delete(CaseMemberRow).where(col(CaseMemberRow.case_id) == row.case_id))
    for member_id in member_ids(body):
        if len(member_id) <= _TOKEN_ID_CHARS:
            session.add(CaseMemberRow(case_id=row.case_id, member_id=member_id))


def summary(row: CaseRow) -> CaseSummary:
    """The list line of a stored case."""
    return CaseSummary.model_validate(
        {
            "case_id": row.case_id,
            "version": row.version,
            "archived": row.archived,
            "year": row.year,
            "agency": row.agency_code,
            "project_unit": row.project_unit,
            "updated_at": row.updated_at,
            "latest_decision": row.latest_decision,
            "eligibility": row.eligibility,
            "assessment": row.assessment,
            "fee": row.fee,
            "grade": row.grade,
            "panel": row.panel,
            "plan_review": row.plan_review,
            "draft_review": row.draft_review,
        }
    )


def public(row: CaseRow) -> CasePublic:
    """A stored case as the API shows it."""
    return CasePublic.model_validate(
        {
            **summary(row).model_dump(),
            "created_at": row.created_at,
            "case": StoredCase.model_validate(row.body),
        }
    )


def no_case(case_id: str) -> NotFoundError:
    """The 404 of a case that does not exist -- and of one the caller may not read: the same answer."""
    return NotFoundError("api.no_case", case_id=case_id)


def case_row(session: Session, case_id: str, principal: Principal, *, lock: bool = False) -> CaseRow:
    """A stored case the principal may read (``lock``: for update), else 404 whether absent or not theirs."""
    statement = select(CaseRow).where(CaseRow.case_id == case_id)
    row = session.exec(statement.with_for_update() if lock else statement).first()
    if row is None or not can_read_case(
        principal, project_unit=row.project_unit, members=member_ids(row.body)
    ):
        raise no_case(case_id)
    return row


def check_writable(row: CaseRow, if_match: str | None, *, required: bool) -> None:
    """Refuse a write to an archived case, or with a stale ``If-Match`` (or none, when ``required``)."""
    if row.archived:
        raise ConflictError("api.case_archived", case_id=row.case_id)
    if if_match is None:
        if required:
            raise PreconditionRequiredError("api.if_match_required", version=row.version)
        return
    if not if_match_allows(if_match, row.version):
        raise ConflictError("api.case_changed", case_id=row.case_id, version=row.version)


def create_case(*, session: Session, data: Any, actor: Principal) -> CasePublic:
    """Store a new case (409 when its ``case_id`` exists, archived or not)."""
    begin_write(session)
    if not isinstance(data, dict):
        raise bad_input([], "model_type", reason="case")
    body = normalise_case(plain(data))
    case = validate_stored(session, body)
    if session.get(CaseRow, case.case_id) is not None:
        raise ConflictError("api.case_exists", case_id=case.case_id)
    row = CaseRow(case_id=case.case_id, body=body, year=0, agency_code="", project_unit="")
    try:  # a concurrent create of the same case_id fails here on PostgreSQL (SQLite: one writer at a time)
        store_body(session, row, body, case)
    except IntegrityError:
        session.rollback()
        raise ConflictError("api.case_exists", case_id=case.case_id) from None
    add_audit(session, actor, "case.create", f"case:{case.case_id}", {"version": 1})
    session.commit()
    return public(row)


def get_case(*, session: Session, case_id: str, principal: Principal) -> CasePublic:
    """One stored case the principal may read."""
    return public(case_row(session, case_id, principal))


def patch_case(
    *, session: Session, case_id: str, patch: Any, if_match: str | None, actor: Principal
) -> CasePublic:
    """Apply a JSON merge patch (RFC 7396) to a stored case; ``If-Match`` is required."""
    begin_write(session)
    row = case_row(session, case_id, actor, lock=True)
    check_writable(row, if_match, required=True)
    if not isinstance(patch, dict):
        raise bad_input([], "model_type", reason="patch")
    body = normalise_case(merge_patch(row.body, plain(patch)))
    if body.get("case_id") != case_id:
        raise bad_input(["case_id"], "case_id_changed")
    write_body(session, row, body)
    row.version += 1
    fields = sorted(set(patch) & set(StoredCase.model_fields))
    add_audit(session, actor, "case.patch", f"case:{case_id}", {"version": row.version, "fields": fields})
    session.commit()
    return public(row)


def set_archived(
    *, session: Session, case_id: str, archived: bool, if_match: str | None, actor: Principal
) -> CasePublic:
    """Archive or restore a case (cases are never deleted)."""
    begin_write(session)
    row = case_row(session, case_id, actor, lock=True)
    if if_match is not None and not if_match_allows(if_match, row.version):
        raise ConflictError("api.case_changed", case_id=case_id, version=row.version)
    if row.archived != archived:
        row.archived, row.version, row.updated_at = archived, row.version + 1, utcnow()
        session.add(row)
        add_audit(
            session,
            actor,
            "case.archive" if archived else "case.restore",
            f"case:{case_id}",
            {"version": row.version},
        )
        session.commit()
    return public(row)
