"""Page routes: what goes wrong on a page is a page, in Chinese, with the API's status.

:class:`PageRoute` wraps each page's handler: a browser that is not signed in (or whose session ended)
is sent to the sign-in page with the reason; the store's errors become an error page with their status
(404 for what the caller may not see, exactly as the API answers, 403 for what it may see but not do,
409 for a conflict); a malformed path is a 404; anything else is a 500 page that never shows a traceback.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from sqlalchemy.exc import OperationalError
from starlette.requests import ClientDisconnect

from api.errors import ApiError
from api.web.pages import msg, render
from engine.errors import CaseError

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine

    from api.store.web_sessions import Ended

_log = logging.getLogger("kaoping.web")
SESSION_COOKIE = "kaoping_session"


class SignInRequiredError(Exception):
    """The page needs a signed-in browser; ``ended`` says why there is none."""

    def __init__(self, ended: Ended) -> None:
        super().__init__(ended.reason)
        self.ended = ended


def safe_next(path: str | None) -> str:
    """A path to return to after signing in: one of this site's, never another site's (``//host``)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


def to_sign_in(request: Request, ended: Ended) -> RedirectResponse:
    """Off to the sign-in page, saying why and where to come back to; the ended session's cookie goes."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    query = {"next": safe_next(here if request.method == "GET" else request.url.path)}
    if ended.reason != "none":
        query["why"] = ended.reason
        if ended.at is not None:
            query["at"] = ended.at.isoformat()
    response = RedirectResponse(f"/signin?{urlencode(query)}", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def error_text(exc: ApiError) -> str:
    """What an error page says of a store error: its own message, in Chinese (the pages' language).

    A 404 says only that the page is not there or not the caller's (never which).
    """
    if exc.status_code == 404:
        return msg("web.error.404")
    return exc.text("zh")


def error_page(request: Request, status: int, text: str, details: list[str] | None = None) -> Response:
    """The error page."""
    return render(request, "error.html", status, status=status, text=text, details=details or [])


def failure_page(request: Request, exc: Exception) -> Response:
    """The page of what went wrong (see the module's docstring)."""
    if isinstance(exc, SignInRequiredError):
        return to_sign_in(request, exc.ended)
    if isinstance(exc, ApiError):
        return error_page(request, exc.status_code, error_text(exc))
    if isinstance(exc, RequestValidationError):
        return error_page(request, 404, msg("web.error.404"))
    if isinstance(exc, CaseError):
        return error_page(request, 422, msg("web.error.422"), [str(e.get("msg", "")) for e in exc.errors])
    if isinstance(exc, OperationalError):
        _log.error("database error on %s %s: %s", request.method, request.url.path, exc)
        return error_page(request, 503, msg("web.error.503"))
    _log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_page(request, 500, msg("web.error.500"))


class PageRoute(APIRoute):
    """A page: errors become pages (see the module's docstring)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap FastAPI's handler."""
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            finally:
                await request.close()  # the posted form's files

        async def page(request: Request) -> Response:
            try:
                return await route(request)
            except ClientDisconnect:
                return Response(status_code=499)
            except Exception as exc:  # noqa: BLE001 - every failure is a page; the unknown ones logged with their traceback
                return failure_page(request, exc)

        return page


def page_router() -> APIRouter:
    """A router of pages (left out of the API's OpenAPI document)."""
    return APIRouter(route_class=PageRoute, include_in_schema=False, tags=["pages"])
