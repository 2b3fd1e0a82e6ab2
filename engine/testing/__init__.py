"""Helpers for testing kaoping and its rule data (as ``structlog.testing`` ships with structlog).

- :func:`cases` / :func:`generate`: valid contract cases from a seeded RNG, reaching every rule both ways;
- :class:`Oracle` / :func:`decide`: an independent plain-Python reading of the rulebook over the same
  versioned parameters, which the engine must agree with on every generated case
  (``python -m engine.testing.oracle`` decides JSON Lines: the floor of the batch).

The tests and the benchmarks both use these; neither imports the other. The names load on first use
(PEP 562), so running the oracle as a module does not import it twice.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.testing.generator import CONDUCT, cases, generate
    from engine.testing.oracle import Oracle, decide

_LAZY = {
    "CONDUCT": "engine.testing.generator",
    "cases": "engine.testing.generator",
    "generate": "engine.testing.generator",
    "Oracle": "engine.testing.oracle",
    "decide": "engine.testing.oracle",
}

__all__ = ["CONDUCT", "Oracle", "cases", "decide", "generate"]


def __getattr__(name: str) -> Any:
    """The helpers, imported on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
