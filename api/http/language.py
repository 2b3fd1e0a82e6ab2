"""The product's sentences as this edge says them to the person behind a request.

Every sentence for people is a message of ``rules/messages.yaml``; :func:`text` words one for a request.
Chinese, the product's language: a choice of language per request (``Accept-Language``) plugs in here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rules.messages import message

if TYPE_CHECKING:
    from starlette.requests import HTTPConnection


def text(request: HTTPConnection | None, key: str, /, **values: Any) -> str:
    """The message ``key`` with its blanks filled, in the language of ``request``'s reader (Chinese)."""
    del request  # one language for now: Chinese
    return message(key, "zh", **values)
