"""Errors mapped to HTTP, in one place, worded in the caller's language.

A case that cannot be decided and every validation error are 422 ``{"detail": [{loc, msg, type}, ...]}``
(``loc`` without ``body``); the store's errors carry their status; a database that does not answer is
503; anything else is a 500 that never shows a traceback. An uploaded file the reader refuses is 422
with ``loc`` ``["file"]``, 413 when too large, 503 when its conversion cannot run here. Sentences are
Chinese unless the request's ``Accept-Language`` prefers English
(:func:`api.http.language.request_language`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from api.errors import ApiError
from api.http.language import request_language
from api.http.middleware import BodyTooLargeError
from api.http.routing import BodyJsonError, client_gone
from engine.deliverables.errors import DeliverableError
from engine.errors import CaseError, KaopingError
from engine.office_file import OfficeFileError
from engine.problems import entry, localise
from engine.validate import contract_error
from rules.messages import Lang, message

if TYPE_CHECKING:
    from collections.abc import Sequence

_log = logging.getLogger("kaoping.api")
_HTTP_MESSAGES = {404: "api.not_found", 405: "api.method_not_allowed"}


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(CaseError, _case_error)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(OfficeFileError, _file_refused)
    app.add_exception_handler(DeliverableError, _file_refused)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(IntegrityError, _integrity_conflict)
    app.add_exception_handler(ClientDisconnect, _client_gone)
    app.add_exception_handler(KaopingError, _internal_error)
    app.add_exception_handler(Exception, _internal_error)


def contract_errors(
    errors: Sequence[Any], lang: Lang = "zh", place: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """FastAPI/pydantic errors as the contract's list: ``loc`` without ``body``, no input echoed."""
    return [contract_error(err, prefix=("body",), lang=lang, place=place) for err in errors]


def _body_place(request: Request) -> tuple[str, ...]:
    """Where the route's body sits in a case (a registry record's ``CASE_PLACE``), for its fields' labels."""
    body_field = getattr(request.scope.get("route"), "body_field", None)
    model = getattr(getattr(body_field, "field_info", None), "annotation", None)
    place = getattr(model, "CASE_PLACE", "")
    return tuple(place.split(".")) if isinstance(place, str) and place else ()


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)  # noqa: S101 - registered for this class only
    lang = request_language(request)
    if isinstance(exc.__cause__, BodyJsonError):  # bad JSON in a body FastAPI validates
        return JSONResponse({"detail": exc.__cause__.cause.errors(lang)}, status_code=422)
    detail = contract_errors(exc.errors(), lang, _body_place(request))
    return JSONResponse({"detail": detail}, status_code=422)


async def _case_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CaseError)  # noqa: S101 - registered for this class only
    lang = request_language(request)
    return JSONResponse(
        {"detail": exc.errors if lang == "zh" else localise(exc.errors, lang)}, status_code=422
    )


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)  # noqa: S101 - registered for this class only
    return JSONResponse(
        {"detail": exc.text(request_language(request))}, status_code=exc.status_code, headers=exc.headers
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    """Starlette's own answers (no such path, method not allowed, a body too large) in words."""
    assert isinstance(exc, HTTPException)  # noqa: S101 - registered for this class only
    lang = request_language(request)
    key = _HTTP_MESSAGES.get(exc.status_code)
    if isinstance(exc, BodyTooLargeError):
        detail = exc.text(lang)
    elif key is not None:
        detail = message(key, lang)
    else:
        detail = message("api.http_error", lang, status=exc.status_code)
    return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)


async def _file_refused(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, (OfficeFileError, DeliverableError))  # noqa: S101 - registered for these only
    lang = request_language(request)
    if exc.status != 422:
        return JSONResponse({"detail": exc.text(lang)}, status_code=exc.status)
    return JSONResponse({"detail": [entry(["file"], exc.message_id, lang, **exc.values)]}, status_code=422)


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    _log.error("database error on %s %s: %s", request.method, request.url.path, exc)
    detail = message("api.database_unavailable", request_language(request))
    return JSONResponse({"detail": detail}, status_code=503, headers={"Retry-After": "5"})


async def _integrity_conflict(request: Request, exc: Exception) -> JSONResponse:
    """A unique key taken by a concurrent write that no store function caught: 409, never a 500."""
    _log.warning("conflicting write on %s %s: %s", request.method, request.url.path, exc)
    return JSONResponse(
        {"detail": message("records.write_conflict", request_language(request))}, status_code=409
    )


async def _client_gone(request: Request, _exc: Exception) -> Any:
    return client_gone(request)


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    _log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse({"detail": message("api.internal_error", request_language(request))}, status_code=500)
