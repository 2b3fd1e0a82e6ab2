"""A reading put to use: its fields into a case's node, its places onto the decision's trace.

:func:`apply_reading` replaces the node's fields the file determines and keeps the rest from the case.
:func:`attach_locations` post-processes a decision: every PLN/RPT trace entry that concerns something
read (and was checked: ``held`` or ``failed``) gets ``locations``, the list of paragraphs or cells it
concerns — PLN-01 the headings it saw, PLN-03 every weight cell, PLN-05 each offending cell, RPT-02 the
score cells and the total, and so on. The decision is otherwise unchanged.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from engine.deliverables.model import Location, Reading
from rules import RuleSet, load_rulebook

_Cells = Callable[[Reading, str, RuleSet], list[Location]]


def apply_reading(case: Mapping[str, Any], reading: Reading) -> dict[str, Any]:
    """A copy of ``case`` whose node holds the reading's fields (the others kept from the case)."""
    out = copy.deepcopy(dict(case))
    node = dict(out.get(reading.node) or {})
    node.update(copy.deepcopy(reading.fields))
    out[reading.node] = node
    return out


def _items(reading: Reading, list_field: str) -> list[dict[str, Any]]:
    items = reading.fields.get(list_field)
    return items if isinstance(items, list) else []


def _cells(
    reading: Reading, list_field: str, names: Iterable[str], which: Callable[[dict[str, Any]], bool]
) -> list[Location]:
    out = []
    for i, item in enumerate(_items(reading, list_field)):
        if not which(item):
            continue
        for name in names:
            found = reading.locations.get(f"{list_field}.{i}.{name}")
            if found is not None:
                out.append(found)
    return out


def _sections(reading: Reading, _outcome: str, _rs: RuleSet) -> list[Location]:
    return [reading.locations[f"sections.{code}"] for code in reading.fields.get("sections", [])]


def _level1(reading: Reading, _outcome: str, _rs: RuleSet) -> list[Location]:
    return _cells(reading, "indicators", ["level1"], lambda _: True)


def _weights(reading: Reading, _outcome: str, _rs: RuleSet) -> list[Location]:
    return _cells(reading, "indicators", ["weight"], lambda _: True)


def _output_benefit(reading: Reading, _outcome: str, rs: RuleSet) -> list[Location]:
    levels = set(rs.param("plan_review.output_benefit_level1"))
    return _cells(reading, "indicators", ["level1", "weight"], lambda i: i.get("level1") in levels)


def _standards(reading: Reading, outcome: str, rs: RuleSet) -> list[Location]:
    if outcome == "held":
        return _cells(reading, "indicators", ["standard", "method"], lambda _: True)
    allowed = set(rs.param("plan_review.allowed_standards"))
    return [
        *_cells(reading, "indicators", ["standard"], lambda i: i.get("standard") not in allowed),
        *_cells(reading, "indicators", ["method"], lambda i: not str(i.get("method", "")).strip()),
    ]


def _evidence(reading: Reading, outcome: str, _rs: RuleSet) -> list[Location]:
    if outcome == "held":
        return _cells(reading, "indicators", ["evidence_ref"], lambda _: True)
    return _cells(
        reading, "indicators", ["evidence_ref"], lambda i: not str(i.get("evidence_ref") or "").strip()
    )


def _total(reading: Reading, *names: str) -> list[Location]:
    return [reading.locations[name] for name in names if name in reading.locations]


def _score_sum(reading: Reading, _outcome: str, _rs: RuleSet) -> list[Location]:
    return [
        *_cells(reading, "indicator_scores", ["score"], lambda _: True),
        *_total(reading, "reported_total"),
    ]


def _score_range(reading: Reading, outcome: str, _rs: RuleSet) -> list[Location]:
    if outcome == "held":
        return _cells(reading, "indicator_scores", ["score"], lambda _: True)
    return _cells(
        reading,
        "indicator_scores",
        ["score", "weight"],
        lambda i: Decimal(str(i.get("score", 0))) > Decimal(str(i.get("weight", 0))),
    )


def _grade(reading: Reading, _outcome: str, _rs: RuleSet) -> list[Location]:
    return _total(reading, "reported_total", "reported_grade")


CONCERNS: dict[str, tuple[str, _Cells]] = {
    "PLN-01": ("plan", _sections),
    "PLN-02": ("plan", _level1),
    "PLN-03": ("plan", _weights),
    "PLN-04": ("plan", _output_benefit),
    "PLN-05": ("plan", _standards),
    "PLN-06": ("plan", _evidence),
    "RPT-01": ("draft", _sections),
    "RPT-02": ("draft", _score_sum),
    "RPT-03": ("draft", _score_range),
    "RPT-04": ("draft", _grade),
}
"""The review rules that judge what a deliverable states: the node, and the places each one concerns."""


def attach_locations(decision: Mapping[str, Any], readings: Iterable[Reading]) -> dict[str, Any]:
    """A copy of ``decision`` whose PLN/RPT trace entries carry the places of what they judged."""
    out = copy.deepcopy(dict(decision))
    by_node = {reading.node: reading for reading in readings}
    if not by_node:
        return out
    rs = load_rulebook().at(str(out["rule_version"]))
    for entry in out.get("trace", []):
        concern = CONCERNS.get(str(entry.get("rule")))
        if concern is None or entry.get("outcome") not in {"held", "failed"}:
            continue
        node, cells = concern
        reading = by_node.get(node)  # type: ignore[call-overload]
        if reading is None:
            continue
        places = cells(reading, str(entry["outcome"]), rs)
        if places:
            entry["locations"] = [place.to_json() for place in places]
    return out
