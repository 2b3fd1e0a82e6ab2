"""The language a request asks for (``Accept-Language``): English when it prefers English, else Chinese."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rules.messages import Lang

if TYPE_CHECKING:
    from fastapi import Request

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


def request_language(request: Request) -> Lang:
    """The language of a request's ``Accept-Language``."""
    return language(request.headers.get("accept-language"))
