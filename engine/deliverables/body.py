"""The document body in order: paragraphs (text, heading signs, table of contents) and table grids.

Only the body is read; headers, footers, text boxes, footnotes and comments are not. Paragraphs and
tables are numbered from 0 in body order, content controls (``w:sdt``) unwrapped. A paragraph's text is
its runs' text as written (tabs and line breaks kept, deleted text left out); the number Word draws for
automatic numbering is not part of it, and :attr:`Paragraph.numbered` says that there is one.

A table is its grid: every row as wide as the table, a cell merged across columns (``w:gridSpan``) or
down rows (``w:vMerge``) repeated at each grid position it covers, with the position it starts at.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from engine.deliverables.styles import Styles, run_bold
from engine.deliverables.xml import W, local

_WRAPPERS = frozenset({"hyperlink", "ins", "smartTag", "fldSimple", "customXml", "moveTo", "sdtContent"})
_TOC_GALLERY = "table of contents"
MAX_COLUMNS = 64
"""A table row is read up to this many grid columns (Word allows 63): a hostile span cannot blow up."""


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph: its index, text as written, and what says it may be a heading."""

    index: int
    text: str
    outline: int | None
    """The outline level of a heading style (0 for level 1), or None for body text."""
    bold: bool
    """Every run with text is bold."""
    numbered: bool
    """Word numbers the paragraph automatically (the number is not in :attr:`text`)."""
    toc: bool
    """The paragraph is part of a table of contents (a TOC field, a TOC style or content control)."""


@dataclass(frozen=True)
class Cell:
    """One grid position of a table: the text of the cell covering it and where that cell starts."""

    text: str
    origin: tuple[int, int]


@dataclass(frozen=True)
class Table:
    """A body table as a grid of :class:`Cell`, every row padded to the table's width."""

    index: int
    rows: tuple[tuple[Cell, ...], ...]
    width: int


Block = Paragraph | Table


def _children(element: Any) -> Iterator[Any]:
    """Children, with content controls and custom XML unwrapped."""
    for child in element:
        name = local(child)
        if name == "sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from _children(content)
        elif name == "customXml":
            yield from _children(child)
        else:
            yield child


def _runs(paragraph: Any) -> Iterator[Any]:
    """A paragraph's runs in order, through hyperlinks, insertions, simple fields and content controls."""
    for child in paragraph:
        name = local(child)
        if name == "r":
            yield child
        elif name in _WRAPPERS or name == "sdt":
            yield from _runs(child.find(f"{W}sdtContent") if name == "sdt" else child)


def _run_text(run: Any) -> str:
    parts = []
    for child in run:
        name = local(child)
        if name == "t":
            parts.append(child.text or "")
        elif name == "tab":
            parts.append("\t")
        elif name == "cr" or (name == "br" and child.get(f"{W}type", "textWrapping") == "textWrapping"):
            parts.append("\n")  # a page or column break is layout, not text
        elif name == "noBreakHyphen":
            parts.append("-")
    return "".join(parts)


def cell_paragraph_text(paragraph: Any) -> str:
    """The text of a paragraph as written."""
    return "".join(_run_text(run) for run in _runs(paragraph))


class _Walker:
    def __init__(self, styles: Styles) -> None:
        self.styles = styles
        self.fields: list[str] = []  # instructions of the fields open at this point of the body
        self.paragraphs = 0
        self.tables = 0

    def _in_toc_field(self) -> bool:
        return any(instr.strip().upper().startswith("TOC") for instr in self.fields)

    def _field_char(self, run: Any) -> bool:
        """Track field begin/instruction/end in a run; True when the run is inside a TOC field."""
        toc = self._in_toc_field()
        for child in run:
            name = local(child)
            if name == "fldChar":
                kind = child.get(f"{W}fldCharType")
                if kind == "begin":
                    self.fields.append("")
                elif kind == "end" and self.fields:
                    self.fields.pop()
            elif name == "instrText" and self.fields:
                self.fields[-1] += child.text or ""
                toc = toc or self._in_toc_field()
        return toc

    def paragraph(self, element: Any, *, toc: bool) -> Paragraph:
        ppr = element.find(f"{W}pPr")
        style_el = ppr.find(f"{W}pStyle") if ppr is not None else None
        style = self.styles.get(style_el.get(f"{W}val") if style_el is not None else None)
        toc = toc or style.toc
        texts: list[str] = []
        bold_runs = 0
        text_runs = 0
        for run in _runs(element):
            toc = self._field_char(run) or toc
            text = _run_text(run)
            texts.append(text)
            if text.strip():
                text_runs += 1
                bold_runs += self._run_is_bold(run, style.bold)
        for simple in element.iter(f"{W}fldSimple"):
            toc = toc or simple.get(f"{W}instr", "").strip().upper().startswith("TOC")
        outline = self.styles.paragraph_outline(ppr)
        numbered = self.styles.paragraph_numbered(ppr)
        index = self.paragraphs
        self.paragraphs += 1
        return Paragraph(
            index=index,
            text="".join(texts),
            outline=style.outline if outline is None else outline,
            bold=text_runs > 0 and bold_runs == text_runs,
            numbered=style.numbered if numbered is None else numbered,
            toc=toc,
        )

    def _run_is_bold(self, run: Any, paragraph_bold: bool | None) -> bool:
        rpr = run.find(f"{W}rPr")
        bold = run_bold(rpr)
        if bold is None and rpr is not None:
            char_style = rpr.find(f"{W}rStyle")
            if char_style is not None:
                bold = self.styles.character_bold(char_style.get(f"{W}val", ""))
        if bold is None:
            bold = paragraph_bold
        return bool(bold)

    def table(self, element: Any) -> Table:
        grid: list[list[Cell]] = []
        for r, row in enumerate(child for child in _children(element) if local(child) == "tr"):
            cells: list[Cell] = []
            before = row.find(f"{W}trPr/{W}gridBefore")
            for _ in range(min(_int(before), MAX_COLUMNS)):
                cells.append(Cell("", (r, len(cells))))
            for cell in (child for child in _children(row) if local(child) == "tc"):
                if len(cells) >= MAX_COLUMNS:
                    break
                tcpr = cell.find(f"{W}tcPr")
                span = max(1, _int(tcpr.find(f"{W}gridSpan") if tcpr is not None else None, 1))
                span = min(span, MAX_COLUMNS - len(cells))
                merge = tcpr.find(f"{W}vMerge") if tcpr is not None else None
                column = len(cells)
                above = grid[r - 1][column] if r > 0 and column < len(grid[r - 1]) else None
                if merge is not None and merge.get(f"{W}val", "continue") != "restart" and above is not None:
                    covering = above
                else:
                    text = "\n".join(
                        cell_paragraph_text(p) for p in _children(cell) if local(p) == "p"
                    ).strip()
                    covering = Cell(text, (r, column))
                cells.extend([covering] * span)
            grid.append(cells)
        width = max((len(row) for row in grid), default=0)
        rows = tuple(
            tuple(row) + tuple(Cell("", (r, c)) for c in range(len(row), width)) for r, row in enumerate(grid)
        )
        index = self.tables
        self.tables += 1
        return Table(index=index, rows=rows, width=width)

    def blocks(self, container: Any, *, toc: bool = False) -> Iterator[Block]:
        for child in container:
            name = local(child)
            if name == "p":
                yield self.paragraph(child, toc=toc)
            elif name == "tbl":
                yield self.table(child)
            elif name == "sdt":
                gallery = child.find(f"{W}sdtPr/{W}docPartObj/{W}docPartGallery")
                is_toc = gallery is not None and gallery.get(f"{W}val", "").lower() == _TOC_GALLERY
                content = child.find(f"{W}sdtContent")
                if content is not None:
                    yield from self.blocks(content, toc=toc or is_toc)
            elif name == "customXml":
                yield from self.blocks(child, toc=toc)


def _int(element: Any, default: int = 0) -> int:
    if element is None:
        return default
    try:
        return int(element.get(f"{W}val", default))
    except ValueError:
        return default


def walk(body: Any, styles: Styles) -> list[Block]:
    """Every paragraph and table of a document body (``w:body``), in order."""
    return list(_Walker(styles).blocks(body))
