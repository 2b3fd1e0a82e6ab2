"""The product's sentences as the command line says them (``rules/messages.yaml``).

Chinese, the product's language; a choice of language (``--lang``, ``KAOPING_LANG``) plugs in here.
"""

from __future__ import annotations

import sys
from typing import Any

from rules.messages import message


def text(key: str, /, **values: Any) -> str:
    """The message ``key`` with its blanks filled, in the reader's language (Chinese)."""
    return message(key, "zh", **values)


def say(key: str, /, **values: Any) -> None:
    """Print the message on stderr as ``kaoping: ...`` (the command's messages to people)."""
    print(f"kaoping: {text(key, **values)}", file=sys.stderr)  # noqa: T201 - the CLI's message channel
