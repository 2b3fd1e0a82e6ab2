"""The agency and expert registries, and how a stored case is resolved against them.

* An agency is keyed by its credit code. Its history is never written by hand after kaoping starts:
  it is the record's ``earlier_history`` plus, for every stored (not archived) case of that credit code,
  the case's latest decision with a complete assessment, dated by the decision's document date.
* When a stored case is evaluated, a registered agency (the case's agency credit code is in the
  registry) is replaced by the registry's record with that history (less the case's own decisions);
  a panel member written as ``{"id": ...}`` alone is the registry's expert of that id.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Select
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from api.errors import ConflictError, NotFoundError
from api.store.audit import add_audit
from api.store.db import begin_write, flush_new
from api.store.jsondoc import if_match_allows, plain
from api.store.paging import paginate
from api.store.schemas import AgencyPublic, AgencyRecord, ExpertPublic, ExpertRecord, as_json
from api.store.tables import AgencyRow, CaseRow, DecisionRow, ExpertRow, utcnow
from engine.errors import CaseError
from engine.models import HistoryEntry
from engine.problems import entry
from engine.validate import case_id_of
from rules.messages import Text

if TYPE_CHECKING:
    from api.store.access import Principal

T = TypeVar("T", AgencyRow, ExpertRow)
_CREDIT_KEY = re.compile(r"^[0-9A-Z]{18}$")
_EXPERT_KEY = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

# ---------------------------------------------------------------- agencies


def _agency_public(session: Session, row: AgencyRow) -> AgencyPublic:
    return AgencyPublic(
        record=AgencyRecord.model_validate(row.record),
        history=[HistoryEntry.model_validate(h) for h in agency_history(session, row)],
        version=row.version,
        updated_at=row.updated_at,
    )


def _check_key(key: str, given: str, field: str) -> None:
    if key != given:
        raise CaseError([entry([field], "id_mismatch", key=key)])


def _check_version(if_match: str | None, version: int) -> None:
    if if_match is not None and not if_match_allows(if_match, version):
        raise ConflictError("api.record_changed", version=version)


def create_agency(*, session: Session, record: AgencyRecord, actor: Principal) -> AgencyPublic:
    """Register an agency; :class:`ConflictError` when its credit code is registered already."""
    begin_write(session)
    if session.get(AgencyRow, record.credit_code) is not None:
        raise ConflictError("api.agency_exists", credit_code=record.credit_code)
    row = AgencyRow(credit_code=record.credit_code, name=record.name, record=as_json(record))
    session.add(row)
    flush_new(session, Text("api.what.agency", {"key": row.credit_code}))
    add_audit(session, actor, "agency.create", f"agency:{row.credit_code}")
    session.commit()
    return _agency_public(session, row)


def update_agency(
    *, session: Session, credit_code: str, record: AgencyRecord, if_match: str | None, actor: Principal
) -> AgencyPublic:
    """Replace a registry agency's record (its history stays derived)."""
    _check_key(credit_code, record.credit_code, "credit_code")
    begin_write(session)
    row = _agency_row(session, credit_code, lock=True)
    _check_version(if_match, row.version)
    row.record, row.name, row.version, row.updated_at = (
        as_json(record),
        record.name,
        row.version + 1,
        utcnow(),
    )
    session.add(row)
    add_audit(session, actor, "agency.update", f"agency:{credit_code}", {"version": row.version})
    session.commit()
    return _agency_public(session, row)


def _agency_row(session: Session, credit_code: str, *, lock: bool = False) -> AgencyRow:
    statement = select(AgencyRow).where(AgencyRow.credit_code == credit_code)
    row = session.exec(statement.with_for_update() if lock else statement).first()
    if row is None:
        raise NotFoundError("api.no_agency", credit_code=credit_code)
    return row


def get_agency(*, session: Session, credit_code: str) -> AgencyPublic:
    """One registry agency with its history."""
    return _agency_public(session, _agency_row(session, credit_code))


def list_agencies(*, session: Session, limit: int, offset: int) -> tuple[list[AgencyPublic], int]:
    """A page of registry agencies, by credit code."""
    rows, total = paginate(
        session, select(AgencyRow).order_by(col(AgencyRow.credit_code)), limit=limit, offset=offset
    )
    return [_agency_public(session, row) for row in rows], total


def derived_history_statement() -> Select[str, str | None, str | None, date, str]:
    """(case, composite, grade, document date, agency) of live cases' complete decisions, newest first."""
    return (
        sa_select(
            col(DecisionRow.case_id),
            col(DecisionRow.composite),
            col(DecisionRow.grade),
            col(DecisionRow.document_date),
            col(CaseRow.agency_code),
        )
        .join(CaseRow, col(CaseRow.case_id) == col(DecisionRow.case_id))
        .where(col(CaseRow.archived).is_(False))
        .where(col(DecisionRow.complete).is_(True))
        .order_by(col(DecisionRow.case_id), col(DecisionRow.number).desc())
    )


def derived_entries(rows: Iterable[Any]) -> dict[str, dict[str, Any]]:
    """Each case's latest complete decision as a history entry, by case id (rows newest first)."""
    derived: dict[str, dict[str, Any]] = {}
    for case_id, composite, grade, document_date, *_ in rows:
        derived.setdefault(
            case_id, {"decided_on": document_date.isoformat(), "composite": composite, "grade": grade}
        )
    return derived


def history(
    record: dict[str, Any], derived: dict[str, dict[str, Any]], exclude_case: str | None
) -> list[dict[str, Any]]:
    """The record's earlier history and the derived entries (less ``exclude_case``'s), by date."""
    entries = [*record.get("earlier_history", []), *(e for c, e in derived.items() if c != exclude_case)]
    return sorted(entries, key=lambda h: (h["decided_on"], Decimal(h["composite"]), h["grade"]))


def agency_history(session: Session, row: AgencyRow, exclude_case: str | None = None) -> list[dict[str, Any]]:
    """The agency's complete assessments: earlier ones from the record, then kaoping's, by date."""
    statement = derived_history_statement().where(col(CaseRow.agency_code) == row.credit_code)
    return history(row.record, derived_entries(session.execute(statement)), exclude_case)


def resolved_agency(record: dict[str, Any], entries: list[dict[str, Any]]) -> dict[str, Any]:
    """A registry agency as a case's agency: its record without ``earlier_history``, with the history."""
    return {**{k: v for k, v in record.items() if k != "earlier_history"}, "history": entries}


# ---------------------------------------------------------------- experts


def _expert_public(row: ExpertRow) -> ExpertPublic:
    return ExpertPublic(
        record=ExpertRecord.model_validate(row.record), version=row.version, updated_at=row.updated_at
    )


def _expert_row(session: Session, expert_id: str, *, lock: bool = False) -> ExpertRow:
    statement = select(ExpertRow).where(ExpertRow.expert_id == expert_id)
    row = session.exec(statement.with_for_update() if lock else statement).first()
    if row is None:
        raise NotFoundError("api.no_expert", expert_id=expert_id)
    return row


def create_expert(*, session: Session, record: ExpertRecord, actor: Principal) -> ExpertPublic:
    """Register an expert; :class:`ConflictError` when the id is taken."""
    begin_write(session)
    if session.get(ExpertRow, record.id) is not None:
        raise ConflictError("api.expert_exists", expert_id=record.id)
    row = ExpertRow(expert_id=record.id, name=record.name, record=as_json(record))
    session.add(row)
    flush_new(session, Text("api.what.expert", {"key": row.expert_id}))
    add_audit(session, actor, "expert.create", f"expert:{row.expert_id}")
    session.commit()
    return _expert_public(row)


def update_expert(
    *, session: Session, expert_id: str, record: ExpertRecord, if_match: str | None, actor: Principal
) -> ExpertPublic:
    """Replace a registry expert's record."""
    _check_key(expert_id, record.id, "id")
    begin_write(session)
    row = _expert_row(session, expert_id, lock=True)
    _check_version(if_match, row.version)
    row.record, row.name, row.version, row.updated_at = (
        as_json(record),
        record.name,
        row.version + 1,
        utcnow(),
    )
    session.add(row)
    add_audit(session, actor, "expert.update", f"expert:{expert_id}", {"version": row.version})
    session.commit()
    return _expert_public(row)


def get_expert(*, session: Session, expert_id: str) -> ExpertPublic:
    """One registry expert."""
    return _expert_public(_expert_row(session, expert_id))


def list_experts(*, session: Session, limit: int, offset: int) -> tuple[list[ExpertPublic], int]:
    """A page of registry experts, by id."""
    rows, total = paginate(
        session, select(ExpertRow).order_by(col(ExpertRow.expert_id)), limit=limit, offset=offset
    )
    return [_expert_public(row) for row in rows], total


# ---------------------------------------------------------------- resolution


def resolve_case(
    *, session: Session, body: dict[str, Any], exclude_case: str | None, registry_wins: bool = True
) -> dict[str, Any]:
    """The contract case a stored case stands for: registry records in place of references.

    With ``registry_wins`` (evaluation) a written-out agency whose credit code is registered is replaced
    too; without it (validating what was written) only ``{"credit_code": ...}`` references are.
    Raises :class:`CaseError` for a reference the registry does not hold.
    """

    def agency(code: str) -> dict[str, Any] | None:
        row = _get(session, AgencyRow, code, _CREDIT_KEY)
        return (
            None if row is None else resolved_agency(row.record, agency_history(session, row, exclude_case))
        )

    def expert(expert_id: str) -> dict[str, Any] | None:
        row = _get(session, ExpertRow, expert_id, _EXPERT_KEY)
        return None if row is None else row.record

    return resolve_body(body, agency=agency, expert=expert, registry_wins=registry_wins)


def resolve_body(
    body: dict[str, Any],
    *,
    agency: Callable[[str], dict[str, Any] | None],
    expert: Callable[[str], dict[str, Any] | None],
    registry_wins: bool,
) -> dict[str, Any]:
    """:func:`resolve_case` with the registry's look-ups given.

    ``agency(code)`` gives a registered agency resolved (with its history), ``expert(id)`` an expert's
    record; each ``None`` for what the registry does not hold.
    """
    resolved: dict[str, Any] = plain(body)
    errors: list[dict[str, Any]] = []
    found = resolved.get("agency")
    if isinstance(found, dict) and isinstance(found.get("credit_code"), str):
        reference = set(found) == {"credit_code"}
        registered = agency(found["credit_code"]) if reference or registry_wins else None
        if registered is not None:
            resolved["agency"] = registered
        elif reference:
            errors.append(
                _missing(["agency", "credit_code"], Text("api.what.agency", {"key": found["credit_code"]}))
            )
    panel = resolved.get("panel")
    if isinstance(panel, dict) and isinstance(panel.get("members"), list):
        members = []
        for i, member in enumerate(panel["members"]):
            if isinstance(member, dict) and set(member) == {"id"} and isinstance(member["id"], str):
                record = expert(member["id"])
                if record is None:
                    errors.append(
                        _missing(
                            ["panel", "members", i, "id"], Text("api.what.expert", {"key": member["id"]})
                        )
                    )
                    continue
                member = record  # noqa: PLW2901 - the reference is replaced by the record
            members.append(member)
        resolved["panel"] = {**panel, "members": members}
    if errors:
        raise CaseError(errors, case_id_of(body))
    return resolved


def _get(session: Session, table: type[T], key: str, pattern: re.Pattern[str]) -> T | None:
    """A registry row by key; a key that cannot be one (e.g. with NUL, which PostgreSQL refuses) is none."""
    return session.get(table, key) if pattern.match(key) else None


def _missing(loc: list[str | int], what: Text) -> dict[str, Any]:
    return entry(loc, "registry_reference", what=what)
