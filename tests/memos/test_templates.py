"""The shipped templates: reproducible from scripts/build_templates.py, lint-clean; the context contract."""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path
from typing import Any

import pytest

from engine.memos import build_context
from engine.memos.fields import KIND_TEMPLATES, TEMPLATE_FIELDS
from engine.memos.render import DEFAULT_TEMPLATE_DIR
from tests.memos.conftest import DATE, OFFICE, case, load

ROOT = Path(__file__).resolve().parents[2]


def _build_script() -> Any:
    spec = importlib.util.spec_from_file_location("build_templates", ROOT / "scripts" / "build_templates.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_templates_are_what_the_script_builds(tmp_path: Path) -> None:
    """Rebuilding docs_templates/ gives the same bytes: the committed .docx and README are reproducible."""
    written = _build_script().build(tmp_path)
    assert sorted(p.name for p in written) == [
        "README.md",
        "eligibility.docx",
        "fee.docx",
        "referral.docx",
        "review.docx",
    ]
    for path in written:
        assert path.read_bytes() == (DEFAULT_TEMPLATE_DIR / path.name).read_bytes(), path.name


def test_templates_hold_no_office_name_or_number_prefix() -> None:
    """Office name, number prefix and bureau come from configuration, never from a template."""
    for stem in TEMPLATE_FIELDS:
        with zipfile.ZipFile(DEFAULT_TEMPLATE_DIR / f"{stem}.docx") as z:
            text = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        for word in ("七宝", "七财评", "闵行"):
            assert word not in text, (stem, word)


def test_readme_documents_every_field_and_filter() -> None:
    """docs_templates/README.md is the template contract: every field of every template is listed."""
    readme = (DEFAULT_TEMPLATE_DIR / "README.md").read_text(encoding="utf-8")
    for stem, fields in TEMPLATE_FIELDS.items():
        assert f"`{stem}.docx`" in readme
        for name, spec in fields.items():
            assert f"| `{name}` |" in readme
            for sub in spec.row or {}:
                assert f"| `{name}[].{sub}` |" in readme


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        (k, n)
        for k in KIND_TEMPLATES
        for n in ("worked_example", "failing")
        if (k, n) != ("referral", "worked_example")
    ],
)
def test_the_context_is_exactly_the_contract(kind: str, name: str) -> None:
    """Each context holds exactly its template's documented fields, rows included (docassemble ``fields``)."""
    context = build_context(
        case(name), load(f"{name}.decision.json"), kind, office=OFFICE, document_number=7, document_date=DATE
    )
    fields = TEMPLATE_FIELDS[context.template]
    assert set(context.values) == set(fields)
    for key, spec in fields.items():
        if spec.row is not None:
            assert isinstance(context.values[key], list)
            for row in context.values[key]:
                assert set(row) == set(spec.row), key
        else:
            assert not isinstance(context.values[key], (list, dict)), key
