"""The paragraph and character styles of a Word file, resolved once: heading level, bold, numbering.

A style inherits from the style it is based on (``w:basedOn``); what a style sets overrides what it
inherits. Only the three properties the reader needs are resolved: the outline level (a heading style
has one: Word's built-in ``heading 1`` … ``heading 9`` and any style given an outline level), bold, and
automatic numbering (``w:numPr``, the number Word draws in front of the text without it being in it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from engine.deliverables.xml import W, on

_HEADING_NAME = re.compile(r"^heading\s*([1-9])$", re.IGNORECASE)
_TOC_NAME = re.compile(r"^toc\b|^toc\s*heading$", re.IGNORECASE)
_BODY_LEVEL = 9  # w:outlineLvl 9 is "body text": no heading


@dataclass(frozen=True)
class StyleInfo:
    """What a paragraph or character style says, inherited properties resolved."""

    name: str = ""
    outline: int | None = None
    bold: bool | None = None
    numbered: bool = False
    toc: bool = False


def _outline(ppr: Any) -> int | None:
    if ppr is None:
        return None
    level = ppr.find(f"{W}outlineLvl")
    if level is None:
        return None
    try:
        value = int(level.get(f"{W}val", ""))
    except ValueError:
        return None
    return value if 0 <= value < _BODY_LEVEL else None


def _numbered(ppr: Any) -> bool | None:
    """True when numbering is switched on, False when switched off (``numId`` 0), None when unsaid."""
    if ppr is None:
        return None
    num = ppr.find(f"{W}numPr")
    if num is None:
        return None
    num_id = num.find(f"{W}numId")
    if num_id is None:
        return True
    return str(num_id.get(f"{W}val", "0")) != "0"


def run_bold(rpr: Any) -> bool | None:
    """Bold as a run's or a style's ``w:rPr`` says it (``w:b``, or ``w:bCs`` for East Asian text)."""
    if rpr is None:
        return None
    for tag in ("b", "bCs"):
        found = rpr.find(f"{W}{tag}")
        if found is not None:
            return bool(on(found))
    return None


class Styles:
    """Every style of a document by its id, with its inherited properties."""

    def __init__(self, styles_root: Any | None) -> None:
        self._raw: dict[str, Any] = {}
        self._resolved: dict[str, StyleInfo] = {}
        self.default_paragraph: str | None = None
        if styles_root is None:
            return
        for style in styles_root.iterfind(f"{W}style"):
            style_id = style.get(f"{W}styleId")
            if style_id is None:
                continue
            self._raw[style_id] = style
            if style.get(f"{W}type") == "paragraph" and on(style, f"{W}default", default=False):
                self.default_paragraph = style_id

    def get(self, style_id: str | None) -> StyleInfo:
        """The resolved style (an unknown id or none: the default paragraph style, else no properties)."""
        if style_id is None or style_id not in self._raw:
            style_id = self.default_paragraph
        if style_id is None:
            return StyleInfo()
        return self._resolve(style_id, set())

    def _resolve(self, style_id: str, seen: set[str]) -> StyleInfo:
        found = self._resolved.get(style_id)
        if found is not None:
            return found
        style = self._raw.get(style_id)
        if style is None or style_id in seen:  # unknown parent or a cycle of basedOn
            return StyleInfo()
        seen.add(style_id)
        based = style.find(f"{W}basedOn")
        parent = self._resolve(based.get(f"{W}val", ""), seen) if based is not None else StyleInfo()
        name_el = style.find(f"{W}name")
        name = name_el.get(f"{W}val", "") if name_el is not None else ""
        ppr = style.find(f"{W}pPr")
        heading = _HEADING_NAME.match(name.strip())
        outline = _outline(ppr)
        if outline is None:
            outline = int(heading.group(1)) - 1 if heading else parent.outline
        bold = run_bold(style.find(f"{W}rPr"))
        numbered = _numbered(ppr)
        info = StyleInfo(
            name=name,
            outline=outline,
            bold=parent.bold if bold is None else bold,
            numbered=parent.numbered if numbered is None else numbered,
            toc=bool(_TOC_NAME.match(name.strip())) or parent.toc,
        )
        self._resolved[style_id] = info
        return info

    def character_bold(self, style_id: str) -> bool | None:
        """Bold as a character style (a run's ``w:rStyle``) says it, None when it does not say."""
        if style_id not in self._raw:
            return None
        return self._resolve(style_id, set()).bold

    def paragraph_outline(self, ppr: Any) -> int | None:
        """A paragraph's own outline level (direct formatting), if it sets one."""
        return _outline(ppr)

    def paragraph_numbered(self, ppr: Any) -> bool | None:
        """A paragraph's own numbering switch (direct formatting), if it sets one."""
        return _numbered(ppr)
