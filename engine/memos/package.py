"""Deterministic .docx bytes: fixed zip entry times, order, compression and attributes; fixed core properties.

The same inputs give the same bytes: every zip entry has the same time (:data:`ZIP_DATE_TIME`),
compression and attributes; core properties are created = modified = the document date at 00:00:00 UTC,
author and last-modified-by the office, revision 1.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from html import escape
from typing import Any

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.spec import default_content_types

__all__ = ["ZIP_DATE_TIME", "normalise_docx", "package_bytes", "set_core_properties"]

ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
"""The timestamp of every zip entry of a memo (the earliest a zip can hold)."""


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    """A zip of ``entries`` in their order, every entry with the same time, compression and attributes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, blob in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.create_version = 20
            info.extract_version = 20
            info.external_attr = 0o600 << 16  # what zipfile writes for 0 anyway: stated, not implied
            info.flag_bits = 0
            target.writestr(info, blob, compresslevel=6)
    return out.getvalue()


def normalise_docx(data: bytes) -> bytes:
    """Rewrite a .docx zip deterministically: fixed entry times, order, compression and attributes.

    ``[Content_Types].xml`` comes first (as Word writes it), then the other entries in their order.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        names = source.namelist()
        order = sorted(names, key=lambda n: (n != "[Content_Types].xml", names.index(n)))
        return _zip([(name, source.read(name)) for name in order])


def _content_types(parts: list[Any]) -> bytes:
    """``[Content_Types].xml`` for ``parts``: defaults for rels and xml, an override for each other part."""
    defaults = {"rels": CT.OPC_RELATIONSHIPS, "xml": CT.XML}
    overrides: dict[str, str] = {}
    for part in parts:
        ext = part.partname.ext
        if (ext.lower(), part.content_type) in default_content_types:
            defaults[ext] = part.content_type
        else:
            overrides[str(part.partname)] = part.content_type
    body = "".join(
        f'<Default Extension="{escape(ext)}" ContentType="{escape(ct)}"/>'
        for ext, ct in sorted(defaults.items())
    ) + "".join(
        f'<Override PartName="{escape(name)}" ContentType="{escape(ct)}"/>'
        for name, ct in sorted(overrides.items())
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">{body}</Types>'
    ).encode()


def package_bytes(document: Any) -> bytes:
    """Serialise a python-docx document straight into a deterministic zip (what ``save`` writes)."""
    package = document.part.package
    parts = list(package.iter_parts())
    for part in parts:
        part.before_marshal()
    entries = [("[Content_Types].xml", _content_types(parts)), ("_rels/.rels", package.rels.xml)]
    for part in parts:
        entries.append((part.partname.membername, part.blob))
        if len(part.rels):
            entries.append((part.partname.rels_uri.membername, part.rels.xml))
    return _zip(entries)


def set_core_properties(document: Any, author: str, date: dt.date, title: str) -> None:
    """Fix the core properties: dated the document date at midnight UTC, by ``author``, revision 1."""
    props = document.core_properties
    midnight = dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)
    props.author = author
    props.last_modified_by = author
    props.created = midnight
    props.modified = midnight
    props.revision = 1
    props.title = title
