"""The one guard for every Office file kaoping opens: memo templates, Word deliverables, Excel sheets.

An Office Open XML file is a zip of XML parts. Before python-docx, docxtpl or openpyxl sees one,
:func:`check_package` makes sure that opening it cannot exhaust the machine or reach outside it:

* the file, the number of parts, each part's inflated size and their total are capped, judged first from
  the sizes the zip declares (nothing is inflated when they are too large); inflation is then bounded by
  those sizes, since :mod:`zipfile` stops at a member's declared size and checks its CRC;
* every XML part is parsed once, streamed through a parser that builds no tree, resolves no entity,
  loads no DTD and opens no network connection; a ``DOCTYPE`` (the carrier of entity bombs and external
  entities) or XML that is not well-formed is refused, naming the part;
* macro-enabled files and, in workbooks, links to outside data are refused; the main part's content type
  must be the kind of file expected.

Every refusal is an :class:`OfficeFileError` carrying a message id of ``rules/messages.yaml`` and its
values, so each edge words it in the reader's language; too large a file is HTTP 413, the rest 422.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any, Literal

from lxml import etree  # type: ignore[import-untyped]

from rules.messages import WordedError

Kind = Literal["docx", "xlsx"]
MiB = 1024 * 1024
_CHUNK = 64 * 1024
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: legacy .doc/.xls or encrypted

# The main part's content type of each kind; macro-enabled kinds are named to refuse them clearly.
MAIN_TYPES: dict[Kind, frozenset[str]] = {
    "docx": frozenset(
        {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
        }
    ),
    "xlsx": frozenset(
        {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
        }
    ),
}
_MACRO_MARKERS = ("macroEnabled", "vbaProject", "vnd.ms-office.activeX")
_EXTERNAL_LINK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"
_NS_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"


class OfficeFileError(WordedError):
    """An Office file kaoping refuses to open; :meth:`text` words it, :attr:`status` is its HTTP status.

    ``key`` is a message id under :attr:`messages` (``office_file.<key>``); a guard of another kind of
    archive subclasses it with its own block of messages and shares the size checks.
    """

    messages = "office_file"

    def __init__(self, key: str, status: int = 422, **values: Any) -> None:
        self.status = status
        super().__init__(key, **values)


@dataclass(frozen=True)
class Limits:
    """Caps on one Office file: its size, its number of parts, each part's and all parts' inflated size."""

    file_bytes: int
    part_bytes: int
    total_bytes: int
    parts: int = 2000


@dataclass(frozen=True)
class CheckedPackage:
    """A file that passed the guard: its bytes, the main part's content type, its part names."""

    data: bytes
    main_type: str
    parts: tuple[str, ...]


def human_size(size: int) -> str:
    """A byte count as people read it: ``512 KB``, ``20.0 MB``."""
    if size < MiB:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / MiB:.1f} MB"


class _NoTree:
    """A parser target that keeps nothing: the document is checked, never built."""

    def __init__(self) -> None:
        self.doctype_name: str | None = None

    def doctype(self, name: str | None, _pubid: str | None, _system: str | None) -> None:
        """Called by lxml when the part declares a DOCTYPE."""
        self.doctype_name = name or "?"

    def close(self) -> None:
        """Called by lxml at the end of the part."""


def _check_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Stream one XML part through a tree-less, entity-free parser; refuse a DOCTYPE or broken XML."""
    target = _NoTree()
    parser = etree.XMLParser(
        target=target, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    head = b""
    try:
        with archive.open(info) as part:
            while chunk := part.read(_CHUNK):
                if len(head) < _CHUNK:
                    head += chunk[: _CHUNK - len(head)]
                    if b"<!DOCTYPE" in head or b"<\x00!\x00D\x00O\x00C\x00T\x00Y\x00P\x00E" in head:
                        raise OfficeFileError("doctype", part=info.filename)
                parser.feed(chunk)
            parser.close()
    except etree.XMLSyntaxError as exc:
        raise OfficeFileError("bad_xml", part=info.filename, reason=str(exc.msg or exc)) from None
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as exc:
        raise OfficeFileError("broken_part", part=info.filename) from exc
    if target.doctype_name is not None:
        raise OfficeFileError("doctype", part=info.filename)


def _check_binary(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Inflate one non-XML part in chunks (bounded by its declared size) so that its CRC is checked."""
    try:
        with archive.open(info) as part:
            while part.read(_CHUNK):
                pass
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as exc:
        raise OfficeFileError("broken_part", part=info.filename) from exc


def _content_types(archive: zipfile.ZipFile) -> dict[str, str]:
    """The ``[Content_Types].xml`` overrides by part name (without the leading slash), and defaults.

    Defaults are keyed by extension (``*.bin``): a macro project is often declared by its extension alone.
    """
    try:
        raw = archive.read("[Content_Types].xml")
    except KeyError:
        raise OfficeFileError("no_content_types") from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    root = etree.fromstring(raw, parser)  # already checked by _check_xml: small, no DOCTYPE
    defaults = {
        f"*.{node.get('Extension', '')}": str(node.get("ContentType", ""))
        for node in root.iter(f"{_NS_CT}Default")
    }
    return defaults | {
        str(node.get("PartName", "")).lstrip("/"): str(node.get("ContentType", ""))
        for node in root.iter(f"{_NS_CT}Override")
    }


def check_sizes(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse an archive by what its directory declares: too many parts, an encrypted or too large part."""
    if len(infos) > limits.parts:
        raise OfficeFileError("too_many_parts", count=len(infos), limit=limits.parts)
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise OfficeFileError("encrypted")
        if info.file_size > limits.part_bytes:
            raise OfficeFileError(
                "part_too_large",
                part=info.filename,
                size=human_size(info.file_size),
                limit=human_size(limits.part_bytes),
            )
        total += info.file_size
    if total > limits.total_bytes:
        raise OfficeFileError("total_too_large", size=human_size(total), limit=human_size(limits.total_bytes))


def _main_type(kind: Kind, types: dict[str, str]) -> str:
    expected = {"docx": ".docx", "xlsx": ".xlsx"}[kind]
    if any(marker in content for content in types.values() for marker in _MACRO_MARKERS):
        raise OfficeFileError("macro_enabled", expected=expected)
    found = [content for content in types.values() if content.endswith(".main+xml")]
    for content in found:
        if content in MAIN_TYPES[kind]:
            return content
    raise OfficeFileError("wrong_kind", expected=expected, found=found[0] if found else "—")


def _check_parts(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    for info in infos:
        if info.is_dir():
            continue
        if info.filename.lower().endswith(_XML_SUFFIXES):
            _check_xml(archive, info)
        else:
            _check_binary(archive, info)


def open_archive(data: bytes, limits: Limits) -> zipfile.ZipFile:
    """The zip archive in ``data``, refused unread when the file is too large, empty, encrypted or no zip."""
    if len(data) > limits.file_bytes:
        raise OfficeFileError(
            "too_large", status=413, size=human_size(len(data)), limit=human_size(limits.file_bytes)
        )
    if not data:
        raise OfficeFileError("empty")
    if data.startswith(_CFB_SIGNATURE):
        raise OfficeFileError("encrypted")
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise OfficeFileError("not_zip") from exc


def check_package(data: bytes, *, kind: Kind, limits: Limits) -> CheckedPackage:
    """Check an Office file before anything opens it; :class:`OfficeFileError` says why it is refused."""
    archive = open_archive(data, limits)
    with archive:
        infos = archive.infolist()
        check_sizes(infos, limits)
        _check_parts(archive, infos)
        types = _content_types(archive)
        main = _main_type(kind, types)
        if kind == "xlsx":
            for part, content in types.items():
                if content == _EXTERNAL_LINK_TYPE:
                    raise OfficeFileError("external_link", part=part)
        return CheckedPackage(data=data, main_type=main, parts=tuple(i.filename for i in infos))
