"""The durable_rules adapter: the only module that talks to the engine (docs/durable-rules.md §1.9).

1. durable-rules is pinned to 2.0.28 in pyproject.toml.
2. Each version gets its own Host subclass whose ``_run`` is a no-op: no dispatcher thread, no timers.
3. Rulesets are registered eagerly, when the adapter is built (at start-up), in one thread.
4. One process-wide lock serialises every engine call; scale out with worker processes.
5. A fresh UUID sid per evaluation, ``delete_state`` in ``finally`` (flat memory, no 1,024-sid cap).
6. Actions are pure: they only mark ``c.s`` with the name of the durable rule that fired.
7. Failures are loud: a non-dict state, ``exception`` in the state or a missing sentinel raises
   :class:`EngineError`.
8. Every fact is observed: a sentinel rule matches every fact. Measured here (durable-rules 2.0.28):
   an unhandled fact leaves its sid's state behind (the 1,024-sid ``MemoryError`` follows), and
   ``delete_state`` on that sid then *segfaults*; so "no rule matched" must never happen.
9. No ``s.*`` conditions, no ``c.post``, only ints/bools/strings in facts (checked before posting).
10. The marks come back with the state; the caller turns them into the trace.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from durable import engine as _engine

from engine.errors import EngineError
from rules.rulesets import CompiledRuleset

_LOCK = threading.Lock()
_SCALARS = (bool, int, str)
RULESET = "kaoping"
SENTINEL = "seen"
# Every case fact carries this marker and every rule requires it: the sid's state object (which
# durable_rules re-evaluates after each action) never matches a rule, so no rule can loop on it.
MARKER = ("kaoping_case", 1)


def _marked(condition: dict[str, Any]) -> dict[str, Any]:
    return {"$and": [{MARKER[0]: MARKER[1]}, condition]}


class _QuietHost(_engine.Host):  # type: ignore[misc]
    """A Host without the background dispatcher thread, resolving actions by name to markers."""

    def __init__(self, actions: dict[str, Callable[[Any], None]]) -> None:
        self._actions = actions
        super().__init__()

    def _run(self) -> None:
        """No dispatcher thread and no timers (adapter rule 2)."""

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        return self._actions[action_name]


def _marker(name: str) -> Callable[[Any], None]:
    def mark(c: Any) -> None:
        c.s[name] = 1

    mark.__name__ = f"mark_{name}"
    return mark


class DurableEngine:
    """One compiled version in its own Host; ``fire(fact)`` returns the names of the rules that fired."""

    def __init__(self, compiled: CompiledRuleset) -> None:
        self.compiled = compiled
        definition = {
            name: {"all": [{"m": _marked(body["all"][0]["m"])}], "run": name}
            for name, body in compiled.definition.items()
        }
        self._names = frozenset(definition)
        if SENTINEL in definition:
            raise EngineError(f"the rule name {SENTINEL} is reserved for the adapter")
        # durable_rules deletes "run" from the dict it is given, so build a fresh one each time.
        definition[SENTINEL] = {"all": [{"m": {MARKER[0]: MARKER[1]}}], "run": SENTINEL}
        with _LOCK:
            self._host = _QuietHost({name: _marker(name) for name in definition})
            self._host.set_rulesets({RULESET: definition})
            self._host.get_ruleset(RULESET)  # eager registration (adapter rule 3)

    def fire(self, fact: dict[str, Any]) -> list[str]:
        """Assert one case fact under a fresh sid and return the fired durable rule names, sorted."""
        _check_fact(fact)
        sid = uuid.uuid4().hex
        with _LOCK:
            try:
                state = self._host.assert_fact(RULESET, {**fact, MARKER[0]: MARKER[1], "sid": sid})
            except Exception as exc:
                raise EngineError(f"durable_rules failed: {exc}") from exc
            finally:
                self._delete(sid)
        if not isinstance(state, dict):
            raise EngineError(f"durable_rules returned no state ({state!r})")
        if "exception" in state:
            raise EngineError(f"a rule action failed: {state['exception']}")
        if SENTINEL not in state:
            raise EngineError("durable_rules did not process the fact (sentinel missing)")
        return sorted(name for name in state if name in self._names)

    def _delete(self, sid: str) -> None:
        try:
            self._host.delete_state(RULESET, sid)
        except Exception as exc:
            raise EngineError(f"durable_rules could not delete state {sid}: {exc}") from exc


def _check_fact(fact: dict[str, Any]) -> None:
    """Only ints, bools and strings cross into the engine, and fewer than 255 properties (rule 9)."""
    if len(fact) >= 250:  # noqa: PLR2004 - durable_rules' limit is 255 properties per fact
        raise EngineError(f"a fact has {len(fact)} properties; durable_rules accepts fewer than 255")
    bad: Iterable[str] = (k for k, v in fact.items() if not isinstance(v, _SCALARS))
    for key in bad:
        raise EngineError(f"fact value {key}={fact[key]!r} is not an int, bool or string")
