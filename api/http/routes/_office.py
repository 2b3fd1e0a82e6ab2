"""What the office tools' routes share: raw uploads and how they are documented.

A file the Office guard refuses is answered by the app's handlers (:mod:`api.http.handlers`): 422 with
one entry per problem (``loc`` starting with ``file``), or 413 when the file is too large.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"


async def raw_body(request: Request) -> bytes:
    """The request body as it is (an uploaded file, no multipart)."""
    return await request.body()


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
