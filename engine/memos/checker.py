"""The Jinja of one template part, checked against a field contract in the sandbox.

A part may only fill blanks: the fields of its contract, the filters of
:data:`engine.memos.filters.FILTERS`, ``{% for %}`` over list fields and ``{% if %}`` (which may compare a
coded field only with codes of its lists: ``verdict == 'pass'``, never ``'pas'``). Anything else is refused
with a message naming the place: ``_``/dunder attributes (the classic sandbox escapes
``{{ ''.__class__.__mro__ }}`` and ``{{ cycler.__init__.__globals__ }}``), unknown names or attributes,
unknown filters, calls, arithmetic, ``{% set %}``, macros, includes, imports and ``{% autoescape %}``.
Loops nest at most :data:`MAX_LOOP_DEPTH` deep: each level multiplies the rows a render writes (seven
nested loops over a table of ten findings are ten million rows).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jinja2 import TemplateSyntaxError, nodes

from engine.memos.errors import Problem
from engine.memos.fields import LOOP_FIELDS, Field
from engine.memos.filters import FILTERS
from engine.memos.sandbox import make_environment
from rules import load_rulebook
from rules.messages import Text

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["MAX_LOOP_DEPTH", "check_source"]

MAX_LOOP_DEPTH = 3
"""The deepest nesting of ``{% for %}`` a template may have (a loop inside a loop inside a loop)."""

_TAGS = re.compile(r"<[^>]+>")

# Expression and statement nodes a template may contain; every other node type is refused.
_ALLOWED = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Const,
    nodes.If,
    nodes.Compare,
    nodes.Operand,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.CondExpr,
    nodes.Concat,
    nodes.Test,
    nodes.List,
    nodes.Tuple,
    nodes.Keyword,
)


@dataclass(frozen=True)
class _Kind:
    """What an expression stands for: a blank, a row, a list of rows, ``loop``, or already refused."""

    what: str  # "scalar" | "row" | "list" | "loop" | "bad"
    row: Mapping[str, Field] | None = None
    codes: tuple[str, ...] = ()
    """A coded field's code lists (a comparison with any other constant is refused)."""
    path: str = ""
    """The list field a row or list comes from (``checks``), for the fields used."""


_SCALAR = _Kind("scalar")
_BAD = _Kind("bad")
_LOOP = _Kind("loop")
_EQUALITY = frozenset({"eq", "ne", "in", "notin"})


def _field_kind(spec: Field, path: str) -> _Kind:
    if spec.row is not None:
        return _Kind("list", spec.row, path=path)
    return _Kind("scalar", codes=spec.codes) if spec.codes else _SCALAR


def _constants(node: nodes.Node) -> list[object] | None:
    """The constants ``node`` stands for (``'pass'``, ``['pass', 'return']``), or None if not constant."""
    if isinstance(node, nodes.Const):
        return [node.value]
    if isinstance(node, (nodes.List, nodes.Tuple)) and all(isinstance(i, nodes.Const) for i in node.items):
        return [i.value for i in node.items]  # type: ignore[attr-defined]
    return None


class _Checker:
    """Walks one part's Jinja AST with a scope of loop variables."""

    def __init__(
        self, fields: Mapping[str, Field], where: str, lines: list[str], *, body: bool, used: set[str]
    ) -> None:
        self.fields = fields
        self.where = where
        self.lines = lines
        self.body = body
        self.used = used
        self.problems: list[Problem] = []
        self.vocabulary = load_rulebook().vocabulary
        self.depth = 0

    def footnote_outside_body(self, node: nodes.Node, name: object) -> bool:
        """Footnote marks (``note``, ``*_note``) only become footnotes in the document body."""
        if self.body or not isinstance(name, str) or not (name == "note" or name.endswith("_note")):
            return False
        self.refuse(node, f"footnote mark {name!r} can only be used in the document body")
        return True

    def refuse(self, node: nodes.Node, problem: str | Text) -> None:
        lineno = getattr(node, "lineno", None) or 1
        text = _TAGS.sub("", self.lines[lineno - 1]).strip() if lineno <= len(self.lines) else ""
        near = f" (near «{text[:60]}»)" if text else ""
        if isinstance(problem, Text):
            self.problems.append(Text("template.at", {"where": f"{self.where}{near}", "problem": problem}))
        else:
            self.problems.append(f"{self.where}{near}: {problem}")

    def compare(self, node: nodes.Compare, scope: Mapping[str, _Kind]) -> None:
        """A coded field compared with constants: each constant must be a code of the field's lists."""
        left = self.expr(node.expr, scope)
        for operand in node.ops:
            right = self.expr(operand.expr, scope)
            if operand.op not in _EQUALITY:
                continue
            for kind, other in ((left, operand.expr), (right, node.expr)):
                values = _constants(other)
                if not kind.codes or values is None:
                    continue
                codes = {c for name in kind.codes for c in self.vocabulary.codes(name)}
                for value in values:
                    if value not in codes:
                        self.refuse(
                            node,
                            f"{value!r} is not a code of {', '.join(kind.codes)}; the codes are: "
                            + ", ".join(sorted(codes)),
                        )

    def expr(self, node: nodes.Node, scope: Mapping[str, _Kind]) -> _Kind:  # noqa: C901, PLR0911, PLR0912
        if isinstance(node, nodes.Compare):
            self.compare(node, scope)
            return _SCALAR
        if isinstance(node, nodes.Name):
            if self.footnote_outside_body(node, node.name):
                return _BAD
            if node.name in scope:
                return scope[node.name]
            if node.name in self.fields:
                self.used.add(node.name)
                return _field_kind(self.fields[node.name], node.name)
            self.refuse(node, f"unknown field {node.name!r} (not in this template's contract)")
            return _BAD
        if isinstance(node, (nodes.Getattr, nodes.Getitem)):
            if isinstance(node, nodes.Getattr):
                attr: Any = node.attr
            elif isinstance(node.arg, nodes.Const):
                attr = node.arg.value
            else:
                self.refuse(node, "computed item access is not allowed")
                return _BAD
            if isinstance(attr, str) and attr.startswith("_"):
                self.refuse(node, f"access to the attribute {attr!r} is refused (no '_' attributes)")
                return _BAD
            if self.footnote_outside_body(node, attr):
                return _BAD
            base = self.expr(node.node, scope)
            if base.what == "bad":
                return _BAD
            if base.what == "row" and base.row is not None and attr in base.row:
                self.used.add(f"{base.path}[].{attr}")
                return _field_kind(base.row[attr], f"{base.path}[].{attr}")
            if base.what == "loop" and attr in LOOP_FIELDS:
                return _SCALAR
            if base.what == "list" and isinstance(attr, int):
                return _Kind("row", base.row, path=base.path)
            self.refuse(node, f"{attr!r} is not a field here (see docs_templates/README.md)")
            return _BAD
        if isinstance(node, nodes.Filter):
            if node.name not in FILTERS:
                self.refuse(node, f"unknown filter {node.name!r}; the filters are: {', '.join(FILTERS)}")
            for child in node.iter_child_nodes():
                self.expr(child, scope)
            return _SCALAR
        if isinstance(node, nodes.Call):
            self.refuse(node, "calls are not allowed in a memo template")
            return _BAD
        if isinstance(node, _ALLOWED):
            for child in node.iter_child_nodes():
                self.expr(child, scope)
            return _SCALAR
        self.refuse(node, f"{type(node).__name__} is not allowed in a memo template")
        return _BAD

    def loop(self, node: nodes.For, scope: Mapping[str, _Kind]) -> None:
        if not isinstance(node.target, nodes.Name):
            self.refuse(node, "a loop must bind one name: {% for r in rows %}")
            return
        items = self.expr(node.iter, scope)
        if items.what not in {"list", "bad"}:
            self.refuse(node, "{% for %} must loop over a list field")
        inner = {**scope, node.target.name: _Kind("row", items.row, path=items.path), "loop": _LOOP}
        if node.recursive:
            self.refuse(node, "recursive loops are not allowed")
        if node.test is not None:
            self.expr(node.test, inner)
        self.depth += 1
        if self.depth == MAX_LOOP_DEPTH + 1:  # said once, at the loop that goes one level too deep
            self.refuse(node, Text("template.loops_too_deep", {"limit": MAX_LOOP_DEPTH}))
        for child in node.body:
            self.stmt(child, inner)
        self.depth -= 1
        for child in node.else_:
            self.stmt(child, scope)

    def stmt(self, node: nodes.Node, scope: Mapping[str, _Kind]) -> None:
        if isinstance(node, nodes.For):
            self.loop(node, scope)
            return
        if isinstance(node, nodes.If):
            self.expr(node.test, scope)
            for child in (*node.body, *node.elif_, *node.else_):
                self.stmt(child, scope)
            return
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                self.expr(child, scope)
            return
        self.refuse(node, f"{{% {type(node).__name__.lower()} %}} is not allowed in a memo template")


def check_source(
    source: str, fields: Mapping[str, Field], where: str, *, body: bool = True, used: set[str] | None = None
) -> list[Problem]:
    """Problems of one part's Jinja source (already cleaned up by docxtpl), in the sandbox.

    ``body`` is false for headers, footers, footnotes and core properties, where footnote marks are refused.
    The fields the part uses (``verdict``, ``checks[].note``) are added to ``used`` when it is given.
    """
    source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
    lines = source.split("\n")
    try:
        tree = make_environment().parse(source)
    except TemplateSyntaxError as exc:
        text = _TAGS.sub("", lines[exc.lineno - 1]).strip() if 0 < exc.lineno <= len(lines) else ""
        return [f"{where} (near «{text[:60]}»): Jinja syntax error: {exc.message}"]
    checker = _Checker(fields, where, lines, body=body, used=used if used is not None else set())
    for node in tree.body:
        checker.stmt(node, {})
    return checker.problems
