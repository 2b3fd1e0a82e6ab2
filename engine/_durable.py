"""The durable_rules adapter: the only module that talks to the engine (docs/durable-rules.md).

Adapter rules (docs/durable-rules.md §1.9; the figures behind 5 and 6 are in docs/performance.md):

1. durable-rules is pinned to 2.0.28 in pyproject.toml (this module uses its documented C calls).
2. Each version gets its own Host whose ``_run`` is a no-op: no dispatcher thread, no timers.
3. Rulesets are registered eagerly, when the adapter is built (at start-up), in one thread.
4. One process-wide lock serialises every engine call; scale out with worker processes.
5. One sid per engine, reused: each evaluation asserts its fact, drains the agenda and retracts the same
   fact, which leaves the sid's state empty for the next case (durable_rules allocates a new state for
   every new sid, so reusing one is cheaper than a fresh sid and ``delete_state`` each time; memory
   stays flat). If anything fails on the way, the state is deleted and the next case gets a fresh sid
   (a counter), so a half-drained agenda or a fact left behind can never meet the next case; a live sid
   at a time means no 1,024-sid cap.
6. Consequents do nothing at all: the rete network decides which rules match, and the adapter drains
   the resulting agenda itself (``start_action_for_state`` / ``complete_and_start_action``), reading
   only the rule names. No Python code runs inside the engine, so none can fail, block or do I/O, and
   no state is written: so the adapter does not send the state back with ``update_state`` between
   actions as durable's own dispatcher does (it would re-assert an unchanged state that no rule can
   match, rule 9). Draining in the adapter costs far less than a Python consequent per fired rule.
7. Failures are loud: any engine exception, or a fact the sentinel did not see, raises EngineError.
8. Every fact is observed: a sentinel rule matches every case fact. On 2.0.28 an unhandled
   fact leaves its sid's state behind (the 1,024-sid ``MemoryError`` follows), and ``delete_state`` on
   that sid then *segfaults*; so "no rule matched" must never happen.
9. Every rule also requires a marker property that only case facts carry, so the sid's state object
   (re-evaluated after every action) can never match a rule and loop. Only ints, bools and strings,
   fewer than 250 properties, cross into the engine (checked before posting).
10. A rule whose condition is an ``$or`` may match once per true branch; fired names are a set.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any

import durable_rules_engine as _native
import orjson
from durable import engine as _engine

from engine.errors import EngineError
from rules.rulesets import CompiledRuleset

_LOCK = threading.Lock()
_SCALARS = frozenset({bool, int, str})
_MAX_PROPERTIES = 250  # durable_rules refuses facts with more than 255 properties (error 302)
RULESET = "kaoping"
SENTINEL = "seen"
MARKER = ("kaoping_case", 1)


def _marked(condition: dict[str, Any]) -> dict[str, Any]:
    return {"$and": [{MARKER[0]: MARKER[1]}, condition]}


def _no_action(c: Any) -> None:  # noqa: ARG001  # pragma: no cover - never called
    raise EngineError("a durable_rules consequent ran; the adapter should have drained the agenda")


class _QuietHost(_engine.Host):  # type: ignore[misc]
    """A Host without the background dispatcher thread (adapter rule 2)."""

    def _run(self) -> None:
        """No dispatcher thread and no timers."""

    def get_action(self, action_name: str) -> Any:  # noqa: ARG002 - every rule gets the same no-op
        return _no_action


class DurableEngine:
    """One compiled version in its own Host; ``fire(fact)`` returns the names of the rules that matched."""

    def __init__(self, compiled: CompiledRuleset) -> None:
        self.compiled = compiled
        if SENTINEL in compiled.definition:
            raise EngineError(f"the rule name {SENTINEL} is reserved for the adapter")
        definition: dict[str, Any] = {
            name: {"all": [{"m": _marked(body["all"][0]["m"])}], "run": name}
            for name, body in compiled.definition.items()
        }
        definition[SENTINEL] = {"all": [{"m": {MARKER[0]: MARKER[1]}}], "run": SENTINEL}
        self._sids = itertools.count(1)
        self._sid = str(next(self._sids))
        with _LOCK:
            self._host = _QuietHost()
            self._host.set_rulesets({RULESET: definition})
            self._ruleset = self._host.get_ruleset(RULESET)  # eager registration (adapter rule 3)
            self._handle = self._ruleset._handle  # noqa: SLF001 - the native ruleset handle

    def fire(self, fact: dict[str, Any]) -> list[str]:
        """Assert one case fact, drain the agenda, retract the fact; the matched rule names, sorted."""
        _check_fact(fact)
        with _LOCK:
            text = orjson.dumps({**fact, MARKER[0]: MARKER[1], "sid": self._sid}).decode()
            try:
                fired = self._drain(text)
                _checked(_native.retract_fact(self._handle, text), "retract")
            except Exception as exc:
                self._discard_state()
                if isinstance(exc, EngineError):
                    raise
                raise EngineError(f"durable_rules failed: {exc}") from exc
        if SENTINEL not in fired:
            raise EngineError("durable_rules did not process the fact (sentinel missing)")
        fired.discard(SENTINEL)
        return sorted(fired)

    def _drain(self, text: str) -> set[str]:
        state_handle = _checked(_native.assert_fact(self._handle, text), "assert")
        fired: set[str] = set()
        started = _native.start_action_for_state(self._handle, state_handle)
        if not started:
            return fired
        message = started[1]
        while message:
            # The rule name of an agenda entry {"<name>": {...}}, read without decoding the whole fact
            # (inline: this loop runs once per fired rule).
            if not message.startswith('{"'):
                raise EngineError(f"unexpected durable_rules agenda entry {message[:60]!r}")
            fired.add(message[2 : message.index('"', 2)])
            message = _native.complete_and_start_action(self._handle, state_handle)
        return fired

    def _discard_state(self) -> None:
        """After a failure: delete the sid's state and move on to a fresh sid (adapter rule 5)."""
        sid, self._sid = self._sid, str(next(self._sids))
        try:
            _native.delete_state(self._handle, sid)
        except Exception as exc:
            raise EngineError(f"durable_rules could not delete state {sid}: {exc}") from exc


def _checked(result: tuple[int, int], what: str) -> int:
    """The state handle of a native assert/retract, or EngineError with durable_rules' code."""
    if result[0] != 0:
        raise EngineError(f"durable_rules refused to {what} the fact (code {result[0]})")
    return result[1]


def _check_fact(fact: dict[str, Any]) -> None:
    """Only ints, bools and strings cross into the engine, and fewer than 250 properties (rule 9)."""
    if len(fact) >= _MAX_PROPERTIES:
        raise EngineError(f"a fact has {len(fact)} properties; durable_rules accepts fewer than 255")
    if _SCALARS.issuperset(map(type, fact.values())):  # the common case, without a Python loop
        return
    for key, value in fact.items():
        if type(value) not in _SCALARS:
            raise EngineError(f"fact value {key}={value!r} is not an int, bool or string")
