"""Deciding a case that carries no file never loads the reader (nor python-docx or lxml)."""

from __future__ import annotations

import subprocess
import sys

from tests.deliverables.conftest import EXAMPLE_CASE, ROOT


def test_kaoping_evaluate_does_not_import_the_reader() -> None:
    """The CLI's parser names every command, the memo kinds among them; none of it loads the reader."""
    probe = (
        "import sys, io, contextlib\n"
        "from api.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main(['evaluate', {str(EXAMPLE_CASE)!r}])\n"
        "print(code, sorted(m for m in ('engine.deliverables', 'docx', 'lxml') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "0 []"
