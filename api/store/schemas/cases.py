"""Stored cases: the case as written (registry references allowed), its list line and public form, writes."""

from datetime import datetime
from typing import Any, Literal, Self

from pydantic import (
    Field,
    StrictBool,
    ValidationInfo,
    field_serializer,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from api.store.schemas.common import (
    AssessmentStatus,
    Eligibility,
    FeeStatus,
    Grade,
    Page,
    PageQuery,
    PanelStatus,
    RequestShape,
    ResponseShape,
    Verdict,
    as_json,
)
from engine.models import (
    Agency,
    CaseId,
    Commission,
    ConductKind,
    CreditCode,
    Draft,
    IsoDate,
    Member,
    MemberId,
    PartyScore,
    Plan,
)
from engine.normalise import normal_form
from rules import load_rulebook


class AgencyRef(RequestShape):
    """A stored case's agency given by reference: the registry's record is used when it is evaluated."""

    credit_code: CreditCode


class MemberRef(RequestShape):
    """A panel member given by reference to the expert registry."""

    id: CaseId


class StoredPanel(RequestShape):
    """A panel whose members are written out or referenced by registry id."""

    formed_on: IsoDate
    members: list[Member | MemberRef] = Field(min_length=1)


class StoredCase(RequestShape):
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


class CaseSummary(ResponseShape):
    """One line of the case list; the fields from ``latest_decision`` on come from the latest decision.

    They are ``null`` before the first decision.
    """

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
    panel: PanelStatus | None
    plan_review: Verdict | None
    draft_review: Verdict | None


class CasePublic(CaseSummary):
    """A stored case with its version (the ``ETag``) and the status of its latest decision."""

    created_at: datetime
    case: StoredCase

    @field_serializer("case")
    def _as_stored(self, case: StoredCase) -> dict[str, Any]:
        """The case as it was written: fields it leaves out stay out."""
        return as_json(case)


class ArchiveRequest(RequestShape):
    """Archive (or restore) a case: cases are never deleted."""

    archived: StrictBool


class ScoresPut(RequestShape):
    """One party's score for a node: ``{"score": "91"}``, or member scores ``{"scores": {"E1": "88"}}``."""

    score: PartyScore | None = None
    scores: dict[MemberId, PartyScore] | None = Field(default=None, min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _normal_form(cls, data: Any) -> Any:
        """Scores and member ids written as a person may (``８８．５``, `` E1 ``), in normal form."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if "score" in data:
            data["score"] = normal_form("number", data["score"])
        scores = data.get("scores")
        if isinstance(scores, dict):
            keys = {k: normal_form("id", k) for k in scores}
            if len(set(keys.values())) == len(keys):
                data["scores"] = {keys[k]: normal_form("number", v) for k, v in scores.items()}
        return data

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if (self.score is None) == (self.scores is None):
            raise ValueError('give exactly one of "score" and "scores"')
        return self


class CaseQuery(PageQuery):
    """Case list filters (the statuses from the latest decision); archived cases only on request."""

    year: int | None = Field(default=None, ge=1900, le=9999, description="year of commissioned_on")
    eligibility: Eligibility | None = None
    assessment: AssessmentStatus | None = None
    fee: FeeStatus | None = None
    grade: Grade | None = None
    panel: PanelStatus | None = Field(default=None, description="the panel's status")
    plan_review: Verdict | None = Field(default=None, description="the plan review's verdict")
    draft_review: Verdict | None = Field(default=None, description="the draft review's verdict")
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

    @model_validator(mode="before")
    @classmethod
    def _codes(cls, data: Any) -> Any:
        """A status chosen by its label (``良``) is its code, as in a case; a credit code in normal form."""
        if not isinstance(data, dict):
            return data
        vocabulary = load_rulebook().vocabulary
        out = dict(data)
        for name, value in data.items():
            found = vocabulary.api_fields.get(f"param.{name}")
            if isinstance(value, str) and found is not None and found.codes:
                out[name] = vocabulary.code_for(found.codes, value) or value
        if isinstance(out.get("agency"), str):
            out["agency"] = normal_form("credit_code", out["agency"])
        return out

    @field_validator("after")
    @classmethod
    def _not_with_offset(cls, after: str | None, info: ValidationInfo) -> str | None:
        if after is not None and info.data.get("offset"):
            raise PydanticCustomError("after_with_offset", "after and offset cannot be used together")
        return after


class CasePage(Page[CaseSummary]):
    """One page of the case list, in ``case_id`` order.

    ``total`` is exact when ``total_exact`` is true; otherwise the server stopped counting and at least
    ``total`` cases match (ask ``count=exact`` for the exact number). ``next_after`` is the ``after`` of
    the next page, ``null`` on the last one.
    """

    total_exact: bool
    next_after: str | None
