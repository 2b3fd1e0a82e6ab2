"""A python-docx writer that records, as it writes, what a reader must find: the expected reading.

Each corpus document is written through :class:`Writer`, which counts body paragraphs and tables the way
the contract does, so the expected locations come from what was written, not from the reader. Expected
field values are stated by hand in the documents (``build_corpus.py``); this module only places them.

Table cells use two marks: ``"^"`` is the cell above continued (a vertical merge), ``"<"`` the cell to
the left continued (a horizontal merge).
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

import docx
from docx.enum.text import WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from engine.memos.package import package_bytes, set_core_properties

UP, LEFT = "^", "<"
NUM_ID = "90"
_NUMBERING = f"""<w:abstractNum {nsdecls("w")} w:abstractNumId="90">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/>
    <w:lvlJc w:val="left"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/>
    <w:lvlJc w:val="left"/></w:lvl>
</w:abstractNum>"""


def _run_xml(paragraph: Any, xml: str) -> None:
    run = paragraph.add_run()
    run._r.append(parse_xml(xml))


@dataclass
class TableRef:
    """A written table: its body index, its resolved grid and the header of each column."""

    index: int
    grid: list[list[str]]
    headers: list[str]

    def cell(self, row: int, column: int) -> dict[str, Any]:
        """The expected location of a cell (its merged text, its column's header)."""
        return {
            "table": self.index,
            "row": row,
            "column": column,
            "text": self.grid[row][column],
            "header": self.headers[column],
        }


@dataclass
class Writer:
    """Writes one deliverable and its expected reading."""

    node: str
    name: str
    doc: Any = field(default_factory=docx.Document)
    paragraphs: int = 0
    tables: int = 0
    sections: list[str] = field(default_factory=list)
    locations: dict[str, Any] = field(default_factory=dict)
    ignored: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)

    # ------------------------------------------------------------------ paragraphs

    def para(self, text: str = "", *, style: str | None = None, bold: bool = False) -> dict[str, Any]:
        """A body paragraph; returns its expected location."""
        paragraph = self.doc.add_paragraph(style=style)
        if text:
            paragraph.add_run(text).bold = bold or None
        return self._located(text)

    def _located(self, text: str) -> dict[str, Any]:
        location = {"paragraph": self.paragraphs, "text": text}
        self.paragraphs += 1
        return location

    def heading(
        self, text: str, code: str | None = None, *, how: str = "style", level: int = 1
    ) -> dict[str, Any]:
        """A heading written as a heading style, a bold paragraph, an auto-numbered or a plain paragraph.

        ``code`` is the section it heads (None: a heading the reader lists as ignored).
        """
        if how == "style":
            paragraph = self.doc.add_heading(text, level)
        elif how == "auto":
            paragraph = self.doc.add_paragraph()
            paragraph.add_run(text).bold = True
            self._number(paragraph, level - 1)
        elif how == "auto_style":
            paragraph = self.doc.add_paragraph(text, style="KP Numbered Heading")
        else:
            paragraph = self.doc.add_paragraph()
            paragraph.add_run(text).bold = how == "bold" or None
        location = self._located(text)
        if code is None:
            self.ignored.append(location)
        elif code not in self.sections:
            self.sections.append(code)
            self.locations[f"sections.{code}"] = location
        return location

    def page_break(self) -> None:
        """A paragraph holding only a page break."""
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        self._located("")

    def word_toc(self, entries: list[str]) -> None:
        """A Word TOC field whose cached result lists ``entries`` with page numbers."""
        for i, entry in enumerate(entries):
            paragraph = self.doc.add_paragraph()
            if i == 0:
                _run_xml(paragraph, f'<w:fldChar {nsdecls("w")} w:fldCharType="begin"/>')
                _run_xml(
                    paragraph,
                    f'<w:instrText {nsdecls("w")} xml:space="preserve"> TOC \\o "1-3" \\h \\z \\u </w:instrText>',
                )
                _run_xml(paragraph, f'<w:fldChar {nsdecls("w")} w:fldCharType="separate"/>')
            paragraph.add_run(f"{entry}\t{i + 1}")
            if i == len(entries) - 1:
                _run_xml(paragraph, f'<w:fldChar {nsdecls("w")} w:fldCharType="end"/>')
            self._located(f"{entry}\t{i + 1}")

    def sdt_toc(self, entries: list[str]) -> None:
        """A table of contents in a content control (Word's TOC building block)."""
        sdt = parse_xml(
            f'<w:sdt {nsdecls("w")}><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/>'
            "<w:docPartUnique/></w:docPartObj></w:sdtPr><w:sdtContent/></w:sdt>"
        )
        content = sdt.find(qn("w:sdtContent"))
        for entry in entries:
            paragraph = self.doc.add_paragraph(entry)
            content.append(paragraph._p)  # moved into the content control
            self._located(entry)
        self.doc.element.body.insert(len(self.doc.element.body) - 1, sdt)

    def _number(self, paragraph: Any, level: int) -> None:
        ppr = paragraph._p.get_or_add_pPr()
        ppr.append(
            parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{NUM_ID}"/></w:numPr>'
            )
        )

    def use_numbering(self) -> None:
        """Add the Chinese-counting list (一、 （一）) and a heading style numbered by it."""
        numbering = self.doc.part.numbering_part.element
        numbering.insert(0, parse_xml(_NUMBERING))
        numbering.append(
            parse_xml(f'<w:num {nsdecls("w")} w:numId="{NUM_ID}"><w:abstractNumId w:val="90"/></w:num>')
        )
        style = self.doc.styles.add_style("KP Numbered Heading", 1)
        style.base_style = self.doc.styles["Normal"]
        style.font.bold = True
        style.element.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{NUM_ID}"/></w:numPr>')
        )

    # ------------------------------------------------------------------ tables

    def table(self, rows: list[list[str]], header_rows: int = 1) -> TableRef:
        """A table of ``rows`` (``^`` and ``<`` merge a cell with the one above or to the left)."""
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        table = self.doc.add_table(rows=len(rows), cols=width)
        table.style = self.doc.styles["Table Grid"]
        grid = [list(r) for r in rows]
        origin: dict[tuple[int, int], tuple[int, int]] = {}
        for r in range(len(rows)):
            for c in range(width):
                mark = rows[r][c]
                if mark == UP:
                    origin[(r, c)] = origin[(r - 1, c)]
                elif mark == LEFT:
                    origin[(r, c)] = origin[(r, c - 1)]
                else:
                    origin[(r, c)] = (r, c)
                grid[r][c] = rows[origin[(r, c)][0]][origin[(r, c)][1]]
        spans: dict[tuple[int, int], tuple[int, int]] = {}
        for (r, c), (r0, c0) in origin.items():
            last = spans.get((r0, c0), (r0, c0))
            spans[(r0, c0)] = (max(last[0], r), max(last[1], c))
        for (r0, c0), (r1, c1) in spans.items():
            if (r1, c1) != (r0, c0):
                table.cell(r0, c0).merge(table.cell(r1, c1))
        for r0, c0 in spans:
            table.cell(r0, c0).text = rows[r0][c0]
        index = self.tables
        self.tables += 1
        headers = list(grid[header_rows - 1]) if header_rows else []
        return TableRef(index, grid, headers)

    # ------------------------------------------------------------------ expectations

    def indicators(
        self,
        ref: TableRef,
        first_row: int,
        items: list[dict[str, Any] | None],
        columns: dict[str, int],
        start: int = 0,
    ) -> int:
        """Expected items of an indicator table: row ``first_row + k`` holds ``items[k]`` (None: no indicator).

        ``columns`` gives the column each field was read from; a field absent from an item (a blank
        evidence cell) still has its location. Returns the next item index.
        """
        list_field = "indicators" if self.node == "plan" else "indicator_scores"
        index = start
        for k, item in enumerate(items):
            if item is None:
                continue
            row = first_row + k
            self.items.append({key: value for key, value in item.items() if not key.startswith("@")})
            for name, column in columns.items():
                where = item.get(f"@{name}", (row, column))
                self.locations[f"{list_field}.{index}.{name}"] = ref.cell(*where)
            index += 1
        return index

    def warn(
        self, code: str, location: dict[str, Any] | None = None, other: dict[str, Any] | None = None
    ) -> None:
        """An expected warning."""
        entry: dict[str, Any] = {"code": code}
        if location is not None:
            entry["location"] = location
        if other is not None:
            entry["other_location"] = other
        self.warnings.append(entry)

    def finish(self, fields: dict[str, Any], unread: list[str]) -> tuple[bytes, dict[str, Any]]:
        """The file's bytes (deterministic) and its expected reading."""
        set_core_properties(self.doc, "kaoping corpus", dt.date(2024, 4, 15), self.name)
        data = package_bytes(self.doc)
        expected = {
            "node": self.node,
            "file": {"name": self.name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)},
            "fields": {"sections": list(self.sections), **copy.deepcopy(fields)},
            "locations": dict(sorted(self.locations.items(), key=lambda kv: _path_order(kv[0]))),
            "unread": unread,
            "warnings": self.warnings,
            "ignored_headings": self.ignored,
        }
        return data, expected


def _path_order(path: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else p for p in path.split("."))
