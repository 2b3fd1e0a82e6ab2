"""Shapes of the office's tools over HTTP: what-if, sheet imports, the expert draw, replay.

The engine builds each result as plain JSON; these models document it (OpenAPI) and check it on the
way out. Every key is always present (``null`` where it does not apply). ``summary`` holds the same
result as sentences for people, in the reader's language.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from api.store.schemas import CasePublic
from api.store.schemas.common import RequestShape, ResponseShape
from engine.models import IsoDate


class Change(ResponseShape):
    """A decision field whose value changes: both values, the signed difference of a number, list moves."""

    field: str
    before: Any
    after: Any
    by: str | None
    added: list[str] | None
    removed: list[str] | None


class Rise(ResponseShape):
    """The least value of one score (a party's at a node, or a member's) that reaches the next grade."""

    node: Literal["plan", "draft"]
    party: Literal["expert_panel", "project_unit", "finance_office"]
    member: str | None
    score: str
    needed: str | None = Field(description="null: unreachable (不可达), even 100 is not enough")
    rise: str | None
    reachable: bool
    grade: str | None = Field(description="the grade the case would have with that score")
    fee_status: str | None
    payable: str | None


class NextGrade(ResponseShape):
    """The next grade and the rises that reach it (``status`` computed), or why there are none."""

    status: Literal["computed", "incomplete", "conduct", "top_grade"]
    grade: str | None
    next_grade: str | None
    threshold: str | None
    coefficient: str | None
    rises: list[Rise]


class WhatIfRequest(RequestShape):
    """A case (the contract's Case) and changes: dotted paths into it, each with a JSON value."""

    case: dict[str, Any] = Field(description="the case (the contract's Case)")
    set: dict[str, Any] = Field(
        default_factory=dict,
        max_length=200,
        description='changes: {"draft.scores.project_unit": "85", "plan.scores.expert_panel.E2": "90"}; '
        "null removes a field",
    )


class WhatIfOut(ResponseShape):
    """Both decisions (without traces), what changes between them, and the changed case's next grade."""

    case_id: str
    set: dict[str, Any]
    original: dict[str, Any]
    changed: dict[str, Any]
    changes: list[Change]
    next_grade: NextGrade
    summary: list[str]


class SheetChange(ResponseShape):
    """One score the sheet changed."""

    sheet: str
    cell: str
    node: str
    party: str
    member: str | None
    before: str | None
    after: str


class SheetImportOut(ResponseShape):
    """What an imported sheet changed, and the case after it."""

    changed: list[SheetChange]
    same: int
    case: CasePublic
    summary: str


class DrawRequest(RequestShape):
    """Options of a draw: the panel's formation date (default: today, in the office's time zone)."""

    formed_on: IsoDate | None = None


class DrawRecord(ResponseShape):
    """Everything a draw used and gave, as kept in the audit log: enough to re-derive it."""

    algorithm: str
    seed: str = Field(description="hex; drawn from the operating system")
    rule_version: str
    rule_hash: str
    formed_on: str
    agency: str
    project_unit: str
    size: int
    registry_hash: str = Field(description="SHA-256 of the snapshot (canonical JSON, records by id)")
    snapshot: list[dict[str, Any]]
    candidates: dict[str, list[str]]
    excluded: list[dict[str, Any]]
    counts: dict[str, int]
    total: int = Field(description="how many valid panels there were; each was equally likely")
    drawn: list[str]
    panel: list[str]


class DrawOut(ResponseShape):
    """The drawn panel in the stored case, and the draw's record."""

    case: CasePublic
    draw: DrawRecord
    summary: list[str]


class DrawVerifyOut(ResponseShape):
    """The latest draw of a case re-derived from its record: whether everything matches, and what not."""

    case_id: str
    verified: bool
    differences: list[str]
    rules_changed: bool
    drawn_at: datetime
    drawn_by: str
    seed: str | None
    registry_hash: str | None
    algorithm: str | None
    panel: list[str] | None
    case_panel: list[str]
    summary: list[str]


class VersionRef(ResponseShape):
    """A rule version and its content hash."""

    version: str
    content_hash: str


class ReplayCase(ResponseShape):
    """One case whose decision changes under the candidate, or that one side cannot decide."""

    case_id: str
    changes: list[Change]
    payable_by: str | None
    error_before: list[dict[str, Any]] | None
    error_after: list[dict[str, Any]] | None


class ReplayTotals(ResponseShape):
    """How many cases change, in which part of the decision, and the money."""

    cases: int
    changed: int
    unchanged: int
    undecidable: int
    by_part: dict[str, int]
    grades: dict[str, int]
    fee_statuses: dict[str, int]
    flags_added: dict[str, int]
    flags_removed: dict[str, int]
    payable_before: str
    payable_after: str
    payable_by: str


class ReplayOut(ResponseShape):
    """A replay's report: nothing stored changed."""

    year: int | None
    current: list[VersionRef]
    candidate: list[VersionRef]
    totals: ReplayTotals
    cases: list[ReplayCase]
    summary: list[str]


__all__ = [
    "Change",
    "DrawOut",
    "DrawRecord",
    "DrawRequest",
    "DrawVerifyOut",
    "NextGrade",
    "ReplayOut",
    "Rise",
    "SheetImportOut",
    "WhatIfOut",
    "WhatIfRequest",
]
