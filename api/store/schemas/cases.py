"""The HTTP API's request and response shapes, built from the contract models of :mod:`engine.models`.

The case and the decision themselves are ``engine.models.Case`` and ``engine.models.Decision``; this
module only adds what the API wraps around them: stored cases that reference the registries, registry
records, score writes, decision records, pages and audit entries.
"""

from datetime import date, datetime
from typing import Any, Generic, Literal, Self, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationInfo,
    field_serializer,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from api.jsondoc import plain
from engine._types import CaseId, CreditCode, IsoDate, Name, PartyScore, Text
from engine.models import (
    Agency,
    Case,
    Commission,
    ConductKind,
    Decision,
    Draft,
    ErrorItem,
    HistoryEntry,
    ListBatch,
    MarketplaceStatus,
    Member,
    Plan,
    Violation,
)

T = TypeVar("T")


def as_json(model: BaseModel) -> dict[str, Any]:
    """A contract model as plain JSON, leaving out what was not given (decimals exact, dates ISO).

    Goes through Python mode and :func:`api.jsondoc.plain` rather than pydantic's JSON mode, whose
    serializer for plain-validated types warns (pydantic 2.14); the text is the same.
    """
    data: dict[str, Any] = plain(model.model_dump(exclude_unset=True))
    return data


Role = Literal["finance_office", "expert", "project_unit", "auditor"]
Eligibility = Literal["eligible", "needs_approval", "ineligible"]
AssessmentStatus = Literal["complete", "incomplete"]
FeeStatus = Literal["payable", "withheld", "suspended", "pending"]
Grade = Literal["优", "良", "中", "差"]


class _In(BaseModel):
    """Request bodies: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class _Out(BaseModel):
    """Response bodies."""

    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- errors


class ErrorResponse(_Out):
    """422: one entry per bad field, ``loc`` without any transport prefix (contract "Errors")."""

    detail: list[ErrorItem]


class Message(_Out):
    """Any other error: a sentence."""

    detail: str


# ---------------------------------------------------------------- stored cases


class AgencyRef(_In):
    """A stored case's agency given by reference: the registry's record is used when it is evaluated."""

    credit_code: CreditCode


class MemberRef(_In):
    """A panel member given by reference to the expert registry."""

    id: CaseId


class StoredPanel(_In):
    """A panel whose members are written out or referenced by registry id."""

    formed_on: IsoDate
    members: list[Member | MemberRef] = Field(min_length=1)


class StoredCase(_In):
    """A case as stored: the contract case, with the agency and members optionally by reference.

    An agency whose credit code is in the registry is replaced by the registry's record (history
    included) whenever the case is evaluated; a member written as ``{"id": ...}`` alone is the registry's
    expert of that id.
    """

    case_id: CaseId
    commission: Commission
    agency: Agency | AgencyRef
    panel: StoredPanel | None = None
    plan: Plan | None = None
    draft: Draft | None = None
    prohibited_conduct: list[ConductKind]


class CaseSummary(_Out):
    """One line of the case list; the last five fields come from the latest decision (``null`` before one)."""

    case_id: str
    version: int
    archived: bool
    year: int
    agency: str
    project_unit: str
    updated_at: datetime
    latest_decision: int | None
    eligibility: Eligibility | None
    assessment: AssessmentStatus | None
    fee: FeeStatus | None
    grade: Grade | None


class CasePublic(CaseSummary):
    """A stored case with its version (the ``ETag``) and the status of its latest decision."""

    created_at: datetime
    case: StoredCase

    @field_serializer("case")
    def _as_stored(self, case: StoredCase) -> dict[str, Any]:
        """The case as it was written: fields it leaves out stay out."""
        return as_json(case)


class ArchiveRequest(_In):
    """Archive (or restore) a case: cases are never deleted."""

    archived: StrictBool


class ScoresPut(_In):
    """One party's score for a node: ``{"score": "91"}``, or member scores ``{"scores": {"E1": "88"}}``."""

    score: PartyScore | None = None
    scores: dict[Text, PartyScore] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if (self.score is None) == (self.scores is None):
            raise ValueError('give exactly one of "score" and "scores"')
        return self


# ---------------------------------------------------------------- decisions


class DecisionRequest(_In):
    """Optional memo details of a new decision (the document date defaults to the day it is stored)."""

    document_number: StrictInt | None = Field(default=None, ge=1, le=999_999)
    document_date: IsoDate | None = None


class DecisionRecord(_Out):
    """A stored decision: numbered per case, never changed."""

    case_id: str
    number: int
    rule_version: str
    rule_hash: str = Field(description="content hash of the rule version's data")
    input_hash: str = Field(description="SHA-256 of the exact case evaluated (canonical JSON)")
    output_hash: str = Field(description="SHA-256 of the decision (canonical JSON)")
    document_number: int | None
    document_date: date
    actor: str
    created_at: datetime
    decision: Decision


class DecisionDetail(DecisionRecord):
    """A stored decision with the case exactly as evaluated (registry records resolved)."""

    input: Case

    @field_serializer("input")
    def _as_evaluated(self, case: Case) -> dict[str, Any]:
        """Exactly the JSON whose SHA-256 is ``input_hash``."""
        return as_json(case)


# ---------------------------------------------------------------- registries


class AgencyRecord(_In):
    """An agency in the registry, keyed by credit code; its history is kept by kaoping.

    ``earlier_history`` holds complete assessments from before kaoping; the decisions kaoping stores
    are added to the history automatically.
    """

    name: Name
    credit_code: CreditCode
    kind: Text
    designated_list: list[ListBatch]
    marketplace_status: MarketplaceStatus
    affiliations: list[Name]
    violations: list[Violation]
    earlier_history: list[HistoryEntry] = []


class AgencyPublic(_Out):
    """A registry agency with its full history (earlier entries and kaoping's decisions), by date."""

    record: AgencyRecord
    history: list[HistoryEntry]
    version: int
    updated_at: datetime

    @field_serializer("record")
    def _as_written(self, record: AgencyRecord) -> dict[str, Any]:
        return as_json(record)

    @field_serializer("history")
    def _entries(self, history: list[HistoryEntry]) -> list[dict[str, Any]]:
        return [as_json(entry) for entry in history]


class ExpertRecord(Member):
    """An expert in the registry (the panel member shape; the id is 1-64 letters, digits, ``-_.``)."""

    id: CaseId


class ExpertPublic(_Out):
    """A registry expert."""

    record: ExpertRecord
    version: int
    updated_at: datetime

    @field_serializer("record")
    def _as_written(self, record: ExpertRecord) -> dict[str, Any]:
        return as_json(record)


# ---------------------------------------------------------------- lists


class PageQuery(_In):
    """Which page of a list: ``limit`` items from ``offset``."""

    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=10_000_000)


class CaseQuery(PageQuery):
    """Case list filters (the last four from the latest decision); archived cases only on request."""

    year: int | None = Field(default=None, ge=1900, le=9999, description="year of commissioned_on")
    eligibility: Eligibility | None = None
    assessment: AssessmentStatus | None = None
    fee: FeeStatus | None = None
    grade: Grade | None = None
    agency: str | None = Field(
        default=None, pattern=r"^[0-9A-Z]{18}$", description="the agency's credit code"
    )
    archived: bool = False
    after: CaseId | None = Field(
        default=None,
        description="keyset paging: the cases whose case_id comes after this one (a page's next_after); "
        "not together with an offset",
    )
    count: Literal["capped", "exact"] = Field(
        default="capped",
        description="capped: count the matching cases only up to the server's cap (KAOPING_LIST_COUNT_CAP, "
        "see total_exact); exact: count them all (slower on large lists, for reports)",
    )

    @field_validator("after")
    @classmethod
    def _not_with_offset(cls, after: str | None, info: ValidationInfo) -> str | None:
        if after is not None and info.data.get("offset"):
            raise PydanticCustomError("after_with_offset", "after and offset cannot be used together")
        return after


class AuditQuery(PageQuery):
    """Audit log filters; newest first."""

    actor: Text | None = Field(default=None, max_length=300)
    action: Text | None = Field(default=None, max_length=40)
    target: Text | None = Field(default=None, max_length=300)


class Page(_Out, Generic[T]):
    """One page of a list."""

    items: list[T]
    total: int
    limit: int
    offset: int


class CasePage(Page[CaseSummary]):
    """One page of the case list, in ``case_id`` order.

    ``total`` is exact when ``total_exact`` is true; otherwise the server stopped counting and at least
    ``total`` cases match (ask ``count=exact`` for the exact number). ``next_after`` is the ``after`` of
    the next page, ``null`` on the last one.
    """

    total_exact: bool
    next_after: str | None


class AuditEntry(_Out):
    """One write: who did what to which thing, when."""

    id: int
    at: datetime
    actor: str
    action: str
    target: str
    detail: dict[str, object] | None


class RuleOut(_Out):
    """One rule of a version."""

    id: str
    title: str
    text_zh: str
    text_en: str
    severity: str | None
    cite: str
    parameters: dict[str, object]


class RuleVersionOut(_Out):
    """One rule version with its rules."""

    version: str
    valid_from: str
    valid_to: str | None
    measure: str
    content_hash: str
    rules: list[RuleOut]


class Health(_Out):
    """Liveness and database reachability."""

    status: Literal["ok", "unavailable"]
    database: Literal["ok", "unavailable"]
