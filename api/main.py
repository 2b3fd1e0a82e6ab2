"""The FastAPI application: ``create_app(settings)`` with every router under ``/api/v1``.

Errors are mapped to HTTP in one place: a case that cannot be decided and every validation error are
422 ``{"detail": [{loc, msg, type}, ...]}`` (``loc`` without ``body``); the store's errors carry their
status; anything else is a 500 that never shows a traceback.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError

from api import db
from api._http import BodyLimitMiddleware, contract_errors
from api.auth import TokenLookup
from api.crud import CaseList
from api.errors import ApiError
from api.routes import (
    audit,
    cases,
    decisions,
    evaluate,
    health,
    registries,
    rulebook,
    scores,
    templates,
)
from api.settings import Settings, get_settings
from engine import start
from engine.errors import CaseError, KaopingError

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from fastapi.routing import APIRoute

API_PREFIX = "/api/v1"
_log = logging.getLogger("kaoping.api")


def _operation_id(route: APIRoute) -> str:
    """Stable operation ids for generated clients: ``<tag>-<function name>``."""
    return f"{route.tags[0]}-{route.name}"


def _version() -> str:
    try:
        return version("kaoping")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree that is not installed
        return "0"


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Register every rule version's durable_rules ruleset now, in one thread (adapter rule 3).
    start(app.state.settings.rules_dir)
    db.check_schema(app.state.engine)
    yield
    app.state.tokens.close()
    app.state.cases.close()
    app.state.engine.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    """A new application on ``settings`` (default: the process's settings); its database must be migrated."""
    settings = settings or get_settings()
    app = FastAPI(
        title="kaoping 考评",
        summary="Review of third-party budget-performance evaluation commissions (七宝镇财政所)",
        version=_version(),
        lifespan=_lifespan,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        generate_unique_id_function=_operation_id,
        separate_input_output_schemas=False,
    )
    app.state.settings = settings
    app.state.engine = db.make_engine(settings.effective_database_url)
    app.state.tokens = TokenLookup(app.state.engine)  # connects on the first request
    app.state.cases = CaseList(app.state.engine)  # likewise, on the first GET /cases
    for module in (health, evaluate, cases, scores, decisions, registries, rulebook, audit, templates):
        app.include_router(module.router, prefix=API_PREFIX)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(CaseError, _case_error)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(KaopingError, _internal_error)
    app.add_exception_handler(Exception, _internal_error)
    return app


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)  # noqa: S101 - registered for this class only
    return JSONResponse({"detail": contract_errors(exc.errors())}, status_code=422)


async def _case_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CaseError)  # noqa: S101 - registered for this class only
    return JSONResponse({"detail": exc.errors}, status_code=422)


async def _api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)  # noqa: S101 - registered for this class only
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    _log.error("database error on %s %s: %s", request.method, request.url.path, exc)
    detail = "the database is busy or unavailable; try again"
    return JSONResponse({"detail": detail}, status_code=503, headers={"Retry-After": "5"})


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    _log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse({"detail": "internal server error"}, status_code=500)
