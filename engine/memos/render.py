"""Render a memo: docxtpl in a sandboxed Jinja2 environment, footnotes, deterministic bytes (issue 3).

* Sandbox: :class:`jinja2.sandbox.ImmutableSandboxedEnvironment` with :class:`~jinja2.StrictUndefined`
  (an undefined field is an error naming it), no globals, only the filters of
  :mod:`engine.memos.filters`, and autoescaping on: docxtpl renders into WordprocessingML, so case text
  such as ``<b>&`` is escaped into the XML and prints literally; ``{{ 7*7 }}`` in a case is data, never
  template code. Every template is linted (:func:`engine.memos.lint.check_template`) when first loaded.
* Speed: template bytes are kept in memory keyed by (path, mtime, size); docxtpl's tag clean-up
  (``patch_xml``) and the Jinja compilation of each part are cached by their source text.
* Determinism: core properties are fixed (created = modified = the document date at 00:00:00,
  author / last-modified-by = the office, revision 1) and the zip is rewritten with fixed entry times,
  order, compression and attributes, so the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.spec import default_content_types
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, Template, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree  # type: ignore[import-untyped]

from engine.memos.context import MemoContext, MemoError, OfficeInfo, build_context
from engine.memos.filters import FILTERS
from engine.memos.footnotes import add_footnotes

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = [
    "DEFAULT_TEMPLATE_DIR",
    "MemoTemplateError",
    "make_environment",
    "normalise_docx",
    "render_memo",
]

DEFAULT_TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "docs_templates"
"""The templates shipped with kaoping (``docs_templates/`` at the repository root)."""

ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
"""The timestamp of every zip entry of a memo (the earliest a zip can hold)."""

MEMO_TITLES: dict[str, str] = {
    "eligibility": "第三方评价机构资格审查意见书",
    "review-plan": "专家组评审意见（评价方案）",
    "review-draft": "专家组评审意见（评价报告初稿）",
    "fee": "第三方评价机构工作质量考评结果及服务费核定单",
    "referral": "移送函",
}
"""Title written into each memo's core properties."""

_CACHE_SIZE = 256


class MemoTemplateError(MemoError):
    """A template cannot be used: lint problems, an undefined field, a sandbox refusal, broken XML."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = str(path)
        self.problems = problems
        super().__init__(f"template {path}: " + "; ".join(problems))


def make_environment() -> ImmutableSandboxedEnvironment:
    """The sandboxed Jinja2 environment memos render in (and templates are linted against)."""
    env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=True)
    env.globals.clear()
    env.filters.clear()
    env.filters.update(FILTERS)
    return env


_ENV = make_environment()


class _LRU:
    """A small thread-safe LRU cache of compiled or patched sources, keyed by source text."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._data: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any, make: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        value = make()
        with self._lock:
            self._data[key] = value
            while len(self._data) > self._size:
                self._data.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


_PATCHED = _LRU(_CACHE_SIZE)
_COMPILED = _LRU(_CACHE_SIZE)


@dataclass(frozen=True)
class _Loaded:
    data: bytes


_FILES = _LRU(32)


class _CachedTemplate(DocxTemplate):  # type: ignore[misc]
    """docxtpl's DocxTemplate with the tag clean-up and the Jinja compilation of each part cached."""

    def patch_xml(self, src_xml: str) -> str:
        patch: Callable[[str], str] = super().patch_xml
        result: str = _PATCHED.get(src_xml, lambda: patch(src_xml))
        return result

    def render_xml_part(self, src_xml: str, part: Any, context: dict[str, Any], jinja_env: Any = None) -> str:
        template = _compiled(src_xml.replace("<w:p>", "\n<w:p>").replace("<w:p ", "\n<w:p "), jinja_env)
        self.current_rendering_part = part
        dst_xml = template.render(context)
        dst_xml = dst_xml.replace("\n<w:p>", "<w:p>").replace("\n<w:p ", "<w:p ")
        dst_xml = dst_xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        if not any(ch in dst_xml for ch in "\t\a\n\f"):
            return dst_xml  # resolve_listing only rewrites these characters inside w:t
        result: str = self.resolve_listing(dst_xml)
        return result

    def render_properties(self, context: dict[str, Any], jinja_env: Any = None) -> None:
        props = self.docx.core_properties
        for name in ("author", "comments", "identifier", "language", "subject", "title"):
            value = getattr(props, name)
            if value and ("{" in value):
                setattr(props, name, _compiled(value, jinja_env).render(context))

    def fix_tables(self, xml: str) -> Any:
        """Parse the rendered body strictly (docxtpl's parser silently "recovers" broken XML).

        docxtpl's own fix-up (grid columns after ``{%tc`` loops) runs only when a table needs it.
        """
        try:
            tree = etree.fromstring(xml.encode("utf-8"))
        except etree.XMLSyntaxError as exc:
            raise MemoTemplateError(
                "(rendered body)", [f"the rendered document is not well-formed XML: {exc}"]
            ) from exc
        if all(_grid_matches(table) for table in tree.iter(_W_TBL)):
            return tree
        return super().fix_tables(xml)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_TBL = f"{_W}tbl"


def _grid_matches(table: Any) -> bool:
    """True when every row of ``table`` spans exactly its grid columns (nothing for docxtpl to fix)."""
    grid = table.find(f"{_W}tblGrid")
    if grid is None:
        return False
    columns = len(grid.findall(f"{_W}gridCol"))
    for row in table.iter(f"{_W}tr"):
        width = 0
        for cell in row.findall(f"{_W}tc"):
            span = cell.find(f"{_W}tcPr/{_W}gridSpan")
            width += int(span.get(f"{_W}val")) if span is not None else 1
        if width != columns:
            return False
    return True


def _compiled(source: str, env: Any) -> Template:
    environment = env if env is not None else _ENV
    template: Template = _COMPILED.get((id(environment), source), lambda: environment.from_string(source))
    return template


def _load(path: Path, stem: str) -> bytes:
    """The template's bytes, read once per (path, mtime, size) and linted on first load."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise MemoTemplateError(path, ["template file not found"]) from None
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)

    def read() -> _Loaded:
        from engine.memos.lint import check_template  # noqa: PLC0415 - lint imports this module

        data = path.read_bytes()
        problems = check_template(path, stem=stem, data=data)
        if problems:
            raise MemoTemplateError(path, problems)
        return _Loaded(data)

    loaded: _Loaded = _FILES.get(key, read)
    return loaded.data


def clear_caches() -> None:
    """Forget every cached template (tests; an edited file is picked up by its new mtime anyway)."""
    for cache in (_PATCHED, _COMPILED, _FILES):
        cache.clear()


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


def _core_properties(document: Any, office: OfficeInfo, date: dt.date, title: str) -> None:
    props = document.core_properties
    midnight = dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)
    props.author = office.name
    props.last_modified_by = office.name
    props.created = midnight
    props.modified = midnight
    props.revision = 1
    props.title = title


def render_context(context: MemoContext, path: Path, office: OfficeInfo, date: dt.date) -> bytes:
    """Render a built :class:`MemoContext` with the template at ``path`` (see :func:`render_memo`)."""
    data = _load(path, context.template)
    template = _CachedTemplate(io.BytesIO(data))
    try:
        template.render(context.values, _ENV, autoescape=False)  # the environment already autoescapes
    except TemplateError as exc:
        raise MemoTemplateError(path, [f"{type(exc).__name__}: {exc.message or exc}"]) from exc
    document = template.docx
    add_footnotes(document, context.footnotes)
    _core_properties(document, office, date, MEMO_TITLES[context.kind])
    return package_bytes(document)


def render_memo(  # noqa: PLR0913 - the public API of issue 3
    case: Mapping[str, Any],
    decision: Mapping[str, Any],
    kind: str,
    *,
    office: OfficeInfo,
    document_number: int | None,
    document_date: dt.date,
    template_dir: Path | None = None,
) -> bytes:
    """Render one memo of ``kind`` for a case and its decision as .docx bytes (issue 3).

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
