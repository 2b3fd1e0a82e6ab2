"""The decision: the contract's output, exactly in its shape (the contract's "Decision (output)")."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from engine.models.case import Grade


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Eligibility(_Out):
    """Eligibility section of a decision (rulebook §1)."""

    status: Literal["eligible", "needs_approval", "ineligible"]
    failed: list[str]


class PanelResult(_Out):
    """Panel section of a decision (rulebook §2)."""

    status: Literal["valid", "invalid", "not_formed"]
    failed: list[str]
    conflicted_members: list[str]


class Review(_Out):
    """Plan or draft review verdict (rulebook §3)."""

    verdict: Literal["pass", "return", "not_submitted"]
    failed: list[str]


class PartyScores(_Out):
    """Each party's weighted score, exact, three decimals (ASM-01)."""

    expert_panel: str
    project_unit: str
    finance_office: str


class Assessment(_Out):
    """Three-party assessment (rulebook §4)."""

    status: Literal["complete", "incomplete"]
    missing: list[str]
    party_scores: PartyScores | None
    composite: str | None
    grade: Grade | None


class Fee(_Out):
    """Service fee (rulebook §5)."""

    status: Literal["payable", "withheld", "suspended", "pending"]
    coefficient: str | None
    late_working_days: int | None
    deduction: str | None
    payable: str | None
    payable_in_words: str | None


class TraceEntry(_Out):
    """One rule's outcome, the facts that decided it and its citation."""

    rule: str
    outcome: Literal["held", "failed", "not_applicable", "applied"]
    detail: str
    facts: dict[str, Any]
    cite: str


class Decision(_Out):
    """A decision (contract "Decision (output)")."""

    case_id: str
    rule_version: str
    eligibility: Eligibility
    panel: PanelResult
    plan_review: Review
    draft_review: Review
    assessment: Assessment
    fee: Fee
    flags: list[str]
    trace: list[TraceEntry]


class ErrorItem(BaseModel):
    """One bad field (contract "Errors")."""

    loc: list[str | int]
    msg: str
    type: str


class CaseErrorOut(BaseModel):
    """What the CLI prints for a case that cannot be decided."""

    case_id: str | None
    errors: list[ErrorItem]
