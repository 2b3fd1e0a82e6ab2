"""Builders of the section statuses and verdicts (rulebook §1-§3), composed from the checks' conditions.

A section's non-default status is decided by the engine from the same failure conditions the checks
use, so no status is computed outside durable_rules.
"""

from __future__ import annotations

from functools import reduce
from typing import Any

from rules._loader import RuleSet
from rules.rulesets._cond import Cond, F
from rules.rulesets._registry import Logic, section


def _any(conditions: list[Cond]) -> Cond | None:
    return reduce(lambda a, b: a | b, conditions) if conditions else None


def _failures(rs: RuleSet, logic: dict[str, Logic], family: str, severity: str | None = None) -> Cond | None:
    found = []
    for rule in rs.rules:
        if rule.family == family and (severity is None or rule.severity == severity):
            cond = logic[rule.id].failed_when()
            if cond is not None:
                found.append(cond)
    return _any(found)


@section
def eligibility_status(rs: RuleSet, logic: dict[str, Logic]) -> list[tuple[Cond, dict[str, Any]]]:
    """Ineligible if any BLOCK check fails, else needs approval if any WARN check fails."""
    block = _failures(rs, logic, "eligibility", "BLOCK")
    warn = _failures(rs, logic, "eligibility", "WARN")
    out: list[tuple[Cond, dict[str, Any]]] = []
    if block is not None:
        out.append((block, {"eligibility.status": "ineligible"}))
    if warn is not None:
        out.append(((~block & warn) if block is not None else warn, {"eligibility.status": "needs_approval"}))
    return out


@section
def panel_status(rs: RuleSet, logic: dict[str, Logic]) -> list[tuple[Cond, dict[str, Any]]]:
    """Not formed without a panel; invalid if any panel check fails."""
    out: list[tuple[Cond, dict[str, Any]]] = [(F("panel_formed").false, {"panel.status": "not_formed"})]
    failed = _failures(rs, logic, "panel")
    if failed is not None:
        out.append((failed, {"panel.status": "invalid"}))
    return out


@section
def review_verdicts(rs: RuleSet, logic: dict[str, Logic]) -> list[tuple[Cond, dict[str, Any]]]:
    """Not submitted without the deliverable; returned if any of its checks fails."""
    out: list[tuple[Cond, dict[str, Any]]] = []
    for family, flag, key in (
        ("plan_review", "plan_submitted", "plan_review.verdict"),
        ("report_review", "draft_submitted", "draft_review.verdict"),
    ):
        out.append((F(flag).false, {key: "not_submitted"}))
        failed = _failures(rs, logic, family)
        if failed is not None:
            out.append((failed, {key: "return"}))
    return out
