"""The language of the person behind a request, and the product's sentences said in it.

``Accept-Language`` chooses: English when the most preferred language is English, else Chinese (the
product's language). Every sentence for people is a message of ``rules/messages.yaml``; :func:`text`
words one for a request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rules.messages import Lang, message

if TYPE_CHECKING:
    from starlette.requests import HTTPConnection

_ENGLISH = "en"


def _quality(part: str) -> tuple[str, float]:
    tag, _, params = part.strip().partition(";")
    quality = 1.0
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
    return tag.strip().lower(), quality


def language(header: str | None) -> Lang:
    """``en`` when the most preferred language of an ``Accept-Language`` header is English, else ``zh``."""
    if not header:
        return "zh"
    ranked = sorted((_quality(part) for part in header.split(",")[:20] if part.strip()), key=lambda t: -t[1])
    for tag, quality in ranked:
        if quality <= 0:
            continue
        primary = tag.split("-")[0]
        if primary == _ENGLISH:
            return "en"
        if primary in {"zh", "*"}:
            return "zh"
    return "zh"


def request_language(request: HTTPConnection | None) -> Lang:
    """The language of a request's ``Accept-Language`` (Chinese without a request)."""
    if request is None:
        return "zh"
    return language(request.headers.get("accept-language"))


def text(request: HTTPConnection | None, key: str, /, **values: Any) -> str:
    """The message ``key`` with its blanks filled, in the language of ``request``'s reader."""
    return message(key, request_language(request), **values)
