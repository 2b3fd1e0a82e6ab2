"""Footnote marks: where a finding's footnote goes, left in a context value for the renderer to replace.

A mark is a footnote number between two private-use characters; :mod:`engine.memos.footnotes` turns each
one in the rendered body into a Word footnote. Text from a case or a trace never carries those characters
(:func:`clean` strips them), so only the context builder can place a footnote.
"""

from __future__ import annotations

from typing import Any

__all__ = ["MARK_CLOSE", "MARK_OPEN", "Notes", "clean"]

MARK_OPEN = "\ue000"
MARK_CLOSE = "\ue001"
"""Private-use characters around a footnote number in rendered text; stripped from case text."""


def clean(value: Any) -> str:
    """Text from a case or a trace, with the footnote-mark characters removed."""
    return str(value).replace(MARK_OPEN, "").replace(MARK_CLOSE, "")


class Notes:
    """Hands out footnote marks and keeps their texts (one footnote per finding)."""

    def __init__(self) -> None:
        self.texts: dict[int, str] = {}

    def mark(self, text: str) -> str:
        """A new mark for a footnote reading ``text`` (cleaned of marks itself)."""
        number = len(self.texts) + 1
        self.texts[number] = clean(text)
        return f"{MARK_OPEN}{number}{MARK_CLOSE}"
