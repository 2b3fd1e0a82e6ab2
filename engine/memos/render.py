"""Render a memo: its context into its template in the sandbox, footnotes, deterministic bytes.

* Sandbox: :mod:`engine.memos.sandbox`; every template is linted (:func:`engine.memos.lint.check_template`)
  when first loaded, so a template that uses anything outside its contract never renders. A template
  read from a file is rendered by :func:`render_context`, one given as bytes (an upload kept in the
  database) by :func:`render_template`; the server runs the latter in a child process under a budget
  of CPU time and memory (:mod:`engine.memos.isolation`).
* Speed: template bytes are kept in memory keyed by (path, mtime, size), or by their SHA-256 when given
  as bytes; the sandbox caches docxtpl's tag clean-up and the Jinja compilation of each part by their
  source text.
* Determinism: :mod:`engine.memos.package` (fixed core properties and zip entries), so the same inputs
  give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import TemplateError

from engine.memos import lint, sandbox
from engine.memos.context import MemoContext, OfficeInfo, build_context
from engine.memos.errors import MemoTemplateError
from engine.memos.footnotes import add_footnotes
from engine.memos.package import normalise_docx, package_bytes, set_core_properties
from engine.memos.sandbox import ENV, make_environment
from engine.office_file import Limits, OfficeFileError, check_package
from rules import load_rulebook
from rules.messages import Text

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping

__all__ = [
    "DEFAULT_TEMPLATE_DIR",
    "MemoTemplateError",
    "clear_caches",
    "make_environment",
    "normalise_docx",
    "render_context",
    "render_memo",
    "render_template",
]

DEFAULT_TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "docs_templates"
"""The templates shipped with kaoping (``docs_templates/`` at the repository root)."""


RENDER_LIMITS = Limits(
    file_bytes=64 * 1024 * 1024, part_bytes=64 * 1024 * 1024, total_bytes=256 * 1024 * 1024
)
"""The guard's caps on template bytes at render time: wide (an upload met the server's own, narrower ones;
the render's budget bounds the rest); what the guard refuses here is a DTD, an entity or a macro."""


@dataclass(frozen=True)
class _Loaded:
    data: bytes


_FILES = sandbox.LRU(32)


def _load(path: Path, stem: str) -> bytes:
    """The template's bytes, read once per (path, mtime, size) and linted on first load."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise MemoTemplateError(path, ["template file not found"]) from None
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)

    def read() -> _Loaded:
        data = path.read_bytes()
        problems = lint.check_template(path, stem=stem, data=data)
        if problems:
            raise MemoTemplateError(path, problems)
        return _Loaded(data)

    loaded: _Loaded = _FILES.get(key, read)
    return loaded.data


def _checked(data: bytes, stem: str, name: str) -> bytes:
    """Template bytes given as they are, checked once per content (keyed by SHA-256 and stem).

    First the Office-file guard (no DTD or entities, no macros, well-formed parts), then lint.
    """

    def check() -> _Loaded:
        try:
            check_package(data, kind="docx", limits=RENDER_LIMITS)
        except OfficeFileError as exc:
            raise MemoTemplateError(name, [Text(exc.message_id, exc.values)]) from None
        problems = lint.check_template(name, stem=stem, data=data)
        if problems:
            raise MemoTemplateError(name, problems)
        return _Loaded(data)

    loaded: _Loaded = _FILES.get(("sha256", hashlib.sha256(data).digest(), stem), check)
    return loaded.data


def clear_caches() -> None:
    """Forget every cached template (tests; an edited file is picked up by its new mtime anyway)."""
    _FILES.clear()
    sandbox.clear_caches()


def render_context(context: MemoContext, path: Path, office: OfficeInfo, date: dt.date) -> bytes:
    """Render a built :class:`MemoContext` with the template at ``path`` (see :func:`render_memo`)."""
    return _render(context, _load(path, context.template), path.name, office, date)


def render_template(context: MemoContext, data: bytes | None, office: OfficeInfo, date: dt.date) -> bytes:
    """Render a built :class:`MemoContext` with template bytes (``None``: the shipped template).

    The bytes are linted against the context's template contract first (once per content).

    Raises:
        MemoTemplateError: the template is refused by lint, or fails to render.
    """
    if data is None:
        return render_context(context, DEFAULT_TEMPLATE_DIR / f"{context.template}.docx", office, date)
    name = f"{context.template}.docx"
    return _render(context, _checked(data, context.template, name), name, office, date)


def _render(context: MemoContext, data: bytes, name: str, office: OfficeInfo, date: dt.date) -> bytes:
    template = sandbox.DocxTemplate(io.BytesIO(data))
    try:
        template.render(context.values, ENV, autoescape=False)  # the environment already autoescapes
    except TemplateError as exc:
        raise MemoTemplateError(name, [f"{type(exc).__name__}: {exc.message or exc}"]) from exc
    document = template.docx
    add_footnotes(document, context.footnotes)
    title = load_rulebook().vocabulary.label("memo_kind", context.kind)
    set_core_properties(document, office.name, date, title)
    return package_bytes(document)


def render_memo(  # noqa: PLR0913 - the case, its decision, the kind, what the office puts on it, the templates
    case: Mapping[str, Any],
    decision: Mapping[str, Any],
    kind: str,
    *,
    office: OfficeInfo,
    document_number: int | None,
    document_date: dt.date,
    template_dir: Path | None = None,
) -> bytes:
    """Render one memo of ``kind`` for a case and its decision as .docx bytes.

    Args:
        case: the case (contract shape, as given to ``engine.evaluate``).
        decision: its decision (contract shape, with the ``trace``).
        kind: ``eligibility``, ``review-plan``, ``review-draft``, ``fee`` or ``referral``.
        office: the issuing office (configuration).
        document_number: the number of 七财评〔2024〕7号, or ``None`` to leave it blank to fill by hand.
        document_date: the date on the memo (and in its core properties).
        template_dir: where ``<template>.docx`` lives (default :data:`DEFAULT_TEMPLATE_DIR`).

    Returns:
        The .docx bytes; the same inputs always give the same bytes.

    Raises:
        UnknownMemoKindError: ``kind`` is not a memo kind (a ``ValueError``).
        MemoNotApplicableError: the case cannot support this memo yet.
        MemoTemplateError: the template is refused by lint, or fails to render.
    """
    context = build_context(
        case, decision, kind, office=office, document_number=document_number, document_date=document_date
    )
    path = (template_dir or DEFAULT_TEMPLATE_DIR) / f"{context.template}.docx"
    return render_context(context, path, office, document_date)
