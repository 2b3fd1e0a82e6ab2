"""The smallest rise of one score that lifts a complete case to the next grade, computed exactly.

The composite of rulebook §4 is ``C = round(Σ_p v_p · Σ_n w_n · x_pn, composite_places)`` where the expert
panel's node score is itself ``x_en = round(mean of the members' scores, panel_mean_places)``; rounding
is half-up at both steps, and the grade is the band of ``C`` (``from ≤ C < to``). Every piece is monotone
in each score, so the smallest score that reaches the next band's lower bound ``T`` is found by
inverting the steps, not by trying scores:

1. ``round(y, P) ≥ T`` exactly when ``y ≥ T' − ½·10^-P``, ``T'`` being ``T`` rounded up to ``P`` places;
2. for the project unit's or the finance office's score at node ``n`` (coefficient ``c = v_p · w_n``):
   ``x ≥ (T' − ½·10^-P − rest) / c``, rounded up to the scores' grid (one decimal);
3. for one expert's score: first the smallest panel node score ``m`` (on its ``panel_mean_places`` grid)
   that reaches ``T``, by 2; then ``round(sum / k, P_m) ≥ m`` exactly when the member's score is at least
   ``k · (m − ½·10^-P_m) − (the other members' sum)``, rounded up to the grid.

A score above 100 is "unreachable" (不可达). Weights, bands and places are the version's parameters;
the arithmetic is in fractions, so no division is ever rounded on the way.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

from engine.models import PARTY_SCORE_MAX, PARTY_SCORE_PLACES, Case
from engine.money import quantize
from rules import RuleSet

NODES = ("plan", "draft")
PARTIES = ("expert_panel", "project_unit", "finance_office")
_SCORE_STEP = Fraction(1, 10**PARTY_SCORE_PLACES)


def _half(places: int) -> Fraction:
    return Fraction(1, 2 * 10**places)


def _ceil_to(value: Fraction, step: Fraction) -> Fraction:
    """The smallest multiple of ``step`` at or above ``value``."""
    return math.ceil(value / step) * step


def _decimal(value: Fraction, places: int) -> Decimal:
    """A fraction that lies on the ``10^-places`` grid, as a Decimal with those places."""
    return quantize(Decimal(value.numerator) / Decimal(value.denominator), places)


def next_band(rs: RuleSet, grade: str) -> tuple[str, Decimal] | None:
    """The grade above ``grade`` and its lower bound, or ``None`` for the top band."""
    bands = sorted(rs.param("assessment.grade_bands"), key=lambda band: band[1])
    names = [band[0] for band in bands]
    index = names.index(grade)
    if index + 1 == len(bands):
        return None
    upper = bands[index + 1]
    return upper[0], upper[1]


def _node_inputs(case: Case, places: int) -> dict[tuple[str, str], Fraction]:
    """Every party-node score as the composite uses it (the panel's as its rounded mean)."""
    members = [m.id for m in case.panel.members] if case.panel else []
    out: dict[tuple[str, str], Fraction] = {}
    for n in NODES:
        node = getattr(case, n)
        scores = node.scores
        given = scores.expert_panel or {}
        mean = sum((given[m] for m in members), Decimal(0)) / len(members)
        out[n, "expert_panel"] = Fraction(quantize(mean, places))
        out[n, "project_unit"] = Fraction(scores.project_unit)
        out[n, "finance_office"] = Fraction(scores.finance_office)
    return out


class _Composite:
    """The composite's exact pre-rounding sum and the coefficient of each party-node score in it."""

    def __init__(self, case: Case, rs: RuleSet) -> None:
        self.mean_places: int = rs.param("assessment.panel_mean_places")
        self.places: int = rs.param("assessment.composite_places")
        node_weights = rs.param("assessment.node_weights")
        party_weights = rs.param("assessment.party_weights")
        self.inputs = _node_inputs(case, self.mean_places)
        self.coefficient = {
            (n, p): Fraction(party_weights[p]) * Fraction(node_weights[n]) for n in NODES for p in PARTIES
        }
        self.total = sum((self.coefficient[k] * v for k, v in self.inputs.items()), Fraction(0))

    def least_input(self, key: tuple[str, str], threshold: Decimal, step: Fraction) -> Fraction:
        """The smallest value (a multiple of ``step``) of one party-node input that reaches ``threshold``."""
        target = _ceil_to(Fraction(threshold), Fraction(1, 10**self.places)) - _half(self.places)
        rest = self.total - self.coefficient[key] * self.inputs[key]
        return max(_ceil_to((target - rest) / self.coefficient[key], step), Fraction(0))


def _rise(current: Decimal, needed: Fraction) -> dict[str, Any]:
    """A rise's figures; the grade and fee it gives are filled in by whoever decides the raised case."""
    after = {"grade": None, "fee_status": None, "payable": None}
    if needed > PARTY_SCORE_MAX:
        return {"score": str(current), "needed": None, "rise": None, "reachable": False, **after}
    value = _decimal(needed, PARTY_SCORE_PLACES)
    return {
        "score": str(current),
        "needed": str(value),
        "rise": str(value - current),
        "reachable": True,
        **after,
    }


def rises(case: Case, rs: RuleSet, decision: dict[str, Any]) -> dict[str, Any]:
    """For a complete case: the next grade and the smallest rise of each single score that reaches it.

    ``status`` says why nothing is computed otherwise: ``incomplete``, ``conduct`` (the grade is forced
    whatever the scores), ``top_grade``.
    """
    assessment = decision["assessment"]
    grade = assessment["grade"]
    nothing = {"grade": grade, "next_grade": None, "threshold": None, "coefficient": None, "rises": []}
    if assessment["status"] != "complete":
        return {"status": "incomplete", **nothing}
    if case.prohibited_conduct:
        return {"status": "conduct", **nothing}
    upper = next_band(rs, grade)
    if upper is None:
        return {"status": "top_grade", **nothing}
    next_grade, threshold = upper
    composite = _Composite(case, rs)
    out: list[dict[str, Any]] = []
    for n in NODES:
        node = getattr(case, n)
        scores = node.scores
        for p in ("project_unit", "finance_office"):
            needed = composite.least_input((n, p), threshold, _SCORE_STEP)
            out.append({"node": n, "party": p, "member": None, **_rise(getattr(scores, p), needed)})
        mean_step = Fraction(1, 10**composite.mean_places)
        least_mean = composite.least_input((n, "expert_panel"), threshold, mean_step)
        given = scores.expert_panel or {}
        members = [m.id for m in case.panel.members] if case.panel else []
        total = sum((Fraction(given[m]) for m in members), Fraction(0))
        for member in members:
            others = total - Fraction(given[member])
            bound = len(members) * (least_mean - _half(composite.mean_places)) - others
            needed = max(_ceil_to(bound, _SCORE_STEP), Fraction(0))
            out.append({"node": n, "party": "expert_panel", "member": member, **_rise(given[member], needed)})
    coefficients = rs.param("fees.grade_coefficients")
    return {
        "status": "computed",
        "grade": grade,
        "next_grade": next_grade,
        "threshold": str(threshold),
        "coefficient": str(quantize(coefficients[next_grade], 2)),
        "rises": out,
    }
