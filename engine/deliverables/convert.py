"""Legacy Word (.doc) and WPS (.wps) files converted to .docx by LibreOffice, carefully.

Each conversion runs headless LibreOffice with a private, throwaway profile (``-env:UserInstallation``)
in its own process group, so conversions in parallel never share an instance; one that outlives its time
limit is killed with its whole group. Without LibreOffice the conversion is refused with a clear error.
The .docx it produces is then guarded like any other file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from engine.deliverables.errors import DeliverableError

DEBIAN_SOFFICE = Path("/usr/lib/libreoffice/program/soffice")
"""Where Debian installs LibreOffice even when ``soffice`` is not on PATH."""
TIMEOUT_SECONDS = 120.0
"""Long enough for a first start that builds a fresh profile, short enough not to hang a request."""
SOFFICE_ENV = "KAOPING_SOFFICE"
"""An explicit path to ``soffice``; the empty string means LibreOffice is not to be used."""


def soffice_path() -> str | None:
    """LibreOffice's ``soffice``: ``$KAOPING_SOFFICE``, else on PATH, else Debian's location, else None."""
    explicit = os.environ.get(SOFFICE_ENV)
    if explicit is not None:
        return explicit or None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found is not None:
            return found
    if DEBIAN_SOFFICE.is_file() and os.access(DEBIAN_SOFFICE, os.X_OK):
        return str(DEBIAN_SOFFICE)
    return None


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def convert_to_docx(data: bytes, suffix: str, *, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """The .docx LibreOffice makes of a .doc or .wps file.

    Raises:
        DeliverableError: ``no_libreoffice`` (503) when LibreOffice is not installed, ``convert_timeout``
            when it takes longer than ``timeout`` seconds, ``convert_failed`` when it makes no file.
    """
    soffice = soffice_path()
    if soffice is None:
        raise DeliverableError("no_libreoffice", status=503, suffix=suffix)
    with tempfile.TemporaryDirectory(prefix="kaoping-convert-") as work:
        root = Path(work)
        source = root / f"deliverable{suffix}"
        source.write_bytes(data)
        outdir = root / "out"
        command = [
            soffice,
            f"-env:UserInstallation={(root / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            "--nodefault",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(outdir),
            str(source),
        ]
        try:
            process = subprocess.Popen(  # noqa: S603 - a fixed command line, the file name is ours
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: a timeout kills oosplash and soffice.bin
            )
        except OSError:
            raise DeliverableError("no_libreoffice", status=503, suffix=suffix) from None
        with process:
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_group(process)
                process.wait()
                raise DeliverableError("convert_timeout", suffix=suffix, seconds=f"{timeout:g}") from None
            finally:
                _kill_group(process)  # nothing of this conversion outlives it
        target = outdir / "deliverable.docx"
        if process.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
            raise DeliverableError("convert_failed", suffix=suffix)
        return target.read_bytes()
