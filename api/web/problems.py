"""What a page says went wrong with what was sent: each problem with the control it concerns.

A page lists them at the top (the error summary: each a link to its control) and beside each control
(its inline message), in the same words.
"""

from __future__ import annotations

from dataclasses import dataclass


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
