"""Helpers for testing kaoping and its rule data (as ``structlog.testing`` ships with structlog).

- :func:`cases` / :func:`generate`: valid contract cases from a seeded RNG, reaching every rule both ways;
- :class:`Oracle` / :func:`decide`: an independent plain-Python reading of the rulebook over the same
  versioned parameters, which the engine must agree with on every generated case.

The tests and the benchmarks both use these; neither imports the other.
"""

from engine.testing.generate import CONDUCT, cases, generate
from engine.testing.oracle import Oracle, decide

__all__ = ["CONDUCT", "Oracle", "cases", "decide", "generate"]
