"""The catalogue's wording: sentences with ``{blank}`` names that the trace fills (engine/trace.py)."""

from __future__ import annotations

import string

_FORMATTER = string.Formatter()


def printf_style(text: str) -> tuple[str, list[str]]:
    """The wording with ``%s`` for each ``{blank}`` (and ``%%`` for ``%``), and the blanks in order.

    Wording without blanks comes back as it is (it is used without filling).

    Raises:
        ValueError: a blank with a format spec or conversion (``{x:>5}``, ``{x!r}``), which the
            catalogue does not use; or unbalanced braces.
    """
    parts, names = [], []
    for literal, name, spec, conversion in _FORMATTER.parse(text):
        parts.append(literal.replace("%", "%%"))
        if name is not None:
            if spec or conversion or not name:
                raise ValueError(f"the blank {{{name}}} in {text!r} is not a plain name")
            parts.append("%s")
            names.append(name)
    return ("".join(parts) if names else text), names
