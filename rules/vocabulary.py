"""The one vocabulary (``rules/vocabulary.yaml``): codes with their labels and synonyms, and field labels.

Every sentence a person reads takes its terms from here. :class:`Vocabulary` answers four questions:
the label of a code (:meth:`Vocabulary.label`), the label of a case field (:meth:`Vocabulary.field_label`),
the code a person meant by a word (:meth:`Vocabulary.code_for`), and how a Word deliverable names things:
the headings of its sections (:meth:`Vocabulary.headings`, :meth:`Vocabulary.section_for_heading`), the
header texts of its indicator table's columns (:meth:`Vocabulary.header_fields`) and the other words it is
read by (:attr:`Vocabulary.deliverable_words`). Headings and header texts are compared in their
:func:`heading_key` form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rules._yaml import read_yaml
from rules.errors import RulebookError

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CodeEntry(_Strict):
    """One code: its labels, the other words accepted for it, and (sections) its headings."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    synonyms: tuple[str, ...] = ()
    headings: tuple[str, ...] = ()


class CodeList(_Strict):
    """A closed list of codes (one coded field's values)."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    codes: dict[str, CodeEntry] = Field(min_length=1)


class FieldEntry(_Strict):
    """A case field's labels, and the code list of a coded field."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    codes: str | None = None


class _IndicatorHeaders(_Strict):
    """The header texts of the indicator levels' columns and of a plain name column."""

    level1: tuple[str, ...] = ()
    level2: tuple[str, ...] = ()
    level3: tuple[str, ...] = ()
    name: tuple[str, ...] = ()
    weight: tuple[str, ...] = ()


class PlanHeaders(_IndicatorHeaders):
    """The columns of a plan's indicator table (``plan.indicators``)."""

    standard: tuple[str, ...] = ()
    method: tuple[str, ...] = ()
    evidence_ref: tuple[str, ...] = ()


class DraftHeaders(_IndicatorHeaders):
    """The columns of a draft report's score table (``draft.indicator_scores``)."""

    score: tuple[str, ...] = ()


class DeliverableHeaders(_Strict):
    """Header texts by node and by the field a column holds."""

    plan: PlanHeaders = PlanHeaders()
    draft: DraftHeaders = DraftHeaders()


class DeliverableWords(_Strict):
    """The words, besides headings and headers, by which a Word deliverable is read."""

    toc_titles: tuple[str, ...] = ()
    total_rows: tuple[str, ...] = ()
    subtotal_rows: tuple[str, ...] = ()
    number_units: tuple[str, ...] = ()
    total_phrases: tuple[str, ...] = ()
    grade_phrases: tuple[str, ...] = ()
    value_links: tuple[str, ...] = ()
    range_words: tuple[str, ...] = ()


class VocabularyFile(_Strict):
    """``rules/vocabulary.yaml``."""

    code_lists: dict[str, CodeList] = Field(min_length=1)
    fields: dict[str, FieldEntry] = Field(min_length=1)
    api_fields: dict[str, FieldEntry] = {}
    deliverable_headers: DeliverableHeaders = DeliverableHeaders()
    deliverable_words: DeliverableWords = DeliverableWords()


_SPACES = re.compile(r"\s+")


def match_key(text: str) -> str:
    """The form in which typed words are compared: NFKC (full-width → half-width), no spaces, case-folded."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).casefold()


def heading_key(text: str) -> str:
    """The form in which headings and header texts are compared: :func:`match_key` without punctuation."""
    return "".join(c for c in match_key(text) if not unicodedata.category(c).startswith("P"))


class Vocabulary:
    """The vocabulary, validated: no word names two codes of one list, every field's code list exists."""

    def __init__(self, data: VocabularyFile, path: Path) -> None:
        self.data = data
        self.path = path
        self._lookup: dict[str, dict[str, str]] = {}
        for name, code_list in data.code_lists.items():
            words: dict[str, str] = {}
            for code, entry in code_list.codes.items():
                for word in (code, entry.zh, entry.en, *entry.synonyms):
                    key = match_key(word)
                    other = words.get(key)
                    if other is not None and other != code:
                        raise RulebookError(
                            str(path),
                            f"code_lists.{name}.codes.{code}",
                            f"{word!r} already names the code {other}; a word may name one code only",
                        )
                    words[key] = code
            self._lookup[name] = words
        for section, entries in (("fields", data.fields), ("api_fields", data.api_fields)):
            for field, field_entry in entries.items():
                if field_entry.codes is not None and field_entry.codes not in data.code_lists:
                    raise RulebookError(
                        str(path), f"{section}.{field}.codes", f"no code list {field_entry.codes}"
                    )
        self._sections = {name: self._heading_lookup(name) for name in data.code_lists}
        self._headers = {node: self._header_lookup(node) for node in ("plan", "draft")}

    def _heading_lookup(self, name: str) -> dict[str, str]:
        """Heading key → section code of one list; a heading naming two codes is refused."""
        found: dict[str, str] = {}
        for code, entry in self.data.code_lists[name].codes.items():
            for heading in entry.headings:
                key = heading_key(heading)
                other = found.get(key)
                if not key or (other is not None and other != code):
                    raise RulebookError(
                        str(self.path),
                        f"code_lists.{name}.codes.{code}.headings",
                        f"{heading!r} already heads the section {other}; a heading may head one section only",
                    )
                found[key] = code
        return found

    def _header_lookup(self, node: Literal["plan", "draft"]) -> dict[str, str]:
        """Header key → field of one node; a header naming two fields is refused."""
        found: dict[str, str] = {}
        headers = getattr(self.data.deliverable_headers, node)
        for field, texts in headers.model_dump().items():
            for text in texts:
                key = heading_key(text)
                other = found.get(key)
                if not key or (other is not None and other != field):
                    raise RulebookError(
                        str(self.path),
                        f"deliverable_headers.{node}.{field}",
                        f"{text!r} already heads the column {other}; a header may name one field only",
                    )
                found[key] = field
        return found

    # ------------------------------------------------------------------ codes

    @property
    def lists(self) -> tuple[str, ...]:
        """The names of the code lists."""
        return tuple(self.data.code_lists)

    def codes(self, code_list: str) -> tuple[str, ...]:
        """The codes of a list, in the vocabulary's order."""
        return tuple(self._list(code_list).codes)

    def label(self, code_list: str, code: str, lang: Lang = "zh") -> str:
        """The label of a code; an unknown code comes back as it is (never a guess)."""
        entry = self._list(code_list).codes.get(code)
        if entry is None:
            return code
        return entry.zh if lang == "zh" else entry.en

    def labels(self, code_list: str, lang: Lang = "zh") -> dict[str, str]:
        """Every code of a list with its label."""
        return {code: (e.zh if lang == "zh" else e.en) for code, e in self._list(code_list).codes.items()}

    def list_label(self, code_list: str, lang: Lang = "zh") -> str:
        """What the list is, e.g. 机构类型."""
        found = self._list(code_list)
        return found.zh if lang == "zh" else found.en

    def code_for(self, code_list: str, text: str) -> str | None:
        """The code a person meant: the code itself, a label or a synonym; ``None`` when none matches."""
        return self._lookup[self._name(code_list)].get(match_key(text))

    def headings(self, code_list: str) -> dict[str, tuple[str, ...]]:
        """Each section code with the headings a Word deliverable uses for it."""
        return {code: e.headings for code, e in self._list(code_list).codes.items() if e.headings}

    def section_for_heading(self, code_list: str, text: str) -> str | None:
        """The section code a heading names (its :func:`heading_key` equal to one of the code's headings)."""
        return self._sections[self._name(code_list)].get(heading_key(text))

    # ------------------------------------------------------------------ deliverables

    def header_fields(self, node: Literal["plan", "draft"]) -> Mapping[str, str]:
        """Header key (:func:`heading_key`) → the field its column holds, for a node's indicator table."""
        return self._headers[node]

    @property
    def deliverable_words(self) -> DeliverableWords:
        """The other words by which a Word deliverable is read."""
        return self.data.deliverable_words

    # ------------------------------------------------------------------ fields

    def field(self, loc: Sequence[str | int]) -> FieldEntry | None:
        """The entry of the field at an error location (list indices and mapping keys below a field ignored).

        ``["agency", "designated_list", 0, "valid_to"]`` → ``agency.designated_list.valid_to``;
        ``["plan", "scores", "expert_panel", "E1"]`` → ``plan.scores.expert_panel`` (the longest known
        prefix).
        """
        parts = [p for p in loc if isinstance(p, str)]
        fields = self.data.fields
        while parts:
            found = fields.get(".".join(parts))
            if found is not None:
                return found
            parts.pop()
        return None

    def field_label(self, loc: Sequence[str | int], lang: Lang = "zh") -> str | None:
        """The label of the field at an error location, or ``None`` where the vocabulary names no field."""
        found = self.field(loc)
        if found is None:
            return None
        return found.zh if lang == "zh" else found.en

    @property
    def field_paths(self) -> Mapping[str, FieldEntry]:
        """Every labelled field by its dotted path."""
        return self.data.fields

    @property
    def api_fields(self) -> Mapping[str, FieldEntry]:
        """The labels of the API's own fields and parameters.

        Keys: ``<Schema>.<property>``, ``*.<property>`` (any schema), ``param.<name>``.
        """
        return self.data.api_fields

    def _name(self, code_list: str) -> str:
        if code_list not in self.data.code_lists:
            raise KeyError(f"no code list {code_list!r} in {self.path.name}")
        return code_list

    def _list(self, code_list: str) -> CodeList:
        return self.data.code_lists[self._name(code_list)]


def load_vocabulary(path: Path) -> Vocabulary:
    """Read and validate ``vocabulary.yaml``; a :class:`RulebookError` names the file and the key."""
    try:
        data = VocabularyFile.model_validate(read_yaml(path))
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"]) or "-"
        raise RulebookError(str(path), key, first["msg"]) from None
    return Vocabulary(data, path)
