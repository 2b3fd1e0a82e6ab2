"""Real Word footnotes for memo findings: the explanation travels inside the memo.

python-docx has no footnote API, so this module writes the WordprocessingML itself with lxml: the
footnotes part ``word/footnotes.xml`` (with the ``separator`` and ``continuationSeparator`` footnotes Word
expects, its relationship from the document part and its content type), and a ``w:footnoteReference`` run
at each footnote mark (:mod:`engine.memos.marks`) left in the rendered body.
"""

from __future__ import annotations

import copy
import functools
import re
from typing import TYPE_CHECKING, Any

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from lxml import etree  # type: ignore[import-untyped]

from engine.memos.marks import MARK_CLOSE, MARK_OPEN

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["add_footnotes"]

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_MARK = re.compile(f"{MARK_OPEN}(\\d+){MARK_CLOSE}")
_DEFAULT_FONT = "仿宋_GB2312"
_LATIN = "Times New Roman"
_FOOTNOTE_HALF_POINTS = "21"  # 五号, 10.5 pt

# Child order of w:rPr (ECMA-376 CT_RPr); Word refuses out-of-order children.
_RPR_RANK = {
    f"{{{W_NS}}}{tag}": rank
    for rank, tag in enumerate(
        [
            "rStyle",
            "rFonts",
            "b",
            "bCs",
            "i",
            "iCs",
            "caps",
            "smallCaps",
            "strike",
            "dstrike",
            "outline",
            "shadow",
            "emboss",
            "imprint",
            "noProof",
            "snapToGrid",
            "vanish",
            "webHidden",
            "color",
            "spacing",
            "w",
            "kern",
            "position",
            "sz",
            "szCs",
            "highlight",
            "u",
            "effect",
            "bdr",
            "shd",
            "fitText",
            "vertAlign",
            "rtl",
            "cs",
            "em",
            "lang",
            "eastAsianLayout",
            "specVanish",
            "oMath",
        ]
    )
}


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def _set_rpr(rpr: Any, tag: str, **attrs: str) -> None:
    """Set one child of a ``w:rPr``, replacing any old one and keeping the schema order."""
    name = _w(tag)
    for old in rpr.findall(name):
        rpr.remove(old)
    element = etree.Element(name, {_w(k): v for k, v in attrs.items()})
    rank = _RPR_RANK[name]
    for i, child in enumerate(rpr):
        if _RPR_RANK.get(child.tag, -1) > rank:
            rpr.insert(i, element)
            return
    rpr.append(element)


def _rpr_copy(rpr: Any) -> Any:
    return copy.deepcopy(rpr) if rpr is not None else etree.Element(_w("rPr"))


def _east_asia(rpr: Any) -> str:
    fonts = None if rpr is None else rpr.find(_w("rFonts"))
    return (fonts.get(_w("eastAsia")) if fonts is not None else None) or _DEFAULT_FONT


def _run(rpr: Any, children: list[Any]) -> Any:
    run = etree.Element(_w("r"))
    run.append(_rpr_copy(rpr))
    for child in children:
        run.append(child)
    return run


def _text(text: str) -> Any:
    element = etree.Element(_w("t"))
    element.text = text
    element.set(_XML_SPACE, "preserve")
    return element


def _fonts(rpr: Any, east_asia: str) -> None:
    _set_rpr(rpr, "rFonts", ascii=_LATIN, hAnsi=_LATIN, eastAsia=east_asia, cs=_LATIN)


def _reference_run(rpr: Any, footnote_id: int, *, has_style: bool) -> Any:
    """The run ``<w:footnoteReference w:id=…/>``: the text run's formatting, superscript, fonts set."""
    key = etree.tostring(rpr) if rpr is not None else b""
    run = copy.deepcopy(_reference_prototype(key, has_style=has_style))
    run[-1].set(_w("id"), str(footnote_id))
    return run


@functools.lru_cache(maxsize=64)
def _reference_prototype(rpr_xml: bytes, *, has_style: bool) -> Any:
    rpr = etree.fromstring(rpr_xml) if rpr_xml else None
    run = _run(rpr, [])
    run_rpr = run.find(_w("rPr"))
    if has_style:
        _set_rpr(run_rpr, "rStyle", val="FootnoteReference")
    _fonts(run_rpr, _east_asia(rpr))
    _set_rpr(run_rpr, "vertAlign", val="superscript")
    run.append(etree.Element(_w("footnoteReference"), {_w("id"): "0"}))
    return run


def _footnote(footnote_id: int, text: str, east_asia: str, *, has_style: bool) -> Any:
    """``<w:footnote w:id=…>``: the footnote mark, then the text (fonts set on every run)."""
    note = copy.deepcopy(_footnote_prototype(east_asia, has_style=has_style))
    note.set(_w("id"), str(footnote_id))
    note[0][-1][-1].text = " " + text
    return note


@functools.lru_cache(maxsize=16)
def _footnote_prototype(east_asia: str, *, has_style: bool) -> Any:
    """A footnote with an empty text, copied for each footnote (building each from scratch is slow)."""
    note = etree.Element(_w("footnote"), {_w("id"): "0"})
    p = etree.SubElement(note, _w("p"))
    if has_style:
        ppr = etree.SubElement(p, _w("pPr"))
        etree.SubElement(ppr, _w("pStyle"), {_w("val"): "FootnoteText"})
    mark_rpr = etree.Element(_w("rPr"))
    if has_style:
        _set_rpr(mark_rpr, "rStyle", val="FootnoteReference")
    _fonts(mark_rpr, east_asia)
    _set_rpr(mark_rpr, "vertAlign", val="superscript")
    p.append(_run(mark_rpr, [etree.Element(_w("footnoteRef"))]))
    text_rpr = etree.Element(_w("rPr"))
    _fonts(text_rpr, east_asia)
    if not has_style:
        _set_rpr(text_rpr, "sz", val=_FOOTNOTE_HALF_POINTS)
        _set_rpr(text_rpr, "szCs", val=_FOOTNOTE_HALF_POINTS)
    p.append(_run(text_rpr, [_text("")]))
    return note


def _separators() -> Any:
    root = etree.Element(_w("footnotes"), nsmap={"w": W_NS})
    for footnote_id, kind in ((-1, "separator"), (0, "continuationSeparator")):
        note = etree.SubElement(root, _w("footnote"), {_w("type"): kind, _w("id"): str(footnote_id)})
        p = etree.SubElement(note, _w("p"))
        ppr = etree.SubElement(p, _w("pPr"))
        etree.SubElement(ppr, _w("spacing"), {_w("after"): "0", _w("line"): "240", _w("lineRule"): "auto"})
        run = etree.SubElement(p, _w("r"))
        etree.SubElement(run, _w(kind))
    return root


def _style_ids(document: Any) -> set[str]:
    return {str(s.get(_w("styleId"))) for s in document.styles.element.iterchildren(_w("style"))}


def _split(text: str) -> list[str | int]:
    """``"a⟨1⟩b"`` → ``["a", 1, "b"]`` (empty strings dropped)."""
    pieces: list[str | int] = []
    last = 0
    for match in _MARK.finditer(text):
        if match.start() > last:
            pieces.append(text[last : match.start()])
        pieces.append(int(match.group(1)))
        last = match.end()
    if last < len(text):
        pieces.append(text[last:])
    return pieces


def _existing_part(document: Any) -> Part | None:
    for rel in document.part.rels.values():
        if rel.reltype == RT.FOOTNOTES and not rel.is_external:
            target: Part = rel.target_part
            return target
    return None


def _root(part: Part | None) -> Any:
    """The ``w:footnotes`` element to add to: the template's own, or a new one with the separators."""
    if part is None:
        return _separators()
    if isinstance(part, XmlPart):
        return part.element
    return etree.fromstring(part.blob)


def _replace_marks(t: Any, texts: Mapping[int, str], root: Any, next_id: int, *, has_style: bool) -> int:
    """Split the run holding ``w:t`` at its marks, adding a reference run and a footnote for each.

    Returns the next free footnote id.
    """
    run = t.getparent()
    rpr = run.find(_w("rPr"))
    children = [c for c in run if c.tag != _w("rPr")]
    at = children.index(t)
    new_runs = [_run(rpr, children[:at])] if at else []
    for piece in _split(t.text):
        if isinstance(piece, str):
            new_runs.append(_run(rpr, [_text(piece)]))
            continue
        if piece not in texts:
            raise ValueError(f"footnote mark {piece} has no text")
        new_runs.append(_reference_run(rpr, next_id, has_style=has_style))
        root.append(_footnote(next_id, texts[piece], _east_asia(rpr), has_style=has_style))
        next_id += 1
    if at + 1 < len(children):
        new_runs.append(_run(rpr, children[at + 1 :]))
    parent = run.getparent()
    index = parent.index(run)
    parent.remove(run)
    for offset, new in enumerate(new_runs):
        parent.insert(index + offset, new)
    return next_id


def add_footnotes(document: Any, texts: Mapping[int, str]) -> int:
    """Replace every footnote mark in the body of a rendered ``document`` by a Word footnote.

    Footnote ids follow the order of the marks in the body, after any footnote the template already
    has; a mark used twice gives two footnotes with the same text. Returns the number of footnotes added.

    Raises:
        ValueError: a mark with no footnote text (a bug in the context builder).
    """
    targets = [t for t in document.element.body.iter(_w("t")) if t.text and MARK_OPEN in t.text]
    if not targets:
        return 0
    has_style = "FootnoteReference" in _style_ids(document)
    part = _existing_part(document)
    root = _root(part)
    first = max([0, *(int(n.get(_w("id"), "0")) for n in root.iterchildren(_w("footnote")))]) + 1
    next_id = first
    for t in targets:
        next_id = _replace_marks(t, texts, root, next_id, has_style=has_style)
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    if part is None:
        new_part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, blob, document.part.package)
        document.part.relate_to(new_part, RT.FOOTNOTES)
    elif not isinstance(part, XmlPart):
        part._blob = blob  # noqa: SLF001 - a plain Part has no blob setter (docxtpl does the same)
    return next_id - first
