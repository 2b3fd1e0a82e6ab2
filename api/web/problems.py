"""What a page says went wrong with what was sent: each problem with the control it concerns.

A page lists them at the top (the error summary: each a link to its control) and beside each control
(its inline message), in the same words: the contract's error entries as :mod:`engine.problems` words
them (in Chinese, the pages' language: the field's label and path, a code list's codes with labels).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One problem: the sentence, and the ``id`` of the control it concerns (``None``: the page's)."""

    text: str
    target: str | None = None


def by_target(problems: list[Problem]) -> dict[str, list[str]]:
    """The problems' sentences by control id (the inline messages)."""
    out: dict[str, list[str]] = {}
    for problem in problems:
        if problem.target is not None:
            out.setdefault(problem.target, []).append(problem.text)
    return out


def target_of(loc: list[str | int], ids: set[str], prefix: tuple[str | int, ...] = ()) -> str | None:
    """The control an error location points at: its own, else the nearest enclosing one on the form."""
    parts = [*prefix, *loc]
    while parts:
        candidate = "-".join(str(p) for p in parts)
        if candidate in ids:
            return candidate
        parts.pop()
    return None


def from_errors(
    errors: list[dict[str, Any]], ids: set[str], prefix: tuple[str | int, ...] = ()
) -> list[Problem]:
    """The contract's error entries as problems, each at its control."""
    return [Problem(str(e.get("msg", "")), target_of(list(e.get("loc") or []), ids, prefix)) for e in errors]
