"""The Office-file guard refuses hostile or broken .docx/.xlsx files with a clear message, quickly."""

from __future__ import annotations

import io
import struct
import time
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from engine.office_file import CheckedPackage, Limits, MiB, OfficeFileError, check_package, human_size
from rules.messages import _load

LIMITS = Limits(file_bytes=20 * MiB, part_bytes=16 * MiB, total_bytes=64 * MiB, parts=500)


def _docx_bytes() -> bytes:
    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("评价方案")
    document.save(out)
    return out.getvalue()


def _xlsx_bytes() -> bytes:
    out = io.BytesIO()
    book = openpyxl.Workbook()
    book.active["A1"] = "专家组"
    book.save(out)
    return out.getvalue()


def _rewrite(
    data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None
) -> bytes:
    """A copy of a package with some parts replaced or added (deflated)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = (replace or {}).get(info.filename, source.read(info))
            target.writestr(info.filename, body)
        for name, body in (add or {}).items():
            target.writestr(name, body)
    return out.getvalue()


def _refusal(data: bytes, kind: str = "docx", limits: Limits = LIMITS) -> OfficeFileError:
    with pytest.raises(OfficeFileError) as caught:
        check_package(data, kind=kind, limits=limits)  # type: ignore[arg-type]
    return caught.value


def test_a_plain_word_file_and_a_plain_workbook_pass() -> None:
    """What python-docx and openpyxl write passes, with its main content type named."""
    word = check_package(_docx_bytes(), kind="docx", limits=LIMITS)
    book = check_package(_xlsx_bytes(), kind="xlsx", limits=LIMITS)
    assert isinstance(word, CheckedPackage)
    assert word.main_type.endswith("wordprocessingml.document.main+xml")
    assert book.main_type.endswith("spreadsheetml.sheet.main+xml")
    assert "word/document.xml" in word.parts


def test_a_workbook_is_not_a_word_file() -> None:
    """The main part must be of the kind expected."""
    error = _refusal(_xlsx_bytes(), "docx")
    assert error.key == "wrong_kind"
    assert "不是 .docx 文件" in error.text()


def test_a_file_over_the_limit_is_413_before_anything_is_opened() -> None:
    """Too large a file is refused by its length alone, as HTTP 413."""
    error = _refusal(b"x" * (LIMITS.file_bytes + 1))
    assert (error.key, error.status) == ("too_large", 413)
    assert "超过上限20.0 MB" in error.text()


def test_a_zip_bomb_is_refused_from_its_declared_sizes_without_inflating() -> None:
    """A 100 MB part compressed to ~100 KB is refused at once, naming the part."""
    bomb = _rewrite(_docx_bytes(), replace={"word/document.xml": b"<a>" + b" " * (100 * MiB) + b"</a>"})
    assert len(bomb) < 1 * MiB
    started = time.perf_counter()
    error = _refusal(bomb)
    assert time.perf_counter() - started < 1.0
    assert (error.key, error.values["part"]) == ("part_too_large", "word/document.xml")
    assert "解压后为100.0 MB" in error.text()


def test_parts_that_add_up_past_the_total_are_refused() -> None:
    """Many parts each under the cap still may not inflate past the total."""
    parts = {f"word/media/pad{i}.bin": b"\0" * (10 * MiB) for i in range(7)}
    error = _refusal(_rewrite(_docx_bytes(), add=parts))
    assert error.key == "total_too_large"


def test_a_part_larger_than_it_declares_is_caught_by_its_crc() -> None:
    """Inflation stops at the declared size; the CRC then shows the lie."""
    body = b"<w:x>" + b"a" * 200_000 + b"</w:x>"
    data = bytearray(_rewrite(_docx_bytes(), add={"word/lie.xml": body}))
    # Patch the declared size (local header and central directory) of the added part down to 1,000.
    name = b"word/lie.xml"
    for signature, size_offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = 0
        while (at := data.find(signature, at)) >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                data[at + size_offset : at + size_offset + 4] = struct.pack("<I", 1000)
            at += 4
    error = _refusal(bytes(data))
    assert error.key in {"broken_part", "bad_xml"}
    assert error.values["part"] == "word/lie.xml"


@pytest.mark.parametrize(
    "xml",
    [
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x "y">]><w>&x;</w>',
        b'<?xml version="1.0"?><!DOCTYPE w SYSTEM "http://example.invalid/x.dtd"><w/>',
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
            b"<lolz>&lol2;</lolz>"
        ),
    ],
    ids=["internal-entity", "external-dtd", "billion-laughs"],
)
def test_a_doctype_in_any_part_is_refused_naming_the_part(xml: bytes) -> None:
    """No DTD, no entity, no network: a DOCTYPE is bad input."""
    error = _refusal(_rewrite(_docx_bytes(), replace={"word/styles.xml": xml}))
    assert (error.key, error.values["part"]) == ("doctype", "word/styles.xml")
    assert "DOCTYPE" in error.text()


def test_an_undefined_entity_is_bad_xml_not_a_crash() -> None:
    """An entity reference with no declaration is refused as XML that is not well-formed."""
    error = _refusal(_rewrite(_docx_bytes(), replace={"word/document.xml": b"<w>&undefined;</w>"}))
    assert (error.key, error.values["part"]) == ("bad_xml", "word/document.xml")


def test_a_macro_enabled_document_is_refused() -> None:
    """A .docm (macro-enabled main part) is refused, saying what to save it as."""
    data = _docx_bytes()
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml")
    docm = types.replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    error = _refusal(_rewrite(data, replace={"[Content_Types].xml": docm}))
    assert error.key == "macro_enabled"
    assert "另存为不含宏的 .docx 文件" in error.text()


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b"", "empty"),
        (b"not a zip at all", "not_zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "encrypted"),
    ],
    ids=["empty", "not-zip", "legacy-or-encrypted"],
)
def test_files_that_are_not_office_packages(data: bytes, key: str) -> None:
    """Empty, non-zip and OLE (legacy or encrypted) files are refused with their own message."""
    assert _refusal(data).key == key


def test_a_truncated_file_is_refused() -> None:
    """A file cut short (a broken download) is refused, never a crash."""
    data = _docx_bytes()
    assert _refusal(data[: len(data) // 2]).key in {"not_zip", "broken_part"}


def test_a_workbook_linking_to_outside_data_is_refused() -> None:
    """An external-link part in a workbook is refused."""
    data = _xlsx_bytes()
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml")
    linked = types.replace(
        b"</Types>",
        b'<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/></Types>',
    )
    link = b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    error = _refusal(
        _rewrite(
            data, replace={"[Content_Types].xml": linked}, add={"xl/externalLinks/externalLink1.xml": link}
        ),
        "xlsx",
    )
    assert (error.key, error.values["part"]) == ("external_link", "xl/externalLinks/externalLink1.xml")


def test_too_many_parts_are_refused() -> None:
    """The number of parts is capped."""
    data = _rewrite(_docx_bytes(), add={f"word/media/p{i}.bin": b"x" for i in range(20)})
    assert _refusal(data, limits=Limits(20 * MiB, MiB, MiB, parts=10)).key == "too_many_parts"


def test_every_refusal_reads_in_english_on_request() -> None:
    """The same error words itself in English."""
    error = _refusal(b"")
    assert (error.text("zh"), error.text("en")) == ("文件为空", "the file is empty")


def test_sizes_read_as_people_write_them() -> None:
    """Kilobytes below one megabyte, one decimal above."""
    assert (human_size(300), human_size(512 * 1024), human_size(20 * MiB)) == ("1 KB", "512 KB", "20.0 MB")


def test_the_message_catalogue_refuses_blanks_that_differ(tmp_path: Path) -> None:
    """Both languages of a message must name the same blanks."""
    path = tmp_path / "messages.yaml"
    path.write_text("x.y:\n  zh: 文件{size}\n  en: the file {length}\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"x\.y: zh names \['size'\] but en names \['length'\]"):
        _load(path)
