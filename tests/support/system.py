"""System programs the tests need (LibreOffice, PostgreSQL): find them, or skip / fail.

A test that needs a program outside Python calls :func:`need` (or is decorated with
:func:`require_program`).  When the program is absent the test is *skipped* with a reason that says
how to install it -- unless ``KAOPING_REQUIRE_SYSTEM_DEPS=1`` is set (CI sets it in ``.ci/run``),
in which case the test *fails*, so a CI machine without the programs cannot go green by skipping.

``scripts/install-system-deps.sh`` installs every program named here on Debian 12.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, ParamSpec, TypeVar

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

REQUIRE_ENV = "KAOPING_REQUIRE_SYSTEM_DEPS"
INSTALL_HINT = "install with: sudo bash scripts/install-system-deps.sh"

# Debian's LibreOffice lives here even when /usr/bin/soffice is missing from PATH.
DEBIAN_SOFFICE = Path("/usr/lib/libreoffice/program/soffice")

# Generous: the first start of LibreOffice on a cold CI machine builds its profile and font cache.
DEFAULT_CONVERT_TIMEOUT = 180.0

_P = ParamSpec("_P")
_R = TypeVar("_R")


def system_deps_required() -> bool:
    """True when ``KAOPING_REQUIRE_SYSTEM_DEPS`` asks for missing programs to fail tests, not skip them."""
    return os.environ.get(REQUIRE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def missing_dependency(message: str) -> NoReturn:
    """Skip the current test with ``message`` -- or fail it under ``KAOPING_REQUIRE_SYSTEM_DEPS=1``."""
    if system_deps_required():
        pytest.fail(
            f"{message} ({REQUIRE_ENV}=1 turns this skip into a failure; {INSTALL_HINT})", pytrace=False
        )
    pytest.skip(f"{message} ({INSTALL_HINT})")


def need(program: str, why: str) -> str:
    """Return the full path of ``program`` on PATH, or skip/fail the current test.

    Call it inside a test or a fixture::

        def test_render(tmp_path):
            wrk = need("wrk", "load test of the HTTP API")
    """
    path = shutil.which(program)
    if path is None:
        missing_dependency(f"'{program}' is not on PATH; needed for {why}")
    return path


def require_program(name: str, reason: str) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Decorate a test so it skips (or fails, under ``KAOPING_REQUIRE_SYSTEM_DEPS=1``) without ``name``.

    The check runs when the test runs, not at collection, so a missing program is reported per test::

        @require_program("wrk", "HTTP load test")
        def test_load(): ...
    """

    def decorate(test: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(test)  # keeps the signature, so pytest still injects fixtures
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            need(name, reason)
            return test(*args, **kwargs)

        return wrapper

    return decorate


def soffice_path() -> str | None:
    """Where LibreOffice's ``soffice`` is: on PATH (``soffice``, ``libreoffice``), else Debian's location."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found is not None:
            return found
    if DEBIAN_SOFFICE.is_file() and os.access(DEBIAN_SOFFICE, os.X_OK):
        return str(DEBIAN_SOFFICE)
    return None


def need_soffice(why: str = "converting .docx memos to PDF") -> str:
    """Return the path of ``soffice``, or skip/fail the current test."""
    path = soffice_path()
    if path is None:
        missing_dependency(
            f"LibreOffice (soffice) not found on PATH or at {DEBIAN_SOFFICE}; needed for {why}"
        )
    return path


class ConversionError(RuntimeError):
    """LibreOffice did not produce the PDF."""


MEMO_FONTS = {
    "仿宋_GB2312": "Noto Serif CJK SC",
    "仿宋": "Noto Serif CJK SC",
    "方正小标宋简体": "Noto Serif CJK SC",
    "方正小标宋": "Noto Serif CJK SC",
    "楷体_GB2312": "Noto Serif CJK SC",
    "楷体": "Noto Serif CJK SC",
    "宋体": "Noto Serif CJK SC",
    "黑体": "Noto Sans CJK SC",
}
"""The memo fonts (GB/T 9704's) that a Linux machine lacks, as the Noto CJK fonts Debian has: the PDFs then
lay out with CJK glyphs of the right width, whatever fonts the machine has."""


def memo_fontconfig(folder: Path) -> Path:
    """A fontconfig file in ``folder``: the system's configuration, plus an alias for each memo font."""
    aliases = "".join(
        f'<alias binding="same"><family>{name}</family><prefer><family>{target}</family></prefer></alias>'
        for name, target in MEMO_FONTS.items()
    )
    path = folder / "fonts.conf"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"{aliases}</fontconfig>",
        encoding="utf-8",
    )
    return path


def docx_to_pdf(
    path: str | os.PathLike[str], outdir: str | os.PathLike[str], *, timeout: float = DEFAULT_CONVERT_TIMEOUT
) -> Path:
    """Convert one .docx to PDF with headless LibreOffice; return the PDF's path (``outdir/<stem>.pdf``).

    Each call uses its own throwaway LibreOffice profile (``-env:UserInstallation``), so conversions in
    parallel (threads, pytest-xdist workers, two CI jobs on one machine) never share a running instance.
    Skips/fails the test when LibreOffice is absent; raises :class:`ConversionError` when the conversion
    fails or takes longer than ``timeout`` seconds (the whole LibreOffice process group is killed).
    """
    return docxs_to_pdf([path], outdir, timeout=timeout)[0]


def docxs_to_pdf(
    paths: Iterable[str | os.PathLike[str]],
    outdir: str | os.PathLike[str],
    *,
    timeout: float = DEFAULT_CONVERT_TIMEOUT,
) -> list[Path]:
    """Like :func:`docx_to_pdf` for several documents in one LibreOffice start (about 1-2 s saved per file).

    The documents must have distinct file stems; the PDFs are returned in the order of ``paths``.
    """
    soffice = need_soffice()
    sources = [Path(path).resolve() for path in paths]
    target_dir = Path(outdir).resolve()
    targets = [target_dir / f"{source.stem}.pdf" for source in sources]
    if len(set(targets)) != len(targets):
        raise ConversionError(f"documents with the same file name would overwrite each other: {sources}")
    for source in sources:
        if not source.is_file():
            raise ConversionError(f"no such file: {source}")
    target_dir.mkdir(parents=True, exist_ok=True)
    for target in targets:
        target.unlink(missing_ok=True)  # a PDF left over from an earlier run must not pass for this one

    profile = Path(tempfile.mkdtemp(prefix="kaoping-lo-profile-"))
    env = {**os.environ, "FONTCONFIG_FILE": str(memo_fontconfig(profile))}
    command = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nologo",
        "--nolockcheck",
        "--convert-to",
        "pdf",
        "--outdir",
        str(target_dir),
        *map(str, sources),
    ]
    try:
        with subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # own process group: a timeout kills oosplash *and* soffice.bin
        ) as process:
            try:
                output, _ = process.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(process)
                process.communicate()
                raise ConversionError(f"soffice timed out after {timeout:g}s converting {sources}") from None
        text = output.decode("utf-8", "replace").strip()
        missing = [target for target in targets if not target.is_file() or target.stat().st_size == 0]
        if process.returncode != 0 or missing:
            raise ConversionError(
                f"soffice exited {process.returncode}; not produced: {[str(m) for m in missing]}:\n"
                f"{text or '(no output)'}"
            )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return targets


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
