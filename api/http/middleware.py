"""ASGI middleware of the app: the request body's size limit."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from fastapi import HTTPException

from api import jsonio
from api.http.language import language
from rules.messages import Lang, message

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLargeError(HTTPException):
    """A body that grew past the limit while it was read (the handler words it as 413: :meth:`text`)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413)
        self.limit = limit

    def text(self, lang: Lang) -> str:
        """The sentence in ``lang``."""
        return message("api.body_too_large", lang, limit=self.limit)


class BodyLimitMiddleware:
    """Answer 413 for a body over ``max_bytes`` (by ``Content-Length`` at once, else while reading).

    Paths matching ``upload_paths`` (file uploads) have their own, larger limit ``upload_bytes``.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        upload_bytes: int | None = None,
        upload_paths: re.Pattern[str] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_bytes = upload_bytes
        self.upload_paths = upload_paths

    def _limit(self, scope: Scope) -> int:
        uploads = self.upload_paths
        if (
            self.upload_bytes is not None
            and uploads is not None
            and uploads.fullmatch(str(scope.get("path", "")))
        ):
            return self.upload_bytes
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the declared length, then count what arrives."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self._limit(scope)
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > max_bytes:
            lang = language(headers.get(b"accept-language", b"").decode("latin-1"))
            await _too_large(BodyTooLargeError(max_bytes).text(lang), send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise BodyTooLargeError(max_bytes)
            return message

        await self.app(scope, limited, send)


async def _too_large(text: str, send: Send) -> None:
    body = jsonio.encode({"detail": text})
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
