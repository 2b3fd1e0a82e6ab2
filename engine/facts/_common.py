"""What every family's derivation shares: the :class:`Facts` it fills, ``@derives``, small helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rules import RuleSet

if TYPE_CHECKING:
    from engine.calendar import WorkingDayCalendar
    from engine.models import Case

NONE_H = -1  # "no such value" for hundredths facts; every real score is >= 0


@dataclass
class Facts:
    """Everything derived from a case before the engine runs."""

    engine: dict[str, Any] = field(default_factory=dict)
    trace: dict[str, dict[str, Any]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    party_scores: dict[str, Decimal] | None = None
    composite: Decimal | None = None
    late_working_days: int = 0
    deduction: Decimal = Decimal("0.00")
    conflicted_members: list[str] = field(default_factory=list)


StepFunction = Callable[["Case", RuleSet, Facts, "WorkingDayCalendar"], None]


@dataclass(frozen=True)
class Step:
    """One family's derivation and the engine facts it produces."""

    run: StepFunction
    produces: tuple[str, ...]


def derives(*names: str) -> Callable[[StepFunction], Step]:
    """Declare the engine facts a derivation step produces (each declared in ``rules/facts.yaml``).

    The engine is refused when a declared fact is produced by no step, or a step produces an undeclared
    one (:func:`engine.facts.problems`); a test checks every step produces exactly what it declares.
    """

    def mark(run: StepFunction) -> Step:
        return Step(run, names)

    return mark


def years_before(day: date, years: int) -> date:
    """The same month and day ``years`` earlier; 29 February becomes 28 February (contract conventions)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def join(items: list[str]) -> str:
    """Items as a Chinese list, or 无."""
    return "、".join(items) if items else "无"


_SHOWN: dict[tuple[str, str], dict[str, Any]] = {}


def shown(rs: RuleSet) -> dict[str, Any]:
    """The version's parameters as the trace shows them: the same for every case, so written once.

    Keyed by version and content hash (a changed rule directory is a new entry). The weight maps are
    copied into each case's trace, never shared.
    """
    key = (rs.version, rs.content_hash)
    found = _SHOWN.get(key)
    if found is None:
        late = rs.param("fees.late_deduction")
        found = _SHOWN[key] = {
            "allowed_kinds": join(
                [rs.label("agency_kind", k) for k in rs.param("eligibility.allowed_agency_kinds")]
            ),
            "min_domain_share": str(rs.param("panel.min_domain_share")),
            "allowed_pools": join([rs.label("pool", p) for p in rs.param("panel.allowed_pools")]),
            "required_level1": join(list(rs.param("plan_review.required_level1"))),
            "weight_total": str(rs.param("plan_review.weight_total")),
            "weight_tolerance": str(rs.param("plan_review.weight_tolerance")),
            "min_output_benefit_weight": str(rs.param("plan_review.min_output_benefit_weight")),
            "total_tolerance": str(rs.param("report_review.total_tolerance")),
            "node_weights": {k: str(v) for k, v in rs.param("assessment.node_weights").items()},
            "party_weights": {k: str(v) for k, v in rs.param("assessment.party_weights").items()},
            "divergence_points": str(rs.param("followups.divergence_points")),
            "low_composite": str(rs.param("followups.low_composite")),
            "rate_per_working_day": str(late["rate_per_working_day"]),
            "cap": str(late["cap"]),
        }
    return found
