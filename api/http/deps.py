"""What routes declare they need, by type: the session, the settings, the caller, the raw JSON body.

The token lookup and the case list read on connections the app keeps (``app.state.tokens`` and
``app.state.cases``), not through a session. ``GET /cases`` reads its request itself and asks
:func:`caller_of` for the caller (the same checks as the ``AnyRole``... dependencies).

The caller is checked before the request's body is read or parsed: each ``AnyRole``... dependency is a
:class:`RoleCheck`, which :class:`api.http.routing.KaopingRoute` runs first (401, 403) and whose
principal the dependency then finds in the request's scope. An unauthenticated upload is refused
without a byte of its body read, and a 401 always comes before a 422.
"""

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Header, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlmodel import Session

from api.errors import NotAuthenticatedError
from api.http.routing import json_body
from api.roles import EVERYONE, OFFICE, READ_ALL, SCORERS
from api.settings import Settings
from api.store.access import Principal, require_role
from api.store.db import new_session
from api.store.decisions import OFFICE_TZ
from api.store.tokens import Expired, TokenLookup
from engine.memos import OfficeInfo
from engine.memos.isolation import Renderer, renderer

_PRINCIPAL = "kaoping.principal"
"""Where :meth:`RoleCheck.before_body` leaves the caller in the request's scope."""

_bearer = HTTPBearer(
    auto_error=False, description="a token from `kaoping token create --role ...`", scheme_name="token"
)
_CHALLENGE = {"WWW-Authenticate": "Bearer"}
BEARER: dict[str, Any] = {"security": [{_bearer.scheme_name: []}]}
"""``openapi_extra`` of a route that calls :func:`caller_of`: what a ``Depends`` on the token documents
(the scheme itself is in the document's components because the other routes declare the dependency)."""


async def get_settings_dep(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


async def get_engine(request: Request) -> Engine:
    """The app's database engine."""
    engine: Engine = request.app.state.engine
    return engine


async def get_session(engine: Annotated[Engine, Depends(get_engine)]) -> AsyncIterator[Session]:
    """A session for the request; whatever it did not commit is rolled back.

    Opening a session does no I/O, and closing one only returns its connection, so this runs on the
    event loop: the routes (sync ``def``) use it in their worker thread, one thread at a time.
    """
    with new_session(engine) as session:
        yield session


async def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller of a bearer token (401 without one, or for a token kaoping does not know or that expired).

    On the event loop, not in a worker thread: the lookup is one indexed SELECT on the app's own
    connection (:class:`api.store.tokens.TokenLookup`), cheaper than the hop to a thread and back.
    """
    known: Principal | None = request.scope.get(_PRINCIPAL)
    if known is not None:
        return known
    if credentials is None:
        raise NotAuthenticatedError("api.no_token", headers=_CHALLENGE)
    tokens: TokenLookup = request.app.state.tokens
    found = tokens.lookup(credentials.credentials)
    if isinstance(found, Expired):
        when = found.at.astimezone(OFFICE_TZ).strftime("%Y-%m-%d %H:%M")
        raise NotAuthenticatedError("token.expired", at=when, headers=_CHALLENGE)
    if found is None:
        raise NotAuthenticatedError("api.bad_token", headers=_CHALLENGE)
    return found


async def caller_of(request: Request, roles: frozenset[str]) -> Principal:
    """The caller, for a route that reads its request itself (``GET /cases``): as ``Depends(_roles(roles))``.

    The same steps (``HTTPBearer``'s parsing, :func:`get_principal`, :func:`require_role`), so the same
    401 and 403; document the route with ``openapi_extra=`` :data:`BEARER` for the security scheme.
    Being called, not declared, it is out of reach of ``app.dependency_overrides``.
    """
    return require_role(await get_principal(request, await _bearer(request)), roles)


class RoleCheck:
    """The dependency of a caller with one of ``roles``; :meth:`before_body` runs before the body is read."""

    def __init__(self, roles: frozenset[str]) -> None:
        self.roles = roles

    async def __call__(self, principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        """The caller (checked already when the route ran :meth:`before_body`)."""
        return require_role(principal, self.roles)

    async def before_body(self, request: Request) -> None:
        """401 or 403 now, before anything reads the body; the caller is kept for the dependency.

        Skipped when a test overrides :func:`get_principal` (the override then decides, as FastAPI runs it).
        """
        if get_principal in request.app.dependency_overrides:
            return
        request.scope[_PRINCIPAL] = await caller_of(request, self.roles)


def _roles(roles: frozenset[str]) -> RoleCheck:
    return RoleCheck(roles)


async def get_renderer(settings: Annotated[Settings, Depends(get_settings_dep)]) -> Renderer:
    """The process's memo renderer for the app's budget and rules (:mod:`engine.memos.isolation`)."""
    return renderer(settings.render_budget, settings.rules_dir)


async def get_office(settings: Annotated[Settings, Depends(get_settings_dep)]) -> OfficeInfo:
    """The issuing office printed on memos (from the settings)."""
    return settings.office


SessionDep = Annotated[Session, Depends(get_session)]
OfficeDep = Annotated[OfficeInfo, Depends(get_office)]
RendererDep = Annotated[Renderer, Depends(get_renderer)]
AnyRole = Annotated[Principal, Depends(_roles(EVERYONE))]
"""Any valid token (a case's own visibility rules still apply)."""
FinanceOffice = Annotated[Principal, Depends(_roles(OFFICE))]
ReadAll = Annotated[Principal, Depends(_roles(READ_ALL))]
"""The finance office or the auditor."""
Scorer = Annotated[Principal, Depends(_roles(SCORERS))]
JsonBody = Annotated[Any, Depends(json_body)]
IfMatch = Annotated[str | None, Header(description='the ETag of the version you read, e.g. "3"')]

KEY_PATTERN = r"^[A-Za-z0-9._-]{1,64}$"
"""Case ids and registry expert ids: 1-64 ASCII letters, digits, ``-``, ``_``, ``.``."""
CREDIT_CODE_PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{18}$"

CaseIdPath = Annotated[str, Path(pattern=KEY_PATTERN, description="the case's case_id")]
CreditCodePath = Annotated[str, Path(pattern=CREDIT_CODE_PATTERN, description="the agency's credit code")]
ExpertIdPath = Annotated[str, Path(pattern=KEY_PATTERN, description="the expert's registry id")]
