"""Signing in with an access token, and out.

The sign-in form is protected by a double-submit value (a cookie and a hidden field, set together), since
there is no session yet whose secret it could carry. A signed-in browser holds one cookie: HttpOnly,
SameSite=Strict, Secure when the page was served over https, expiring with the session.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

from fastapi import Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from api.http.deps import SessionDep
from api.store.web_sessions import Active, Ended, end_session, lookup_session, sign_in, start_session
from api.web.auth import Posted
from api.web.pages import msg, render, when
from api.web.problems import Problem
from api.web.routing import SESSION_COOKIE, page_router, safe_next

if TYPE_CHECKING:
    from api.settings import Settings
    from api.store.tokens import TokenLookup

router = page_router()
NONCE_COOKIE = "kaoping_signin"
_WHY = {
    "expired": "web.signin.session_expired",
    "token_expired": "web.signin.token_expired",
    "revoked": "web.signin.revoked",
}


def _cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def _why(why: str | None, at: str | None) -> str | None:
    if why == "signed_out":
        return msg("web.signin.signed_out")
    key = _WHY.get(why or "")
    if key is None:
        return None
    return msg(key, at=when(at))


def _form(
    request: Request,
    status: int = 200,
    *,
    notice: str | None = None,
    errors: list[Problem] | None = None,
    next_path: str = "/",
) -> Response:
    nonce = secrets.token_urlsafe(24)
    response = render(
        request, "signin.html", status, nonce=nonce, next_path=next_path, notice=notice, errors=errors or []
    )
    _cookie(response, request, NONCE_COOKIE, nonce, 3600)
    return response


@router.get("/signin")
def signin_page(
    request: Request,
    session: SessionDep,
    next_path: Annotated[str | None, Query(alias="next")] = None,
    why: str | None = None,
    at: str | None = None,
) -> Response:
    """The sign-in form (a browser signed in already goes on to its page)."""
    state = lookup_session(session=session, cookie=request.cookies.get(SESSION_COOKIE))
    if isinstance(state, Active):
        return RedirectResponse(safe_next(next_path), status_code=303)
    return _form(request, notice=_why(why, at), next_path=safe_next(next_path))


@router.post("/signin")
def signin(
    request: Request,
    session: SessionDep,
    token: Annotated[str, Form()] = "",
    nonce: Annotated[str, Form()] = "",
    next_path: Annotated[str, Form(alias="next")] = "/",
) -> Response:
    """Sign in with the token typed; wrong, revoked or expired: the form again, saying so."""
    next_path = safe_next(next_path)
    kept = request.cookies.get(NONCE_COOKIE, "")
    if not nonce or not hmac.compare_digest(nonce.encode(), kept.encode()):
        return _form(
            request, 400, errors=[Problem(msg("web.signin.stale_form"), "token")], next_path=next_path
        )
    if not token.strip():
        return _form(request, 422, errors=[Problem(msg("web.signin.empty"), "token")], next_path=next_path)
    tokens: TokenLookup = request.app.state.tokens
    found = sign_in(tokens=tokens, token=token)
    if isinstance(found, Ended):
        text = (
            msg("web.signin.token_expired", at=when(found.at))
            if found.reason == "token_expired"
            else msg("web.signin.wrong_token")
        )
        return _form(request, 422, errors=[Problem(text, "token")], next_path=next_path)
    settings: Settings = request.app.state.settings
    lifetime = timedelta(hours=settings.session_hours)
    cookie, _ = start_session(session=session, principal=found, lifetime=lifetime)
    response = RedirectResponse(next_path, status_code=303)
    _cookie(response, request, SESSION_COOKIE, cookie, int(lifetime.total_seconds()))
    response.delete_cookie(NONCE_COOKIE, path="/")
    return response


@router.post("/signout")
def signout(request: Request, posted: Posted, session: SessionDep) -> Response:
    """Sign out: the session ends (its cookie opens nothing any more)."""
    end_session(session=session, cookie=request.cookies.get(SESSION_COOKIE), principal=posted.user.principal)
    response = RedirectResponse("/signin?why=signed_out", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
