"""The memos' side of their templates (``rules/memos.yaml``): the template contract, filters, phrases.

:func:`memo_data` reads the file once per process and validates it against the vocabulary: unknown keys,
a phrase whose ``{blanks}`` are not the ones its id fills, a row or a code list that does not exist, or a
template field that repeats a common one are load errors naming the file and the key.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from rules._yaml import read_yaml
from rules.errors import RulebookError
from rules.vocabulary import load_vocabulary

if TYPE_CHECKING:
    from collections.abc import Mapping

    from rules.vocabulary import Vocabulary

MEMOS_PATH = Path(__file__).resolve().parent / "memos.yaml"
_FORMATTER = string.Formatter()

WORDING_BLANKS: dict[str, frozenset[str]] = {
    "footnote": frozenset({"rule", "title", "cite", "facts"}),
    "footnote_not_applicable": frozenset({"rule", "title", "cite", "facts"}),
    "panel_mean_footnote": frozenset({"rule", "party", "node", "cite", "facts"}),
    "tie": frozenset({"org", "relation", "until"}),
    "tie_ongoing": frozenset({"org", "relation"}),
    "conflict_without_tie": frozenset(),
    "not_scored": frozenset(),
    "file_location": frozenset({"node", "places"}),
    "file_place_cells": frozenset({"table", "rows", "header"}),
    "file_place_paragraph": frozenset({"paragraph", "text"}),
    "recusal_ongoing": frozenset({"org", "relation"}),
    "recusal_recent": frozenset({"org", "relation", "until", "years"}),
    "recusal_past": frozenset({"org", "relation", "until", "years"}),
    "tie_elsewhere": frozenset({"org", "relation", "period"}),
    "tie_not_recused": frozenset({"org", "relation", "period"}),
    "no_ties": frozenset(),
    "tie_separator": frozenset(),
    "until_now": frozenset(),
    "until_date": frozenset({"year", "month", "day"}),
}
"""Each phrase of ``wording`` and the blanks the memo code fills in it."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _FieldEntry(_Strict):
    doc: str = Field(min_length=1)
    codes: tuple[str, ...] = ()
    row: str | None = None
    required: bool = False


def _described(value: Any) -> Any:
    """A field written as its description alone is ``{doc: description}``."""
    return {"doc": value} if isinstance(value, str) else value


_Fields = dict[str, Annotated[_FieldEntry, BeforeValidator(_described)]]


class _Wording(_Strict):
    footnote: str
    footnote_not_applicable: str
    panel_mean_footnote: str
    tie: str
    tie_ongoing: str
    conflict_without_tie: str
    not_scored: str
    file_location: str
    file_place_cells: str
    file_place_paragraph: str
    recusal_ongoing: str
    recusal_recent: str
    recusal_past: str
    tie_elsewhere: str
    tie_not_recused: str
    no_ties: str
    tie_separator: str
    until_now: str
    until_date: str


class _MemosFile(_Strict):
    wording: _Wording
    filters: dict[str, str] = Field(min_length=1)
    rows: dict[str, _Fields]
    common: _Fields
    templates: dict[str, _Fields] = Field(min_length=1)


@dataclass(frozen=True)
class TemplateField:
    """One field of a template's context: a blank, or (``row`` set) a list of rows with those fields."""

    doc: str
    codes: tuple[str, ...] = ()
    """The vocabulary code lists whose codes the field holds (empty: free text or a number)."""
    row: Mapping[str, TemplateField] | None = None
    required: bool = False
    """A template must use the field (a row's: wherever it loops over the list)."""


class MemoData:
    """``rules/memos.yaml``, validated."""

    def __init__(self, raw: Any, path: Path, vocabulary: Vocabulary) -> None:
        try:
            data = _MemosFile.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise RulebookError(
                str(path), ".".join(str(p) for p in first["loc"]) or "-", first["msg"]
            ) from None
        self.path = path
        self._vocabulary = vocabulary
        self.wording: dict[str, str] = data.wording.model_dump()
        for key, text in self.wording.items():
            self._check_blanks(f"wording.{key}", text, WORDING_BLANKS[key])
        self.filters: dict[str, str] = dict(data.filters)
        rows = {
            name: {key: self._field(f"rows.{name}.{key}", value, None) for key, value in fields.items()}
            for name, fields in data.rows.items()
        }
        common = {key: self._field(f"common.{key}", value, rows) for key, value in data.common.items()}
        self.templates: dict[str, dict[str, TemplateField]] = {}
        for stem, fields in data.templates.items():
            own = {}
            for key, value in fields.items():
                if key in common:
                    raise RulebookError(str(path), f"templates.{stem}.{key}", "already a common field")
                own[key] = self._field(f"templates.{stem}.{key}", value, rows)
            self.templates[stem] = common | own

    def phrase(self, key: str, /, **values: str) -> str:
        """A phrase of ``wording`` with its blanks filled."""
        return self.wording[key].format_map(values)

    def _check_blanks(self, key: str, text: str, expected: frozenset[str]) -> None:
        try:
            found = {name for _, name, _, _ in _FORMATTER.parse(text) if name is not None}
        except ValueError as exc:
            raise RulebookError(str(self.path), key, f"unbalanced braces: {exc}") from None
        if found != expected:
            raise RulebookError(
                str(self.path), key, f"the blanks are {sorted(expected)}, the text names {sorted(found)}"
            )

    def _field(
        self, key: str, value: _FieldEntry, rows: Mapping[str, Mapping[str, TemplateField]] | None
    ) -> TemplateField:
        for code_list in value.codes:
            if code_list not in self._vocabulary.lists:
                raise RulebookError(
                    str(self.path), f"{key}.codes", f"no code list {code_list} in the vocabulary"
                )
        if value.row is None:
            return TemplateField(doc=value.doc, codes=value.codes, required=value.required)
        if rows is None:
            raise RulebookError(str(self.path), f"{key}.row", "a row's field cannot be a list of rows")
        if value.row not in rows:
            raise RulebookError(str(self.path), f"{key}.row", f"no row {value.row}")
        return TemplateField(doc=value.doc, codes=value.codes, row=rows[value.row], required=value.required)


def load_memo_data(path: Path, vocabulary: Vocabulary) -> MemoData:
    """Read and validate a memos file; a :class:`RulebookError` names the file and the key."""
    return MemoData(read_yaml(path), path, vocabulary)


@cache
def memo_data() -> MemoData:
    """``rules/memos.yaml``, checked against ``rules/vocabulary.yaml`` beside it, loaded once per process.

    Only the vocabulary is read with it (not the whole rulebook), so naming the templates stays cheap.
    """
    return load_memo_data(MEMOS_PATH, load_vocabulary(MEMOS_PATH.parent / "vocabulary.yaml"))
