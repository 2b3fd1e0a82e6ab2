"""Replay: decide cases under the rules in force and under candidate rule data, and report the changes.

Each case is validated once and decided by both evaluators; :func:`engine.compare.compare` names what
changes. The report lists every case whose decision changes (or that only one side can decide) and, in
total, how many cases change in each part of the decision -- eligibility, panel, review verdicts,
grades, fees, flags -- with the grade and fee-status moves, the flags raised and dropped, and the money
(fees payable before and after; a fee not yet determined counts as 0).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from engine.compare import compare, payable_of, signed
from engine.errors import CaseError
from engine.evaluate import Evaluator
from engine.validate import parse_case

PARTS = ("eligibility", "panel", "verdicts", "grades", "fees", "flags")
_PART_OF = {
    "eligibility": "eligibility",
    "panel": "panel",
    "plan_review": "verdicts",
    "draft_review": "verdicts",
    "fee": "fees",
    "flags": "flags",
}


def _part(field: str) -> str | None:
    if field == "assessment.grade":
        return "grades"
    return _PART_OF.get(field.split(".", 1)[0])


def _decide(evaluator: Evaluator, case: Any) -> tuple[dict[str, Any] | None, list[dict[str, Any]] | None]:
    try:
        return evaluator.decide(case), None
    except CaseError as exc:
        return None, exc.errors


class Tally:
    """The totals of a replay, added to case by case."""

    def __init__(self) -> None:
        self.cases = 0
        self.changed = 0
        self.undecidable = 0
        self.parts: Counter[str] = Counter()
        self.grades: Counter[str] = Counter()
        self.fee_statuses: Counter[str] = Counter()
        self.flags_added: Counter[str] = Counter()
        self.flags_removed: Counter[str] = Counter()
        self.payable_before = Decimal("0.00")
        self.payable_after = Decimal("0.00")

    def add(
        self, changes: list[dict[str, Any]], before: dict[str, Any] | None, after: dict[str, Any] | None
    ) -> None:
        """Count one case's changes and money."""
        self.payable_before += payable_of(before)
        self.payable_after += payable_of(after)
        for part in {p for change in changes if (p := _part(change["field"])) is not None}:
            self.parts[part] += 1
        for change in changes:
            if change["field"] == "assessment.grade":
                self.grades[f"{change['before'] or '—'}→{change['after'] or '—'}"] += 1
            elif change["field"] == "fee.status":
                self.fee_statuses[f"{change['before']}→{change['after']}"] += 1
            elif change["field"] == "flags":
                self.flags_added.update(change["added"])
                self.flags_removed.update(change["removed"])

    def as_json(self) -> dict[str, Any]:
        """The totals as plain JSON."""
        return {
            "cases": self.cases,
            "changed": self.changed,
            "unchanged": self.cases - self.changed,
            "undecidable": self.undecidable,
            "by_part": {part: self.parts[part] for part in PARTS},
            "grades": dict(sorted(self.grades.items())),
            "fee_statuses": dict(sorted(self.fee_statuses.items())),
            "flags_added": dict(sorted(self.flags_added.items())),
            "flags_removed": dict(sorted(self.flags_removed.items())),
            "payable_before": str(self.payable_before),
            "payable_after": str(self.payable_after),
            "payable_by": signed(self.payable_after - self.payable_before),
        }


def _entry(case_id: str, **values: Any) -> dict[str, Any]:
    """A case of the report: its changes and money, or the errors that keep a side from deciding it."""
    return {
        "case_id": case_id,
        "changes": [],
        "payable_by": None,
        "error_before": None,
        "error_after": None,
        **values,
    }


def replay(
    cases: Iterable[tuple[str, dict[str, Any] | CaseError]], current: Evaluator, candidate: Evaluator
) -> dict[str, Any]:
    """Decide each ``(case_id, resolved case or the error resolving it)`` both ways; the report."""
    tally = Tally()
    changed: list[dict[str, Any]] = []
    for case_id, data in cases:
        tally.cases += 1
        if isinstance(data, CaseError):
            tally.undecidable += 1
            changed.append(_entry(case_id, error_before=data.errors, error_after=data.errors))
            continue
        try:
            case = parse_case(data)
        except CaseError as exc:
            tally.undecidable += 1
            changed.append(_entry(case_id, error_before=exc.errors, error_after=exc.errors))
            continue
        before, before_errors = _decide(current, case)
        after, after_errors = _decide(candidate, case)
        if before is None or after is None:
            tally.undecidable += 1
            tally.changed += before_errors != after_errors
            changed.append(_entry(case_id, error_before=before_errors, error_after=after_errors))
            continue
        changes = compare(before, after)
        tally.add(changes, before, after)
        if changes:
            tally.changed += 1
            money = payable_of(after) - payable_of(before)
            changed.append(_entry(case_id, changes=changes, payable_by=signed(money)))
    return {"totals": tally.as_json(), "cases": changed}


def versions(evaluator: Evaluator) -> list[dict[str, str]]:
    """The rule versions of an evaluator with their content hashes."""
    return [{"version": rs.version, "content_hash": rs.content_hash} for rs in evaluator.rulebook.versions]
