"""The words a deliverable is read by, compiled once from the vocabulary and the rule parameters.

Section headings, column headers, total rows, the text's statements of the total and the grade
(``rules/vocabulary.yaml``), the evaluation standards an indicator may name (the rule parameter
``plan_review.allowed_standards`` of every version). No word is written here: this module only turns
the data into lookups and patterns.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Literal

from rules import load_rulebook
from rules.vocabulary import Vocabulary, heading_key

Node = Literal["plan", "draft"]
SECTION_LISTS: dict[Node, str] = {"plan": "plan_section", "draft": "report_section"}
_NUMBER = r"(?P<number>\d+(?:\.\d+)?)"
_RANGE_SIGNS = r"[-~—–]"
_CLOSE = r"[”\"'」』’),.;:、!?。\s]"


def nfkc(text: str) -> str:
    """Full-width letters, digits and punctuation as their half-width forms."""
    return unicodedata.normalize("NFKC", text)


def _alternatives(words: tuple[str, ...]) -> str:
    """A regex alternation of words, longest first so that 综合评价等级 wins over 评价等级."""
    ordered = sorted({nfkc(w) for w in words if w}, key=len, reverse=True)
    return "|".join(re.escape(w) for w in ordered) or r"(?!)"


@dataclass(frozen=True)
class Words:
    """Lookups and patterns for reading a deliverable."""

    vocabulary: Vocabulary
    toc_titles: frozenset[str]
    total_rows: frozenset[str]
    subtotal_rows: frozenset[str]
    total_phrases: frozenset[str]
    grade_phrases: frozenset[str]
    units: str
    total_statement: re.Pattern[str]
    grade_statement: re.Pattern[str]
    standards: tuple[str, ...]

    def section(self, node: Node, text: str) -> str | None:
        """The section code a heading (numbering already removed) names for a node."""
        return self.vocabulary.section_for_heading(SECTION_LISTS[node], text)

    def header_fields(self, node: Node) -> Mapping[str, str]:
        """Header key → field of a node's indicator table."""
        return self.vocabulary.header_fields(node)

    def grade(self, text: str) -> str | None:
        """The grade code a written grade names (良好 → 良)."""
        return self.vocabulary.code_for("grade", text)


def _standards() -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for version in load_rulebook().versions:
        for standard in version.param("plan_review.allowed_standards"):
            seen.setdefault(str(standard), None)
    return tuple(seen)


@cache
def words() -> Words:
    """The compiled words of the loaded rulebook."""
    vocabulary = load_rulebook().vocabulary
    data = vocabulary.deliverable_words
    links = _alternatives(data.value_links)
    link = rf"\s*(?:(?:{links})\s*|[:：]\s*)?"
    units = _alternatives(data.number_units)
    ranges = _alternatives(data.range_words)
    total = re.compile(
        rf"(?P<phrase>{_alternatives(data.total_phrases)}){link}{_NUMBER}(?!\d)(?!\.\d)"
        rf"(?!\s*(?:{units})?\s*(?:\(\s*)?(?:{ranges}|{_RANGE_SIGNS}))"
    )
    grades = tuple(
        word
        for code in vocabulary.codes("grade")
        for word in (
            code,
            vocabulary.label("grade", code),
            *vocabulary.data.code_lists["grade"].codes[code].synonyms,
        )
    )
    grade = re.compile(
        rf"(?P<phrase>{_alternatives(data.grade_phrases)}){link}[“\"'「『‘]?"
        rf"(?P<grade>{_alternatives(grades)})(?={_CLOSE}|$|级)"
    )
    return Words(
        vocabulary=vocabulary,
        toc_titles=frozenset(heading_key(w) for w in data.toc_titles),
        total_rows=frozenset(heading_key(w) for w in data.total_rows),
        subtotal_rows=frozenset(heading_key(w) for w in data.subtotal_rows),
        total_phrases=frozenset(heading_key(w) for w in data.total_phrases),
        grade_phrases=frozenset(heading_key(w) for w in data.grade_phrases),
        units=units,
        total_statement=total,
        grade_statement=grade,
        standards=_standards(),
    )
