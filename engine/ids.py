"""The contract's rule for ids (member ids, and the expert ids and unit names that tokens carry).

An id holds no control character at all (not even tab or line feed) and no format character (Unicode
category Cf: the bidi controls U+202A-U+202E and U+2066-U+2069, zero-width joiners, soft hyphens...), and
is 1 to ``max_length`` characters long. :func:`id_problem` says what is wrong with one, as a code the
edges word for people (``rules/messages.yaml``, ``id.<code>``).
"""

from __future__ import annotations

import unicodedata
from typing import Literal

__all__ = ["ID_MAX_LENGTH", "IdProblem", "id_problem"]

ID_MAX_LENGTH = 64
"""The longest member or expert id (a unit name is a name: 200)."""

IdProblem = Literal["empty", "too_long", "control", "format"]


def id_problem(value: str, *, max_length: int = ID_MAX_LENGTH) -> IdProblem | None:
    """What makes ``value`` no id (``None``: it is one)."""
    if not value:
        return "empty"
    if len(value) > max_length:
        return "too_long"
    for char in value:
        category = unicodedata.category(char)
        if category == "Cc":
            return "control"
        if category == "Cf":
            return "format"
    return None
