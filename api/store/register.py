"""The year's register (考评台账) of the stored cases: one query, then the workbook.

Every live (not archived) case commissioned in the year, in ``case_id`` order, with the results of its
latest decision (blank before the first). Only the parts of the stored JSON the register shows are
read (the decision's trace stays in the database). Written by :func:`engine.register.write_register`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from api.roles import READ_ALL
from api.store.access import require_role
from api.store.tables import AgencyRow, CaseRow, DecisionRow
from engine.register import RegisterRow, write_register
from rules import load_rulebook

if TYPE_CHECKING:
    from api.store.access import Principal
    from rules.messages import Lang

_DECIDED = ("eligibility", "plan_review", "draft_review", "assessment", "fee", "flags")


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else None


def rows(*, session: Session, year: int) -> list[RegisterRow]:
    """The register's rows of a year (live cases, ``case_id`` order)."""
    decision = col(DecisionRow.decision)
    body = col(CaseRow.body)
    statement = (
        sa_select(
            col(CaseRow.case_id),
            body["commission"],
            body["agency"],
            body[("plan", "submitted_on")],
            body[("draft", "submitted_on")],
            col(DecisionRow.number),
            col(DecisionRow.document_date),
            *(decision[part] for part in _DECIDED),
        )
        .outerjoin(
            DecisionRow,
            and_(
                col(DecisionRow.case_id) == col(CaseRow.case_id),
                col(DecisionRow.number) == col(CaseRow.latest_decision),
            ),
        )
        .where(col(CaseRow.year) == year, col(CaseRow.archived).is_(False))
        .order_by(col(CaseRow.case_id))
    )
    names = dict(session.exec(select(AgencyRow.credit_code, AgencyRow.name)).all())
    out = []
    for case_id, commission, agency, plan_on, draft_on, number, document_date, *decided in session.execute(
        statement
    ):
        name = agency.get("name") or names.get(agency.get("credit_code", ""), agency.get("credit_code", ""))
        out.append(
            RegisterRow(
                case_id=case_id,
                agency=name,
                project=commission["project_name"],
                unit=commission["project_unit"],
                commissioned_on=dt.date.fromisoformat(commission["commissioned_on"]),
                contract_fee=Decimal(commission["contract_fee"]),
                plan_submitted=_date(plan_on),
                draft_submitted=_date(draft_on),
                decision=dict(zip(_DECIDED, decided, strict=True)) if number is not None else None,
                decision_number=number,
                decision_date=document_date,
            )
        )
    return out


def export(*, session: Session, year: int, principal: Principal, lang: Lang = "zh") -> tuple[bytes, int]:
    """The .xlsx register of a year and how many cases it holds (for who reads every case)."""
    require_role(principal, READ_ALL)
    found = rows(session=session, year=year)
    return write_register(year, found, load_rulebook(), lang), len(found)
