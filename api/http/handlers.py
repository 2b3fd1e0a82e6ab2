"""Errors mapped to HTTP, in one place.

A case that cannot be decided and every validation error are 422 ``{"detail": [{loc, msg, type}, ...]}``
(``loc`` without ``body``); the store's errors carry their status; a database that does not answer is
503; anything else is a 500 that never shows a traceback. An uploaded file the reader refuses is 422
with ``loc`` ``["file"]``, 413 when too large, 503 when its conversion cannot run here, worded in the
request's language (``Accept-Language``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError

from api.errors import ApiError
from api.http.language import request_language
from engine.deliverables.errors import DeliverableError
from engine.errors import CaseError, KaopingError
from engine.office_file import OfficeFileError
from engine.validate import contract_error

if TYPE_CHECKING:
    from collections.abc import Sequence

_log = logging.getLogger("kaoping.api")


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(CaseError, _case_error)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(OfficeFileError, _file_refused)
    app.add_exception_handler(DeliverableError, _file_refused)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(KaopingError, _internal_error)
    app.add_exception_handler(Exception, _internal_error)


def contract_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """FastAPI/pydantic errors as the contract's list: ``loc`` without ``body``, no input echoed."""
    out: list[dict[str, Any]] = []
    for err in errors:
        entry = contract_error(err, prefix=("body",))
        if entry["type"] == "json_invalid":
            entry["loc"] = []
            entry["msg"] = f"the body is not valid JSON: {(err.get('ctx') or {}).get('error', entry['msg'])}"
        out.append(entry)
    return out


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)  # noqa: S101 - registered for this class only
    return JSONResponse({"detail": contract_errors(exc.errors())}, status_code=422)


async def _case_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CaseError)  # noqa: S101 - registered for this class only
    return JSONResponse({"detail": exc.errors}, status_code=422)


async def _api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)  # noqa: S101 - registered for this class only
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)


async def _file_refused(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, (OfficeFileError, DeliverableError))  # noqa: S101 - registered for these only
    text = exc.text(request_language(request))
    if exc.status != 422:
        return JSONResponse({"detail": text}, status_code=exc.status)
    kind = "office_file" if isinstance(exc, OfficeFileError) else "deliverable"
    return JSONResponse(
        {"detail": [{"loc": ["file"], "msg": text, "type": f"{kind}.{exc.key}"}]}, status_code=422
    )


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    _log.error("database error on %s %s: %s", request.method, request.url.path, exc)
    detail = "the database is busy or unavailable; try again"
    return JSONResponse({"detail": detail}, status_code=503, headers={"Retry-After": "5"})


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    _log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
    return JSONResponse({"detail": "internal server error"}, status_code=500)
