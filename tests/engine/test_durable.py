"""The durable_rules adapter fences the engine's traps (docs/durable-rules.md §1.9)."""

from __future__ import annotations

import threading

import durable_rules_engine as native
import pytest

from engine import _durable
from engine._durable import DurableEngine
from engine.errors import EngineError
from rules.rulesets._registry import Effect
from rules.rulesets.compile import CompiledRuleset


def _tiny() -> DurableEngine:
    compiled = CompiledRuleset(
        version="test",
        definition={"k000": {"all": [{"m": {"$gte": {"x": 10}}}]}, "k001": {"all": [{"m": {"flag": True}}]}},
        effects={"k000": (Effect("T-01", "failed"),), "k001": (Effect("T-02", "applied"),)},
        defaults={"T-01": "held", "T-02": "not_applicable"},
    )
    return DurableEngine(compiled)


def test_fired_rules_come_back_sorted() -> None:
    """Each matching durable rule marks the state once."""
    engine = _tiny()
    assert engine.fire({"x": 12, "flag": True}) == ["k000", "k001"]
    assert engine.fire({"x": 12, "flag": False}) == ["k000"]


def test_no_matching_rule_is_nothing_fired_not_an_error() -> None:
    """The sentinel observes every fact: no MessageNotHandledException, no leaked state (rule 8)."""
    engine = _tiny()
    for i in range(1500):
        assert engine.fire({"x": 1, "flag": False, "n": i}) == []


def test_no_python_consequent_ever_runs() -> None:
    """The adapter drains the agenda itself: consequents (which durable_rules would swallow) never run."""
    engine = _tiny()
    ruleset = engine._host.get_ruleset("kaoping")
    ruleset._actions["k001"]._func = lambda c: 1 / 0  # would be swallowed into the state
    assert engine.fire({"x": 1, "flag": True}) == ["k001"]


def test_an_or_condition_matching_twice_fires_once() -> None:
    """A rule with an $or may match once per true branch; names come back once."""
    compiled = CompiledRuleset(
        version="test",
        definition={"k000": {"all": [{"m": {"$or": [{"a": True}, {"b": True}]}}]}},
        effects={"k000": (Effect("T-01", "applied"),)},
        defaults={"T-01": "not_applicable"},
    )
    assert DurableEngine(compiled).fire({"a": True, "b": True}) == ["k000"]


def test_a_refused_fact_is_loud() -> None:
    """A fact durable_rules cannot take raises EngineError and leaves no state behind."""
    with pytest.raises(EngineError):
        _tiny().fire({f"p{i}": i for i in range(260)})


def test_more_than_1024_evaluations_do_not_hit_the_sid_cap() -> None:
    """One reused sid (and a fresh one only after a failure) keeps the live-sid count at one."""
    engine = _tiny()
    for i in range(1500):
        assert engine.fire({"x": i % 20, "flag": False}) == (["k000"] if i % 20 >= 10 else [])


def test_each_case_leaves_the_reused_sid_empty() -> None:
    """The fact is retracted after the agenda is drained: nothing of one case meets the next (rule 5)."""
    engine = _tiny()
    for fact in ({"x": 12, "flag": True}, {"x": 12, "flag": True}, {"x": 3, "flag": False}):
        sid = engine._sid
        assert engine.fire(fact) == (["k000", "k001"] if fact["flag"] else [])
        assert engine._sid == sid
        assert native.get_facts(engine._handle, sid) == "[]"


def test_a_failure_deletes_the_state_and_the_next_case_gets_a_fresh_sid(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A fact that could not be retracted must not stay in the sid the next case uses (rule 5)."""
    engine = _tiny()
    sid = engine._sid
    with monkeypatch.context() as patch:
        patch.setattr(_durable._native, "retract_fact", lambda *_: (99, 0))
        with pytest.raises(EngineError, match="refused to retract the fact"):
            engine.fire({"x": 12, "flag": True})
    assert engine._sid != sid
    with pytest.raises(native.error, match="309"):  # 309: no such state, it was deleted
        native.get_facts(engine._handle, sid)
    assert engine.fire({"x": 12, "flag": True}) == ["k000", "k001"]


def test_floats_decimals_and_nested_values_never_enter_the_engine() -> None:
    """Only ints, bools and strings cross the boundary."""
    with pytest.raises(EngineError, match="not an int, bool or string"):
        _tiny().fire({"x": 1.5, "flag": True})
    with pytest.raises(EngineError):
        _tiny().fire({"x": [1], "flag": True})


def test_two_hosts_hold_the_same_ruleset_name_independently() -> None:
    """One Host per version: same ruleset name, different logic."""
    first, second = _tiny(), _tiny()
    assert first.fire({"x": 10, "flag": False}) == second.fire({"x": 10, "flag": False})


def test_no_dispatcher_thread_is_started() -> None:
    """The adapter's Host never starts durable_rules' background timers."""
    before = {t.name for t in threading.enumerate()}
    _tiny()
    after = {t.name for t in threading.enumerate()}
    assert after == before
