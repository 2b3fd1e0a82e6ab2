"""The command line's language: every line it prints and its help, from ``rules/messages.yaml``.

Chinese unless ``--lang en`` is given (anywhere on the command line) or ``KAOPING_LANG=en`` is set. The
language is picked once, before the parser is built (:func:`pick_lang`, :func:`set_lang`), so that the
help texts are in it too; argparse's own sentences (usage, "the following arguments are required" ...)
are worded through the ``argparse.*`` messages, whose English is argparse's own text. Every command words
its lines with :func:`text` and says them on stderr with :func:`say`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from rules.messages import Lang, catalogue, message

__all__ = ["LANGS", "lang", "message_join", "os_reason", "pick_lang", "say", "say_text", "set_lang", "text"]

LANGS: tuple[Lang, ...] = ("zh", "en")
_state: dict[str, Lang] = {"lang": "zh"}


def pick_lang(argv: Sequence[str], environ: Mapping[str, str]) -> Lang:
    """``--lang X`` or ``--lang=X`` on the command line, else ``KAOPING_LANG``, else Chinese."""
    chosen = environ.get("KAOPING_LANG", "")
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            chosen = argv[i + 1]
        elif arg.startswith("--lang="):
            chosen = arg.partition("=")[2]
    return "en" if chosen.strip().lower().startswith("en") else "zh"


def set_lang(chosen: Lang) -> None:
    """Make ``chosen`` the language of everything the command prints from now on."""
    _state["lang"] = chosen
    table = {entry["en"]: entry[chosen] for key, entry in catalogue().items() if key.startswith("argparse.")}
    # argparse words its sentences with the module's gettext function `_`: this process's is ours.
    argparse._ = lambda original: table.get(original, original)  # type: ignore[attr-defined]


def lang() -> Lang:
    """The language picked for this run."""
    return _state["lang"]


def text(key: str, /, **values: Any) -> str:
    """A message in the run's language."""
    return message(key, _state["lang"], **values)


def say(key: str, /, **values: Any) -> None:
    """Print ``kaoping: <message>`` on stderr (the command's messages to people: errors, progress)."""
    say_text(text(key, **values))


def say_text(line: str) -> None:
    """Print a line already worded in the run's language as :func:`say` prints a message."""
    print(f"kaoping: {line}", file=sys.stderr)  # noqa: T201 - the command's message channel


def message_join(items: Sequence[str]) -> str:
    """Items joined as a list in the run's language (、 or a comma)."""
    return text("join.items").join(items)


def os_reason(exc: OSError) -> str:
    """Why a file could not be read or written, in the run's language."""
    if isinstance(exc, FileNotFoundError):
        return text("cli.os.not_found")
    if isinstance(exc, PermissionError):
        return text("cli.os.permission")
    if isinstance(exc, IsADirectoryError):
        return text("cli.os.directory")
    return text("cli.os.other", reason=exc.strerror or str(exc))
