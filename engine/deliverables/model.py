"""The reading of a deliverable in the contract's shape ("Reading a deliverable"), and its places.

Indices are 0-based as the contract has them (paragraphs and tables in body order, rows and columns of a
table's grid); sentences for people count from 1 (表2第5行), worded by ``rules/messages.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from rules import load_rulebook
from rules.messages import Lang, message

Node = Literal["plan", "draft"]


@dataclass(frozen=True)
class FieldName:
    """A case field named in a sentence by its vocabulary label (指标权重 / weight)."""

    path: tuple[str, ...]

    def label(self, lang: Lang = "zh") -> str:
        """The field's label in a language."""
        return load_rulebook().vocabulary.field_label(self.path, lang) or ".".join(self.path)


@dataclass(frozen=True)
class Location:
    """Where a value was read: a paragraph, or a table cell (its grid position), with the text there.

    ``header`` (cells only) is the header of the cell's column as written, so a reader can say which
    column (‘权重’栏) without opening the file.
    """

    text: str
    paragraph: int | None = None
    table: int | None = None
    row: int | None = None
    column: int | None = None
    header: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The contract's location object (absent keys left out)."""
        out: dict[str, Any] = {}
        if self.paragraph is not None:
            out["paragraph"] = self.paragraph
        if self.table is not None:
            out["table"] = self.table
            if self.row is not None:
                out["row"] = self.row
            if self.column is not None:
                out["column"] = self.column
        out["text"] = self.text
        if self.header is not None:
            out["header"] = self.header
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Location:
        """A location read back from its JSON object."""
        return cls(
            text=str(data.get("text", "")),
            paragraph=data.get("paragraph"),
            table=data.get("table"),
            row=data.get("row"),
            column=data.get("column"),
            header=data.get("header"),
        )

    def place(self, lang: Lang = "zh") -> str:
        """The place in words, counting from 1: 第13段 / 表2第5行第3列 (‘权重’栏)."""
        if self.paragraph is not None:
            return message("deliverable.place_paragraph", lang, paragraph=self.paragraph + 1)
        if self.column is None:
            return message(
                "deliverable.place_row", lang, table=(self.table or 0) + 1, row=(self.row or 0) + 1
            )
        key = "deliverable.place_cell" if self.header else "deliverable.place_cell_no_header"
        return message(
            key,
            lang,
            table=(self.table or 0) + 1,
            row=(self.row or 0) + 1,
            column=self.column + 1,
            header=self.header or "",
        )


@dataclass(frozen=True)
class ReadingWarning:
    """Something the reader noticed: a message id of ``rules/messages.yaml`` with its values and places.

    Values that are :class:`Location` are worded as places in the reader's language; ``location`` is
    the place the warning is about and ``other_location`` the second place of a conflict.
    """

    code: str
    values: dict[str, Any] = field(default_factory=dict)
    location: Location | None = None
    other_location: Location | None = None

    def text(self, lang: Lang = "zh") -> str:
        """The warning in a language."""
        values = {k: _worded(v, lang) for k, v in self.values.items()}
        return message(f"deliverable.{self.code}", lang, **values)

    def to_json(self, lang: Lang = "zh") -> dict[str, Any]:
        """``{"code", "msg", "location"[, "other_location"]}``."""
        out: dict[str, Any] = {"code": self.code, "msg": self.text(lang)}
        if self.location is not None:
            out["location"] = self.location.to_json()
        if self.other_location is not None:
            out["other_location"] = self.other_location.to_json()
        return out


def _worded(value: Any, lang: Lang) -> Any:
    if isinstance(value, Location):
        return value.place(lang)
    if isinstance(value, FieldName):
        return value.label(lang)
    return value


@dataclass(frozen=True)
class FileInfo:
    """The file as received: its name, SHA-256 and size in bytes."""

    name: str
    sha256: str
    bytes: int

    def to_json(self) -> dict[str, Any]:
        """``{"name", "sha256", "bytes"}``."""
        return {"name": self.name, "sha256": self.sha256, "bytes": self.bytes}


@dataclass(frozen=True)
class Reading:
    """What a deliverable says about its node: the fields it determines, where, what it leaves unread.

    ``ignored_headings`` lists the paragraphs that look like headings but head no known section (the
    summary names them; they are not warnings).
    """

    node: Node
    file: FileInfo
    fields: dict[str, Any]
    locations: dict[str, Location]
    unread: list[str]
    warnings: list[ReadingWarning]
    ignored_headings: list[Location] = field(default_factory=list)

    def to_json(self, lang: Lang = "zh") -> dict[str, Any]:
        """The contract's reading object; warnings worded in ``lang``."""
        return {
            "node": self.node,
            "file": self.file.to_json(),
            "fields": self.fields,
            "locations": {path: loc.to_json() for path, loc in self.locations.items()},
            "unread": list(self.unread),
            "warnings": [w.to_json(lang) for w in self.warnings],
            "ignored_headings": [loc.to_json() for loc in self.ignored_headings],
        }
