"""The SQLModel tables of the case store (the only table classes; shapes live in :mod:`api.store.schemas`).

Times are aware UTC (SQLModel's ``UTCDateTime``). JSON columns hold plain JSON (decimals as strings).
Decisions and the audit log are append-only: the migration adds triggers that refuse UPDATE and DELETE
on them; each of their rows is a link of the database's hash chain (``chain_*``: :mod:`api.store.chain`).
"""

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)


def _json(*, nullable: bool = False) -> Any:
    return Field(sa_column=Column(JSON, nullable=nullable))


class AgencyRow(SQLModel, table=True):
    """A registry agency: the record as given (``AgencyRecord``), keyed by credit code."""

    __tablename__ = "agencies"

    credit_code: str = Field(primary_key=True, max_length=18)
    name: str = Field(max_length=200)
    record: dict[str, Any] = _json()
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ExpertRow(SQLModel, table=True):
    """A registry expert: the record as given (``ExpertRecord``)."""

    __tablename__ = "experts"

    expert_id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    record: dict[str, Any] = _json()
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


LIST_FILTER_COLUMNS = (
    "year",
    "agency_code",
    "project_unit",
    "eligibility",
    "assessment",
    "fee",
    "grade",
    "panel",
    "plan_review",
    "draft_review",
)


class CaseRow(SQLModel, table=True):
    """A stored case: its JSON body, an edit counter (the ETag) and columns to filter on."""

    __tablename__ = "cases"
    # GET /cases filters live cases by one column and pages in case_id order: one composite index per
    # filter lets PostgreSQL count and page from the index alone (docs/performance.md); year + grade,
    # the office's usual report ("this year's 良 cases"), has its own.
    __table_args__ = (
        Index("ix_cases_archived_case_id", "archived", "case_id"),
        *(
            Index(f"ix_cases_archived_{column}_case_id", "archived", column, "case_id")
            for column in LIST_FILTER_COLUMNS
        ),
        Index("ix_cases_archived_year_grade_case_id", "archived", "year", "grade", "case_id"),
        # The office's worklist (api/store/worklist.py) filters and counts from this index alone.
        Index(
            "ix_cases_worklist", "archived", "updated_at", "decided_version", "version", "late_days", "flags"
        ),
    )

    case_id: str = Field(primary_key=True, max_length=64)
    body: dict[str, Any] = _json()
    version: int = 1
    archived: bool = Field(default=False, index=True)
    year: int = Field(index=True)
    agency_code: str = Field(index=True, max_length=18)
    project_unit: str = Field(index=True, max_length=200)
    # From the latest decision (NULL before the first one).
    latest_decision: int | None = None
    eligibility: str | None = Field(default=None, index=True, max_length=16)
    assessment: str | None = Field(default=None, index=True, max_length=16)
    fee: str | None = Field(default=None, index=True, max_length=16)
    grade: str | None = Field(default=None, index=True, max_length=4)
    panel: str | None = Field(default=None, max_length=16)
    plan_review: str | None = Field(default=None, max_length=16)
    draft_review: str | None = Field(default=None, max_length=16)
    # The latest decision's follow-ups (FLW ids, space-separated, "" for none) and late working days,
    # and the case version it decided (a later version waits for a new decision): the office's worklist.
    flags: str | None = Field(default=None, max_length=200)
    late_days: int | None = None
    decided_version: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class CaseMemberRow(SQLModel, table=True):
    """Which panel member ids a case lists (what an expert token may see; ids a token can hold only)."""

    __tablename__ = "case_members"

    case_id: str = Field(
        sa_column=Column(String(64), ForeignKey("cases.case_id", ondelete="CASCADE"), primary_key=True)
    )
    member_id: str = Field(primary_key=True, max_length=64, index=True)


class DecisionRow(SQLModel, table=True):
    """A stored decision, numbered 1, 2, ... per case; never updated.

    Its document number is unique per issuing office and year (``document_office``, ``document_year``:
    the office's name and the document date's year, kept beside the number for the unique index).
    """

    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("case_id", "number", name="uq_decisions_case_number"),
        Index(
            "uq_decisions_document_number",
            "document_office",
            "document_year",
            "document_number",
            unique=True,
        ),
        Index("uq_decisions_chain_seq", "chain_seq", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(
        sa_column=Column(String(64), ForeignKey("cases.case_id"), nullable=False, index=True)
    )
    number: int
    rule_version: str = Field(max_length=16)
    rule_hash: str = Field(max_length=64)
    input_hash: str = Field(max_length=64)
    output_hash: str = Field(max_length=64)
    input: dict[str, Any] = _json()
    decision: dict[str, Any] = _json()
    office: dict[str, Any] = _json()
    document_number: int | None = None
    document_date: date
    complete: bool = Field(index=True)
    composite: str | None = Field(default=None, max_length=8)
    grade: str | None = Field(default=None, max_length=4)
    actor: str = Field(max_length=300)
    created_at: datetime = Field(default_factory=utcnow)
    # The uploaded templates in force when the decision was made ({stem: sha256}); NULL: the shipped ones.
    templates: dict[str, Any] | None = _json(nullable=True)
    document_office: str | None = Field(default=None, max_length=200)
    document_year: int | None = None
    chain_seq: int | None = None
    chain_prev: str | None = Field(default=None, max_length=64)
    chain_hash: str | None = Field(default=None, max_length=64)


class TemplateRow(SQLModel, table=True):
    """A memo template the office uploaded (every upload kept: old decisions render with theirs)."""

    __tablename__ = "templates"
    __table_args__ = (UniqueConstraint("stem", "sha256", name="uq_templates_stem_sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    stem: str = Field(max_length=32, index=True)
    sha256: str = Field(max_length=64)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    size: int
    actor: str = Field(max_length=300)
    created_at: datetime = Field(default_factory=utcnow)


class DeliverableRow(SQLModel, table=True):
    """A Word deliverable (plan or draft report) uploaded for a case, kept as received; never updated."""

    __tablename__ = "deliverables"

    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(
        sa_column=Column(String(64), ForeignKey("cases.case_id"), nullable=False, index=True)
    )
    node: str = Field(max_length=8)
    name: str = Field(max_length=255)
    sha256: str = Field(max_length=64)
    size: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    actor: str = Field(max_length=300)
    created_at: datetime = Field(default_factory=utcnow)
    # The case version its reading was written into (apply=true), or NULL when it was only read.
    applied_version: int | None = None


class TokenRow(SQLModel, table=True):
    """An API token, stored as its SHA-256 only."""

    __tablename__ = "tokens"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    role: str = Field(max_length=16)
    expert_id: str | None = Field(default=None, max_length=64)
    unit_name: str | None = Field(default=None, max_length=200)
    label: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None
    expires_at: datetime | None = None


class WebSessionRow(SQLModel, table=True):
    """A signed-in browser: the SHA-256 of its cookie, the token it signed in with, its CSRF secret.

    The token's row is read again on every page (revoked or expired: the session ends at once); a
    session itself ends at ``expires_at`` or when its browser signs out (the row is deleted).
    """

    __tablename__ = "web_sessions"

    id_hash: str = Field(primary_key=True, max_length=64)
    token_id: int = Field(
        sa_column=Column(Integer, ForeignKey("tokens.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    csrf: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)


class AuditRow(SQLModel, table=True):
    """One write: actor, action, target, time (and a few details)."""

    __tablename__ = "audit"
    __table_args__ = (
        Index("ix_audit_target", "target"),
        Index("uq_audit_chain_seq", "chain_seq", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=300)
    action: str = Field(max_length=40)
    target: str = Field(max_length=300)
    detail: dict[str, Any] | None = _json(nullable=True)
    chain_seq: int | None = None
    chain_prev: str | None = Field(default=None, max_length=64)
    chain_hash: str | None = Field(default=None, max_length=64)


class ChainHeadRow(SQLModel, table=True):
    """The end of the hash chain: its last link's place and hash (one row, ``id`` 1; locked to append)."""

    __tablename__ = "chain_head"

    id: int = Field(primary_key=True)
    seq: int
    hash: str = Field(max_length=64)


METADATA = SQLModel.metadata
"""Every table above (Alembic's target metadata)."""
