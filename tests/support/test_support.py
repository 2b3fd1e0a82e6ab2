"""The test-support helpers themselves: skip/fail logic, throwaway PostgreSQL, LibreOffice conversion."""

from __future__ import annotations

import inspect
import os
import shutil
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import docx
import psycopg
import pypdf
import pytest
import sqlalchemy

from api.store import testing
from api.store.testing import _server
from tests.support import postgres, system
from tests.support.postgres import TemporaryPostgres, psycopg_conninfo, sqlalchemy_url, temporary_postgres
from tests.support.system import (
    REQUIRE_ENV,
    ConversionError,
    docx_to_pdf,
    docxs_to_pdf,
    need,
    require_program,
)

ABSENT = "kaoping-no-such-program-x7"
REPO_ROOT = Path(__file__).resolve().parents[2]


# ---- skip / fail logic ----


def test_need_returns_the_path_of_a_present_program() -> None:
    assert need("sh", "a shell") == shutil.which("sh")


def test_need_skips_when_the_program_is_absent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match=rf"'{ABSENT}' is not on PATH; needed for the tests"):
        need(ABSENT, "the tests")


@pytest.mark.parametrize("value", ["1", "true"])
def test_need_fails_when_system_deps_are_required(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(REQUIRE_ENV, value)
    with pytest.raises(pytest.fail.Exception, match=rf"'{ABSENT}' is not on PATH.*{REQUIRE_ENV}=1"):
        need(ABSENT, "the tests")


@pytest.mark.parametrize("value", ["", "0"])
def test_require_env_off_values_skip(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(REQUIRE_ENV, value)
    with pytest.raises(pytest.skip.Exception):
        need(ABSENT, "the tests")


def test_require_program_decorator_keeps_the_signature(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(REQUIRE_ENV, raising=False)

    @require_program("sh", "a shell")
    def present(tmp_path: Path, n: int) -> int:
        return n + 1

    @require_program(ABSENT, "nothing")
    def absent(tmp_path: Path) -> None:
        raise AssertionError("must not run")

    assert list(inspect.signature(present).parameters) == ["tmp_path", "n"]
    assert present(None, 1) == 2  # type: ignore[arg-type]
    with pytest.raises(pytest.skip.Exception, match=ABSENT):
        absent(None)  # type: ignore[arg-type]


def test_soffice_path_is_none_without_libreoffice(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(system, "DEBIAN_SOFFICE", tmp_path / "soffice")
    assert system.soffice_path() is None
    monkeypatch.setenv(REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="LibreOffice"):
        docx_to_pdf(tmp_path / "x.docx", tmp_path)


def test_postgres_skips_without_server_binaries(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(REQUIRE_ENV, raising=False)
    monkeypatch.delenv(postgres.URL_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(_server, "DEBIAN_PG_ROOT", tmp_path)
    with pytest.raises(pytest.skip.Exception, match="initdb, pg_ctl"), temporary_postgres():
        pass
    with pytest.raises(pytest.skip.Exception, match="initdb, pg_ctl"):
        TemporaryPostgres().start()


def test_the_product_helper_raises_without_server_binaries(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """api.store.testing knows nothing of pytest: the benchmarks get an error they can report."""
    monkeypatch.delenv(postgres.URL_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(_server, "DEBIAN_PG_ROOT", tmp_path)
    with (
        pytest.raises(testing.PostgresUnavailableError, match="initdb, pg_ctl"),
        testing.temporary_postgres(),
    ):
        pass


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@h:1/d", "postgresql+psycopg://u@h:1/d"),
        ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
    ],
)
def test_url_forms(given: str, expected: str) -> None:
    assert sqlalchemy_url(given) == expected
    assert psycopg_conninfo(expected) == expected.replace("+psycopg", "")


def test_external_url_is_used_as_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(postgres.URL_ENV, "postgresql://someone@db.example:5433/elsewhere")
    with temporary_postgres() as url:
        assert url == "postgresql+psycopg://someone@db.example:5433/elsewhere"


# ---- PostgreSQL ----


@pytest.mark.postgres
def test_temporary_postgres_runs_sql() -> None:
    with temporary_postgres() as url:
        assert url.startswith("postgresql+psycopg://")
        with psycopg.connect(psycopg_conninfo(url)) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
            conn.execute("CREATE TABLE kaoping_probe (id int PRIMARY KEY, name text NOT NULL)")
            conn.execute("INSERT INTO kaoping_probe VALUES (1, %s)", ("七宝镇财政所",))
            conn.commit()
        engine = sqlalchemy.create_engine(url)
        try:
            with engine.connect() as conn:
                name = conn.execute(
                    sqlalchemy.text("SELECT name FROM kaoping_probe WHERE id = 1")
                ).scalar_one()
                assert name == "七宝镇财政所"
                conn.execute(sqlalchemy.text("DROP TABLE kaoping_probe"))
                conn.commit()
        finally:
            engine.dispose()


@pytest.mark.postgres
def test_temporary_cluster_is_private_and_removed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(postgres.URL_ENV, raising=False)
    with TemporaryPostgres() as cluster:
        root, port = cluster.root, cluster.port
        assert root is not None
        assert port is not None
        assert cluster.url == f"postgresql+psycopg://kaoping@127.0.0.1:{port}/kaoping_test"
        if os.geteuid() == 0:  # PostgreSQL refuses root: the cluster belongs to an unprivileged account
            assert (root / "data").stat().st_uid != 0
        with psycopg.connect(psycopg_conninfo(cluster.url)) as conn:
            row = conn.execute("SELECT current_database(), current_setting('fsync')").fetchone()
            assert row == ("kaoping_test", "off")
    assert not root.exists()
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass
    cluster.stop()  # idempotent


@pytest.mark.postgres
def test_failed_start_cleans_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(postgres.URL_ENV, raising=False)
    seen: dict[str, object] = {}

    class Broken(TemporaryPostgres):
        def _create_database(self) -> None:  # the server is up at this point
            seen.update(root=self.root, port=self.port)
            raise RuntimeError("boom")

    cluster = Broken()
    with pytest.raises(RuntimeError, match="boom"):
        cluster.start()
    root, port = seen["root"], seen["port"]
    assert isinstance(root, Path)
    assert isinstance(port, int)
    assert cluster.root is None
    assert not root.exists()
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


@pytest.mark.postgres
def test_cluster_is_removed_when_its_owner_is_killed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A SIGKILLed test run (CI timeout, OOM) must not leave a server running: the watchdog stops it."""
    monkeypatch.delenv(postgres.URL_ENV, raising=False)
    if _server.find_pg_binaries() is None:
        system.missing_dependency("PostgreSQL server binaries (initdb, pg_ctl) not found")
    owner_code = (
        "import sys, time\n"
        "from tests.support.postgres import TemporaryPostgres\n"
        "cluster = TemporaryPostgres()\n"
        "cluster.start()\n"
        "print(cluster.root, cluster.port, flush=True)\n"
        "time.sleep(600)\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", owner_code],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    ) as owner:
        assert owner.stdout is not None
        line = owner.stdout.readline().split()
        owner.kill()
    assert len(line) == 2, line
    root, port = Path(line[0]), int(line[1])
    deadline = time.monotonic() + 60
    while root.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not root.exists()
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


# ---- LibreOffice ----


def _make_docx(path: Path, text: str) -> Path:
    document = docx.Document()
    document.add_heading("考评意见", level=1)
    document.add_paragraph(text)
    document.save(str(path))
    return path


@pytest.mark.libreoffice
def test_docx_to_pdf_converts_chinese_text(tmp_path: Path) -> None:
    source = _make_docx(tmp_path / "memo.docx", "七宝镇财政所 2024 年度绩效评价 kaoping")
    pdf = docx_to_pdf(source, tmp_path / "out")
    assert pdf == tmp_path / "out" / "memo.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)
    assert "七宝镇财政所" in text  # CJK fonts present (fonts-noto-cjk), text not drawn as boxes
    assert "kaoping" in text


@pytest.mark.libreoffice
def test_docx_to_pdf_in_parallel(tmp_path: Path) -> None:
    sources = [_make_docx(tmp_path / f"memo-{n}.docx", f"第 {n} 号") for n in range(2)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        pdfs = list(pool.map(lambda source: docx_to_pdf(source, tmp_path / "out"), sources))
    assert [pdf.name for pdf in pdfs] == ["memo-0.pdf", "memo-1.pdf"]
    for n, pdf in enumerate(pdfs):
        assert f"第 {n} 号" in pypdf.PdfReader(pdf).pages[0].extract_text()


@pytest.mark.libreoffice
def test_docxs_to_pdf_converts_a_batch_in_order(tmp_path: Path) -> None:
    sources = [_make_docx(tmp_path / f"{name}.docx", name) for name in ("b-second", "a-first")]
    pdfs = docxs_to_pdf(sources, tmp_path / "out")
    assert pdfs == [tmp_path / "out" / "b-second.pdf", tmp_path / "out" / "a-first.pdf"]
    for pdf in pdfs:
        assert pdf.stem in pypdf.PdfReader(pdf).pages[0].extract_text()
    (tmp_path / "other").mkdir()
    twin = _make_docx(tmp_path / "other" / "a-first.docx", "twin")
    with pytest.raises(ConversionError, match="same file name"):
        docxs_to_pdf([sources[1], twin], tmp_path / "out")


@pytest.mark.libreoffice
def test_docx_to_pdf_reports_failure(tmp_path: Path) -> None:
    bogus = tmp_path / "not-a-document.docx"
    bogus.write_bytes(b"\x00\x01 definitely not a zip")
    with pytest.raises(ConversionError):
        docx_to_pdf(bogus, tmp_path / "out")
    with pytest.raises(ConversionError, match="no such file"):
        docx_to_pdf(tmp_path / "missing.docx", tmp_path / "out")
