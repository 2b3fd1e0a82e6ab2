"""The reading's JSON shape as pydantic models, for the HTTP API's schema (contract "Reading a deliverable").

:class:`engine.deliverables.model.Reading` builds the JSON; these models describe it (and a test checks
that every reading of the corpus is valid against them). Absent optional keys are left out of the JSON,
so a route answering with :class:`ReadingOut` excludes ``None`` values.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LocationOut(_Out):
    """Where a value was read: a paragraph, or a table cell (0-based, in body order), with its text."""

    paragraph: int | None = Field(default=None, ge=0, description="index among the body's paragraphs")
    table: int | None = Field(default=None, ge=0, description="index among the body's tables")
    row: int | None = Field(default=None, ge=0, description="row of the table's grid")
    column: int | None = Field(default=None, ge=0, description="column of the table's grid")
    text: str = Field(description="the text as written there")
    header: str | None = Field(default=None, description="(cells) the header of the cell's column as written")


class FileOut(_Out):
    """The file as received."""

    name: str
    sha256: str = Field(pattern="^[0-9a-f]{64}$")
    bytes: int = Field(ge=0)


class WarningOut(_Out):
    """Something the reader noticed, worded in the reader's language, with the places it concerns."""

    code: str
    msg: str
    location: LocationOut | None = None
    other_location: LocationOut | None = Field(default=None, description="the second place of a conflict")


class ReadingOut(_Out):
    """A reading: the node's fields the file determines, where each was read, what it leaves unread."""

    node: Literal["plan", "draft"]
    file: FileOut
    fields: dict[str, Any] = Field(description="the contract's fields of the node that the file determines")
    locations: dict[str, LocationOut] = Field(description="field path → where it was read")
    unread: list[str] = Field(description="the node's fields the file does not determine")
    warnings: list[WarningOut]
    ignored_headings: list[LocationOut] = Field(
        description="heading-like paragraphs that head no known section"
    )
