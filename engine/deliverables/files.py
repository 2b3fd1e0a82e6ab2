"""From the bytes received to a Word document python-docx may open.

A .docx passes the Office guard (:func:`engine.office_file.check_package`: size, zip bomb, XML entities,
macros, the kind of file); a .doc or .wps is converted by LibreOffice first and its .docx guarded the
same way; a PDF and any other format is refused with a clear error.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from engine.deliverables.convert import convert_to_docx
from engine.deliverables.errors import DeliverableError
from engine.office_file import Limits, MiB, OfficeFileError, check_package, human_size

LIMITS = Limits(file_bytes=20 * MiB, part_bytes=32 * MiB, total_bytes=128 * MiB, parts=2000)
"""At most 20 MiB received; each part inflates to at most 32 MiB, all parts to 128 MiB."""
CONVERTED = (".doc", ".wps")
"""Formats LibreOffice converts to .docx."""
_WORD = (".docx", ".docm", ".dotx", ".dotm")
_PDF = b"%PDF-"
_ZIP = b"PK\x03\x04"
_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

Converter = Callable[[bytes, str], bytes]


def suffix_of(name: str) -> str:
    """The file name's extension, lower-case (``.docx``), or ``""``."""
    return PurePath(name).suffix.lower()


def prepare(data: bytes, name: str, *, convert: Converter = convert_to_docx) -> bytes:
    """The guarded .docx bytes of a received file.

    Raises:
        OfficeFileError: the guard refuses the file (too large: status 413).
        DeliverableError: a PDF, another format, or a conversion that cannot run or fails.
    """
    if len(data) > LIMITS.file_bytes:
        raise OfficeFileError(
            "too_large", status=413, size=human_size(len(data)), limit=human_size(LIMITS.file_bytes)
        )
    suffix = suffix_of(name)
    if data.startswith(_PDF) or suffix == ".pdf":
        raise DeliverableError("pdf")
    if suffix in CONVERTED and not data.startswith(_ZIP):
        data = convert(data, suffix)
    elif suffix not in _WORD and not data.startswith((_ZIP, _CFB)):
        raise DeliverableError("unsupported", suffix=suffix or name)
    return check_package(data, kind="docx", limits=LIMITS).data


def open_docx(data: bytes) -> Any:
    """A python-docx Document of guarded bytes; a file it cannot make sense of is a DeliverableError."""
    import docx  # noqa: PLC0415 - python-docx loads only when a file is read

    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # any failure of python-docx on a guarded file is bad input
        raise DeliverableError("unreadable", reason=type(exc).__name__) from exc
