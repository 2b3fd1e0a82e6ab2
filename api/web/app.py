"""How the pages join the app: their routers, their static files and the headers every page carries."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi.staticfiles import StaticFiles

from api.http import API_PREFIX
from api.web.routes import ROUTERS

if TYPE_CHECKING:
    from fastapi import FastAPI
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

STATIC = Path(__file__).resolve().parent / "static"
UPLOAD_PATHS = r"/cases/[^/]+/deliverables"
"""The pages' upload route: its body may be as large as ``Settings.max_upload_bytes``."""

HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (
        b"content-security-policy",
        b"default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
)
"""On every page and static file: scripts, styles, images and forms from the app only, never framed."""


class PageHeaders:
    """Add :data:`HEADERS` to every response outside the API, and ``Server-Timing`` (the app's time)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers as the response starts."""
        if scope["type"] != "http" or str(scope.get("path", "")).startswith(f"{API_PREFIX}/"):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                took = (time.perf_counter() - started) * 1000
                headers = [*message.get("headers", []), *HEADERS]
                headers.append((b"server-timing", f"app;dur={took:.2f}".encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, sending)


def install(app: FastAPI) -> None:
    """Add the pages to ``app``: routers at the root, static files under ``/static``, the page headers."""
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(PageHeaders)
