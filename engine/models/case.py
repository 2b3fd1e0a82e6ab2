"""The case: the contract's input, strict (unknown fields rejected, exact decimals, bounded strings)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, model_validator
from pydantic_core import PydanticCustomError

from engine._types import CaseId, CreditCode, IndicatorNumber, IsoDate, Money, PartyScore
from engine.identifiers import MemberId, Name, Text

# The closed code lists of the contract, each the codes of its list in rules/vocabulary.yaml (same order;
# tests/vocabulary/test_code_lists.py keeps them equal). A label or synonym is normalised to its code
# before validation (engine/normalise.py); anything else is a `literal_error` listing the codes.
Grade = Literal["优", "良", "中", "差"]
EvaluationKind = Literal["pre", "tracking", "post", "self"]
AgencyKind = Literal[
    "consultancy",
    "cpa_firm",
    "appraisal_firm",
    "law_firm",
    "research_institute",
    "university",
    "trading_company",
    "individual",
    "other",
]
ContractClause = Literal[
    "parties",
    "scope",
    "requirements",
    "timeline",
    "fee_payment",
    "liability",
    "confidentiality",
    "quality_fee_linkage",
    "other",
]
PlanSection = Literal["project_overview", "evaluation_framework", "evidence_methods", "timetable", "other"]
ReportSection = Literal[
    "summary",
    "project_overview",
    "evaluation_work",
    "analysis_conclusion",
    "experience_problems_suggestions",
    "other_matters",
    "other",
]
Channel = Literal["e_marketplace", "public_tender", "direct", "other"]
MarketplaceStatus = Literal["active", "frozen", "suspended", "removed"]
ViolationKind = Literal["major_illegal_record", "complaint_upheld", "other"]
Pool = Literal["municipal", "district", "other"]
Relation = Literal["employee", "director", "supervisor", "controller", "relative_of_head"]
ConductKind = Literal[
    "fabrication", "collusion", "unauthorised_subcontracting", "improper_gain", "leak", "undisclosed_conflict"
]
Node = Literal["plan", "draft"]
Party = Literal["expert_panel", "project_unit", "finance_office"]


class _In(BaseModel):
    """Base of every input model: unknown fields are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Procurement(_In):
    """How the commission was bought (ELG-02)."""

    channel: Channel
    order_no: Text | None = None


class Commission(_In):
    """The commission: who, what, when, how much."""

    commissioning_party: Name
    project_name: Name
    project_unit: Name
    evaluation_kind: EvaluationKind
    commissioned_on: IsoDate
    contract_fee: Money
    procurement: Procurement
    contract_clauses: list[ContractClause]


class ListBatch(_In):
    """One batch of the district's designated list (ELG-01)."""

    batch: Text
    valid_from: IsoDate
    valid_to: IsoDate

    @model_validator(mode="after")
    def _ordered(self) -> ListBatch:
        if self.valid_from > self.valid_to:
            raise PydanticCustomError("date_order", "valid_from must not be after valid_to")
        return self


class Violation(_In):
    """A recorded violation of the agency (ELG-06)."""

    kind: ViolationKind
    date: IsoDate
    note: Text | None = None


class HistoryEntry(_In):
    """An earlier complete assessment of the agency (ELG-09, FLW-05)."""

    decided_on: IsoDate
    composite: IndicatorNumber
    grade: Grade


class Agency(_In):
    """The third-party evaluation agency."""

    name: Name
    credit_code: CreditCode
    kind: AgencyKind
    designated_list: list[ListBatch]
    marketplace_status: MarketplaceStatus
    affiliations: list[Name]
    violations: list[Violation]
    history: list[HistoryEntry]


class Tie(_In):
    """A member's tie to an organisation (EXP-04)."""

    org: Name
    relation: Relation
    until: IsoDate | None = None


class Member(_In):
    """An expert panel member."""

    id: MemberId
    name: Name
    pool: Pool
    domain_expert: StrictBool
    ties: list[Tie]


class Panel(_In):
    """The expert panel shared by both review nodes (rulebook §2)."""

    formed_on: IsoDate
    members: list[Member] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Panel:
        if len({m.id for m in self.members}) == len(self.members):
            return self
        seen: set[str] = set()
        for index, member in enumerate(self.members):
            if member.id in seen:
                raise PydanticCustomError(
                    "duplicate_member",
                    "member id {id} appears more than once",
                    {"id": member.id, "loc_tail": ("members", index, "id")},
                )
            seen.add(member.id)
        return self


class Scores(_In):
    """One node's scores from the three parties (rulebook §4); every part optional while in progress."""

    expert_panel: dict[MemberId, PartyScore] | None = None
    project_unit: PartyScore | None = None
    finance_office: PartyScore | None = None


class Indicator(_In):
    """A plan indicator (PLN-02..06)."""

    name: Name
    level1: Text
    weight: IndicatorNumber
    standard: Text
    method: Text
    evidence_ref: Text | None = None


class Plan(_In):
    """The evaluation plan 评价方案 (rulebook §3a)."""

    deadline: IsoDate
    submitted_on: IsoDate
    sections: list[PlanSection]
    indicators: list[Indicator]
    scores: Scores | None = None


class IndicatorScore(_In):
    """A scored indicator in the draft report (RPT-02, RPT-03)."""

    name: Name
    weight: IndicatorNumber
    score: IndicatorNumber


class Draft(_In):
    """The draft report 报告初稿 (rulebook §3b)."""

    deadline: IsoDate
    submitted_on: IsoDate
    rework_round: StrictInt = Field(ge=0, le=999)  # bounded: durable_rules holds 64-bit integers
    sections: list[ReportSection]
    indicator_scores: list[IndicatorScore]
    reported_total: IndicatorNumber
    reported_grade: Grade
    opinions_exchanged: StrictBool
    signed_and_sealed: StrictBool
    scores: Scores | None = None


class Case(_In):
    """A commission case (contract "Case (input)")."""

    case_id: CaseId
    commission: Commission
    agency: Agency
    panel: Panel | None = None
    plan: Plan | None = None
    draft: Draft | None = None
    prohibited_conduct: list[ConductKind]

    @model_validator(mode="after")
    def _expert_ids_on_panel(self) -> Case:
        member_ids = {m.id for m in self.panel.members} if self.panel else set()
        for name, node in (("plan", self.plan), ("draft", self.draft)):
            if node is None or node.scores is None or node.scores.expert_panel is None:
                continue
            if member_ids.issuperset(node.scores.expert_panel):
                continue
            for member_id in node.scores.expert_panel:
                if member_id not in member_ids:
                    raise PydanticCustomError(
                        "unknown_member",
                        "expert score for {id}, who is not on the panel",
                        {"id": member_id, "loc_tail": (name, "scores", "expert_panel", member_id)},
                    )
        return self
