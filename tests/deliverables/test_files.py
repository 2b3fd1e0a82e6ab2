"""Hostile and foreign files are bad input with a clear message, never a crash or a hang."""

from __future__ import annotations

import io
import os
import signal
import stat
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from engine.deliverables import DeliverableError, read_deliverable
from engine.deliverables.convert import SOFFICE_ENV, convert_to_docx
from engine.deliverables.files import LIMITS
from engine.office_file import MiB, OfficeFileError
from tests.deliverables.conftest import CORPUS, expected
from tests.support.system import need_soffice

PLAN = CORPUS / "plan_example.docx"


def _rewrite(data: bytes, replace: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
    return out.getvalue()


def _refused(data: bytes, name: str = "方案.docx") -> OfficeFileError | DeliverableError:
    with pytest.raises((OfficeFileError, DeliverableError)) as caught:
        read_deliverable(data, name=name, node="plan")
    error = caught.value
    assert isinstance(error, (OfficeFileError, DeliverableError))
    assert error.text("zh")
    assert error.text("en")
    return error


def test_a_zip_bomb_is_refused_before_it_is_inflated() -> None:
    """A part that inflates past the limit is refused from its declared size, quickly."""
    bomb = _rewrite(PLAN.read_bytes(), {"word/document.xml": b" " * (LIMITS.part_bytes + 1)})
    started = time.perf_counter()
    error = _refused(bomb)
    assert isinstance(error, OfficeFileError)
    assert error.key == "part_too_large"
    assert time.perf_counter() - started < 2


def test_xml_entities_are_refused() -> None:
    """A DOCTYPE (the carrier of entity expansion and external entities) is refused, naming the part."""
    document = zipfile.ZipFile(PLAN).read("word/document.xml")
    head, _, rest = document.partition(b"?>")
    evil = head + b'?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>' + rest
    error = _refused(_rewrite(PLAN.read_bytes(), {"word/document.xml": evil}))
    assert isinstance(error, OfficeFileError)
    assert error.key == "doctype"
    assert "word/document.xml" in error.text("zh")


def test_a_file_over_20_mib_is_413() -> None:
    """Too large a file is refused before anything reads it, with status 413."""
    error = _refused(b"PK\x03\x04" + b"\0" * (20 * MiB))
    assert isinstance(error, OfficeFileError)
    assert (error.key, error.status) == ("too_large", 413)


def test_a_macro_enabled_docm_is_refused() -> None:
    """A .docm (macro-enabled main part) is refused for safety."""
    types = (
        zipfile.ZipFile(PLAN)
        .read("[Content_Types].xml")
        .replace(b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml")
    )
    error = _refused(_rewrite(PLAN.read_bytes(), {"[Content_Types].xml": types}), name="方案.docm")
    assert isinstance(error, OfficeFileError)
    assert error.key == "macro_enabled"


def test_a_broken_zip_is_refused() -> None:
    """A truncated file is no Office document."""
    error = _refused(PLAN.read_bytes()[:5000])
    assert isinstance(error, OfficeFileError)
    assert error.key in {"not_zip", "broken_part"}


@pytest.mark.parametrize(
    ("data", "name", "key"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", "评价方案.pdf", "pdf"),
        (b"%PDF-1.4\n", "评价方案.docx", "pdf"),
        (b"\xe8\xaf\x84\xe4\xbb\xb7\xe6\x96\xb9\xe6\xa1\x88", "评价方案.txt", "unsupported"),
    ],
)
def test_a_pdf_or_another_format_is_refused(data: bytes, name: str, key: str) -> None:
    """PDF and other formats: a clear message asking for the Word file."""
    error = _refused(data, name)
    assert isinstance(error, DeliverableError)
    assert (error.key, error.status) == (key, 422)
    assert "Word" in error.text("zh")


def test_a_workbook_is_not_a_word_file() -> None:
    """An .xlsx renamed .docx is refused as the wrong kind of file."""
    import openpyxl  # noqa: PLC0415

    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    error = _refused(out.getvalue())
    assert isinstance(error, OfficeFileError)
    assert error.key == "wrong_kind"


def test_a_doc_without_libreoffice_is_a_clear_chinese_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without LibreOffice a .doc cannot be converted: 503 and a message saying what to do."""
    monkeypatch.setenv(SOFFICE_ENV, "")
    error = _refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, name="评价方案.doc")
    assert isinstance(error, DeliverableError)
    assert (error.key, error.status) == ("no_libreoffice", 503)
    assert "LibreOffice" in error.text("zh")
    assert "另存为 .docx" in error.text("zh")


def test_a_conversion_past_its_time_limit_is_killed_with_its_children(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hanging converter is stopped at the limit, its whole process group killed."""
    pid_file = tmp_path / "child.pid"
    script = tmp_path / "soffice"
    script.write_text(f"#!/bin/sh\nsleep 60 &\necho $! > {pid_file}\nwait\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv(SOFFICE_ENV, str(script))
    started = time.perf_counter()
    with pytest.raises(DeliverableError) as caught:
        convert_to_docx(b"\xd0\xcf\x11\xe0", ".doc", timeout=1)
    assert caught.value.key == "convert_timeout"
    assert time.perf_counter() - started < 10
    child = int(pid_file.read_text(encoding="utf-8"))
    for _ in range(50):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail("the converter's child outlived the time limit")


def test_a_converter_that_makes_no_file_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A conversion that produces nothing (a damaged .doc) says so."""
    script = tmp_path / "soffice"
    script.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv(SOFFICE_ENV, str(script))
    error = _refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, name="评价方案.wps")
    assert isinstance(error, DeliverableError)
    assert error.key == "convert_failed"


@pytest.mark.libreoffice
def test_a_doc_is_read_through_libreoffice(tmp_path: Path) -> None:
    """A .doc saved by LibreOffice from the example plan reads into the same fields."""
    soffice = need_soffice("converting a .docx to .doc and back")
    profile = tmp_path / "profile"
    subprocess.run(  # noqa: PLW1510 - checked below through the file it writes
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(tmp_path),
            str(PLAN),
        ],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=180,
    )
    doc = tmp_path / "plan_example.doc"
    assert doc.is_file()
    reading = read_deliverable(doc.read_bytes(), name="评价方案.doc", node="plan")
    want = expected(PLAN)
    assert reading.fields == want["fields"]
    assert reading.file.name == "评价方案.doc"
    assert reading.file.bytes == len(doc.read_bytes())


def _with_body(xml: str) -> bytes:
    """The example plan with its body replaced by ``xml`` (WordprocessingML body children)."""
    document = zipfile.ZipFile(PLAN).read("word/document.xml").decode()
    start = document.index("<w:body>") + len("<w:body>")
    end = document.index("<w:sectPr")
    return _rewrite(
        PLAN.read_bytes(), {"word/document.xml": (document[:start] + xml + document[end:]).encode()}
    )


def test_hostile_content_is_read_quickly() -> None:
    """A cell spanning a billion columns, a paragraph of 200,000 leader dots: bounded work, no crash."""
    span = '<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="1000000000"/></w:tcPr><w:p><w:r><w:t>分值</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
    dots = f"<w:p><w:r><w:t>项目概况{'.' * 200_000}x</w:t></w:r></w:p>"
    level = f"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>一级指标</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>分值</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>{'(' * 50_000}1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>10</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    started = time.perf_counter()
    reading = read_deliverable(_with_body(span + dots + level), name="方案.docx", node="plan")
    assert time.perf_counter() - started < 5
    assert reading.fields["sections"] == []
    assert "indicators" in reading.unread


def test_the_file_name_is_shown_without_its_path_or_control_characters() -> None:
    """A name from an upload is its last part; bidi and control characters are dropped."""
    reading = read_deliverable(PLAN.read_bytes(), name="C:\\交付\\\u202e评价方案\x07.docx", node="plan")
    assert reading.file.name == "评价方案.docx"
