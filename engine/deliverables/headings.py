"""Which paragraphs are headings of which section: numbering removed, text compared with the vocabulary.

A paragraph heads a section when its whole text, less its typed numbering (一、 （一） 1. 1． 1.1
第一部分 第一章 …), spaces and punctuation, equals one of the section's headings in the vocabulary. The
number of Word's automatic numbering is never in the text, so nothing is removed for it. A paragraph
that only mentions a heading's words has more text and heads nothing. Tables of contents are skipped:
a TOC field, a TOC style or content control, a typed table of contents (the title, then entries ending
in a page number).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.deliverables.body import Paragraph
from engine.deliverables.words import Node, Words, nfkc
from rules.vocabulary import heading_key

_CN_DIGITS = "一二三四五六七八九十百零〇两"
_NUMBERING = re.compile(
    rf"""^\s*(?:
        第\s*[{_CN_DIGITS}\d]+\s*[部分章节篇]{{1,2}}          # 第一部分 第一章 第1节
      | [(\[【〔]\s*[{_CN_DIGITS}\d]+\s*[)\]】〕]\s*[、.]?   # （一） (1) 【一】
      | [{_CN_DIGITS}]+\s*[、.:]                             # 一、 一.
      | \d+(?:\s*\.\s*\d+)*\s*(?:[、.)]|\s)                 # 1. 1、 1.1 1)
      | [IVXivx]+\s*[、.)]                                   # II. iv)
      | [A-Za-z]\s*[、.)]                                    # A. a)
    )\s*""",
    re.VERBOSE,
)
_CIRCLED = re.compile(r"^\s*[\u2460-\u2473\u2776-\u2793\u3251-\u325f]\s*")  # ① … ⑳, ❶ …, ㉑ …
_PAGE_NUMBER = re.compile(r"(?:\t|\.{2,}|…+|·{2,}|_{2,}|-{2,}|\s{2,})\s*\d+\s*$")
_TAIL = 200  # a page number is looked for at the end only (a long run of dots stays linear)
_SHORT = 40  # a heading-like paragraph is short: longer bold or numbered text is body text
_SENTENCE_END = ("。", ";", "；")


def strip_numbering(text: str) -> str:
    """The text without its typed numbering (NFKC applied)."""
    text = nfkc(_CIRCLED.sub("", text)).strip()
    for _ in range(2):  # 一、（一） or 第一章 1.
        stripped = _NUMBERING.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return text


def is_toc_entry(text: str) -> bool:
    """A typed table-of-contents line: text, then a tab or leader dots and a page number."""
    return bool(_PAGE_NUMBER.search(nfkc(text[-_TAIL:])))


def looks_like_heading(paragraph: Paragraph) -> bool:
    """Styled as a heading, or a short bold or numbered paragraph that is not a sentence."""
    text = paragraph.text.strip()
    if not text:
        return False
    if paragraph.outline is not None:
        return True
    typed = strip_numbering(text) != nfkc(text)
    if not (paragraph.bold or paragraph.numbered or typed):
        return False
    return len(text) <= _SHORT and not text.endswith(_SENTENCE_END)


@dataclass(frozen=True)
class HeadingMatch:
    """A paragraph's reading as a heading: the section it heads (or None), and whether to list it."""

    code: str | None
    heading_like: bool


class HeadingReader:
    """Reads paragraphs as headings, skipping tables of contents."""

    def __init__(self, node: Node, words: Words) -> None:
        self.node = node
        self.words = words

    def read(self, paragraph: Paragraph) -> HeadingMatch | None:
        """The paragraph as a heading; None for a table-of-contents line or an empty paragraph."""
        text = paragraph.text.strip()
        if paragraph.toc:
            return None
        if not text:
            return None
        if heading_key(strip_numbering(text)) in self.words.toc_titles or is_toc_entry(text):
            return None
        code = self.words.section(self.node, strip_numbering(text))
        return HeadingMatch(code=code, heading_like=looks_like_heading(paragraph))
