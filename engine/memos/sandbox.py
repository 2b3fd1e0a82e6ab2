"""The sandbox memos render in, and the docxtpl template that renders in it (shared by render and lint).

* :func:`make_environment`: :class:`jinja2.sandbox.ImmutableSandboxedEnvironment` with
  :class:`~jinja2.StrictUndefined` (an undefined field is an error naming it), no globals, only the
  filters of :mod:`engine.memos.filters`, and autoescaping on: docxtpl renders into WordprocessingML, so
  case text such as ``<b>&`` is escaped into the XML and prints literally; ``{{ 7*7 }}`` in a case is
  data, never template code.
* :class:`DocxTemplate`: docxtpl's template with its tag clean-up (``patch_xml``) and the Jinja
  compilation of each part cached by their source text, and the rendered body parsed strictly.
  docxtpl's way of writing literal braces in a template (``{_{`` prints ``{{``, likewise ``}_}``,
  ``{_%`` and ``%_}``) is kept, but applied to the template's own text before rendering, not to the
  rendered part: a case's ``{_{x}_}`` prints as written.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import docxtpl
from jinja2 import StrictUndefined, Template
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree  # type: ignore[import-untyped]

from engine.memos.errors import MemoTemplateError
from engine.memos.filters import FILTERS

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["LRU", "DocxTemplate", "clear_caches", "make_environment"]

_CACHE_SIZE = 256
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_TBL = f"{_W}tbl"
_LITERAL_BRACES = re.compile(r"\{_\{|\}_\}|\{_%|%_\}")
_AS_OUTPUT = {"{_{": '{{ "{{" }}', "}_}": '{{ "}}" }}', "{_%": '{{ "{%" }}', "%_}": '{{ "%}" }}'}
"""docxtpl's literal-brace spellings, each as the Jinja output of the braces it stands for."""


def literal_braces(source: str) -> str:
    """A template part with each of ``{_{ }_} {_% %_}`` turned into an output of ``{{ }} {% %}``."""
    return _LITERAL_BRACES.sub(lambda found: _AS_OUTPUT[found.group()], source)


def make_environment() -> ImmutableSandboxedEnvironment:
    """The sandboxed Jinja2 environment memos render in (and templates are linted against)."""
    env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=True)
    env.globals.clear()
    env.filters.clear()
    env.filters.update(FILTERS)
    return env


ENV = make_environment()
"""The environment every memo renders in."""


class LRU:
    """A small thread-safe LRU cache of compiled or patched sources, keyed by source text."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._data: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any, make: Callable[[], Any]) -> Any:
        """The cached value of ``key``, made (outside the lock) when missing."""
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
        """Forget everything."""
        with self._lock:
            self._data.clear()


_PATCHED = LRU(_CACHE_SIZE)
_COMPILED = LRU(_CACHE_SIZE)


def clear_caches() -> None:
    """Forget every patched and compiled source."""
    _PATCHED.clear()
    _COMPILED.clear()


def _compiled(source: str, env: Any) -> Template:
    environment = env if env is not None else ENV
    template: Template = _COMPILED.get((id(environment), source), lambda: environment.from_string(source))
    return template


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


class DocxTemplate(docxtpl.DocxTemplate):  # type: ignore[misc]
    """docxtpl's DocxTemplate with the tag clean-up and the Jinja compilation of each part cached."""

    def patch_xml(self, src_xml: str) -> str:
        """Docxtpl's clean-up of the tags Word splits across runs, cached by the part's text."""
        patch: Callable[[str], str] = super().patch_xml
        result: str = _PATCHED.get(src_xml, lambda: patch(src_xml))
        return result

    def render_xml_part(self, src_xml: str, part: Any, context: dict[str, Any], jinja_env: Any = None) -> str:
        """Docxtpl's rendering of one part, with the compiled template cached."""
        source = literal_braces(src_xml).replace("<w:p>", "\n<w:p>").replace("<w:p ", "\n<w:p ")
        template = _compiled(source, jinja_env)
        self.current_rendering_part = part
        dst_xml = template.render(context)
        dst_xml = dst_xml.replace("\n<w:p>", "<w:p>").replace("\n<w:p ", "<w:p ")
        if not any(ch in dst_xml for ch in "\t\a\n\f"):
            return dst_xml  # resolve_listing only rewrites these characters inside w:t
        result: str = self.resolve_listing(dst_xml)
        return result

    def render_properties(self, context: dict[str, Any], jinja_env: Any = None) -> None:
        """Render the core properties that hold template code."""
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
