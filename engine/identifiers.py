"""The contract's rules for strings: ids, names and free text, as patterns and one public id check.

Patterns are whole-string matches: pydantic-core runs them in Rust (``$`` is the end of the text there);
the few matched in Python use :meth:`re.Pattern.fullmatch`, never ``$`` (which would let a trailing line
feed through). Three classes of character are refused:

* control characters (Unicode Cc): never in an id; in other strings only tab, line feed and carriage
  return are allowed;
* invisible format characters (Unicode Cf: zero-width spaces and joiners, soft hyphens, the byte-order
  mark, bidi controls ...): never in an id or a name (they make two equal-looking names differ);
* bidi controls (U+202A-U+202E, U+2066-U+2069): in no string at all (they reorder what a reader sees).

:func:`identifier_problem` is the id rule as one function, for every place that takes an id outside a
case (tokens for an expert or a project unit).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import StringConstraints

from engine._types import NormalForm

__all__ = [
    "FORMAT_CHARACTERS",
    "ID_MAX_LENGTH",
    "ID_PATTERN",
    "NAME_MAX_LENGTH",
    "NAME_PATTERN",
    "TEXT_PATTERN",
    "MemberId",
    "Name",
    "Text",
    "identifier_problem",
]

ID_MAX_LENGTH = 64
NAME_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 2000

# Unicode's format characters (category Cf) as regular-expression ranges, as of Unicode 15 (Python 3.12;
# Python 3.11's Unicode 14 has a subset of them). tests/engine/test_identifiers.py checks that every Cf
# character of the running Python is covered and that nothing else assigned is.
FORMAT_CHARACTERS = (
    r"\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    r"\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    r"\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_BIDI_CONTROLS = r"\u202a-\u202e\u2066-\u2069"
_CONTROLS_BUT_WHITESPACE = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
_CONTROLS = r"\x00-\x1f\x7f-\x9f"

TEXT_PATTERN = rf"^[^{_CONTROLS_BUT_WHITESPACE}{_BIDI_CONTROLS}]*$"
"""Free text: no control characters but tab, line feed and carriage return; no bidi controls."""
NAME_PATTERN = rf"^[^{_CONTROLS_BUT_WHITESPACE}{FORMAT_CHARACTERS}]*$"
"""Names (ELG-05 compares them): as free text, and no invisible format characters either."""
ID_PATTERN = rf"^[^{_CONTROLS}{FORMAT_CHARACTERS}]*$"
"""Ids: no control characters at all, no format characters."""

Name = Annotated[str, StringConstraints(min_length=1, max_length=NAME_MAX_LENGTH, pattern=NAME_PATTERN)]
Text = Annotated[str, StringConstraints(max_length=TEXT_MAX_LENGTH, pattern=TEXT_PATTERN)]
MemberId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=ID_MAX_LENGTH, pattern=ID_PATTERN),
    NormalForm("id"),
]

_ID = re.compile(ID_PATTERN.removeprefix("^").removesuffix("$"))

IdProblem = Literal["string_too_short", "string_too_long", "control_character"]


def identifier_problem(value: str, *, max_length: int = ID_MAX_LENGTH) -> IdProblem | None:
    """What is wrong with an id (a member id, the expert id or unit name a token carries), or ``None``.

    The contract's id rule: 1 to ``max_length`` characters (64 for ids; a unit's name is a name, 200),
    no control character at all (not even tab or line feed) and no format or bidi character. The answer
    is an error type of the contract; ``engine.messages.error_text`` words it for a person.
    """
    if not value:
        return "string_too_short"
    if len(value) > max_length:
        return "string_too_long"
    if _ID.fullmatch(value) is None:
        return "control_character"
    return None
