"""What the office tools' routes share: the reader's language, raw uploads, refusals of a file.

A refused upload is answered as the contract's errors are: 422 with one entry per problem (``loc``
starting with ``file``), or 413 with a sentence when the file is too large.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from api.errors import ApiError
from api.http.language import request_language
from engine.errors import CaseError
from engine.office_file import OfficeFileError
from rules.messages import Lang

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"


def reader_lang(request: Request) -> Lang:
    """The reader's language: the request's ``Accept-Language`` (Chinese unless English is preferred)."""
    return request_language(request)


async def raw_body(request: Request) -> bytes:
    """The request body as it is (an uploaded file, no multipart)."""
    return await request.body()


class FileTooLargeError(ApiError):
    """An upload over its size limit."""

    status_code = 413


def refused(exc: OfficeFileError, lang: Lang) -> Exception:
    """A refused file as the error the handlers answer: 413 with a sentence, or a 422 error list."""
    text = exc.text(lang)
    if exc.status == 413:
        return FileTooLargeError(text)
    return CaseError([{"loc": ["file"], "msg": text, "type": exc.message_id}])


def upload_body(media_type: str, description: str) -> dict[str, Any]:
    """``openapi_extra`` of a route whose body is a file, sent as it is."""
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {media_type: {"schema": {"type": "string", "format": "binary"}}},
        }
    }


FILE_REFUSED: dict[int | str, dict[str, Any]] = {
    413: {"description": "the file (or the request body) is too large"},
}
