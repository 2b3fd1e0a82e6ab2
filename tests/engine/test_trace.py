"""The trace's one-look-up wording writes what the general way writes, a fact missing or not."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from engine import start
from engine.testing import cases
from engine.trace import TraceWriter, _filled

Inputs = tuple[TraceWriter, dict[str, str], dict[str, dict[str, Any]], dict[str, Any]]


def _inputs(count: int, monkeypatch: pytest.MonkeyPatch) -> list[Inputs]:
    """What each of ``count`` generated cases hands its trace writer (facts as they were before)."""
    seen: list[Inputs] = []
    write = TraceWriter.write

    def spy(self: TraceWriter, outcomes: dict[str, str], facts: Any, context: dict[str, Any]) -> Any:
        seen.append((self, outcomes, copy.deepcopy(facts), context))
        return write(self, outcomes, facts, context)

    monkeypatch.setattr(TraceWriter, "write", spy)
    for raw in cases(count):
        start().evaluate(raw)
    monkeypatch.undo()
    return seen


def _general(
    writer: TraceWriter, outcomes: dict[str, str], facts: dict[str, Any], context: dict[str, Any]
) -> list[dict[str, Any]]:
    """Every entry written the general way (``_filled``), whatever one look-up could do."""
    entries = []
    for rule_id, cite, wordings in writer._plan:
        text, blanks, _, _ = wordings[outcomes[rule_id]]
        rule_facts = facts.get(rule_id)
        if rule_facts is None:
            rule_facts = {}
        detail = text % _filled(blanks, rule_facts, context) if blanks else text
        entries.append(
            {
                "rule": rule_id,
                "outcome": outcomes[rule_id],
                "detail": detail,
                "facts": rule_facts,
                "cite": cite,
            }
        )
    return entries


def test_one_look_up_writes_what_the_general_way_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = _inputs(300, monkeypatch)
    direct = 0
    for writer, outcomes, facts, context in inputs:
        direct += sum(wordings[outcomes[rule_id]][2] is not None for rule_id, _, wordings in writer._plan)
        general_facts = copy.deepcopy(facts)
        assert writer.write(outcomes, facts, context) == _general(writer, outcomes, general_facts, context)
        assert facts == general_facts  # the same decided values joined the same rules' facts
    assert direct > 10 * len(inputs)  # the look-up is the common way, not a corner


@pytest.mark.parametrize(
    "value", [None, True, False, ["E1", "E2"], (), {"plan": "0.4"}, Decimal("88.50"), 7, "文字"]
)
def test_every_kind_of_value_is_shown_alike_and_a_missing_fact_takes_the_general_way(
    value: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    (writer, outcomes, facts, context), *_ = _inputs(1, monkeypatch)
    for rule_id, _, wordings in writer._plan:
        _, blanks, direct, _ = wordings[outcomes[rule_id]]
        if direct is None:
            continue
        for name, _ in blanks:
            changed, missing = copy.deepcopy(facts), copy.deepcopy(facts)
            changed[rule_id][name] = value
            del missing[rule_id][name]
            for trial in (changed, missing):
                expected = _general(writer, outcomes, copy.deepcopy(trial), context)
                assert writer.write(outcomes, trial, context) == expected
