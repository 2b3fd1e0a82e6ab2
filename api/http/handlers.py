"""Errors mapped to HTTP, in one place, worded in the caller's language.

A case that cannot be decided and every validation error are 422 ``{"detail": [{loc, msg, type}, ...]}``
(``loc`` without ``body``); the store's errors carry their status; a database that does not answer is
503; anything else is a 500 that never shows a traceback. Sentences are Chinese unless the request's
``Accept-Language`` prefers English (:func:`lang_of`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException

from api.errors import ApiError
from api.http.middleware import BodyTooLargeError
from api.http.routing import BodyJsonError
from engine.errors import CaseError, KaopingError
from engine.problems import localise, pick_lang
from engine.validate import contract_error
from rules.messages import Lang, message

if TYPE_CHECKING:
    from collections.abc import Sequence

_log = logging.getLogger("kaoping.api")
_HTTP_MESSAGES = {404: "api.not_found", 405: "api.method_not_allowed"}


def lang_of(request: Request) -> Lang:
    """The language of the answer: English when ``Accept-Language`` prefers it, else Chinese."""
    return pick_lang(request.headers.get("accept-language"))


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(CaseError, _case_error)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(KaopingError, _internal_error)
    app.add_exception_handler(Exception, _internal_error)


def contract_errors(errors: Sequence[Any], lang: Lang = "zh") -> list[dict[str, Any]]:
    """FastAPI/pydantic errors as the contract's list: ``loc`` without ``body``, no input echoed."""
    return [contract_error(err, prefix=("body",), lang=lang) for err in errors]


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)  # noqa: S101 - registered for this class only
    lang = lang_of(request)
    if isinstance(exc.__cause__, BodyJsonError):  # bad JSON in a body FastAPI validates
        return JSONResponse({"detail": exc.__cause__.cause.errors(lang)}, status_code=422)
    return JSONResponse({"detail": contract_errors(exc.errors(), lang)}, status_code=422)


async def _case_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CaseError)  # noqa: S101 - registered for this class only
    lang = lang_of(request)
    return JSONResponse(
        {"detail": exc.errors if lang == "zh" else localise(exc.errors, lang)}, status_code=422
    )


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)  # noqa: S101 - registered for this class only
    return JSONResponse(
        {"detail": exc.text(lang_of(request))}, status_code=exc.status_code, headers=exc.headers
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    """Starlette's own answers (no such path, method not allowed, a body too large) in words."""
    assert isinstance(exc, HTTPException)  # noqa: S101 - registered for this class only
    lang = lang_of(request)
    key = _HTTP_MESSAGES.get(exc.status_code)
    if isinstance(exc, BodyTooLargeError):
        detail = exc.text(lang)
    elif key is not None:
        detail = message(key, lang)
    else:
        detail = message("api.http_error", lang, status=exc.status_code)
    return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    _log.error("database error on %s %s: %s", request.method, request.url.path, exc)
    detail = message("api.database_unavailable", lang_of(request))
    return JSONResponse({"detail": detail}, status_code=503, headers={"Retry-After": "5"})


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    _log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse({"detail": message("api.internal_error", lang_of(request))}, status_code=500)
