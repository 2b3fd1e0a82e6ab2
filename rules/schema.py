"""Shapes of the rule data files (style.md §6.3-6.4), validated strictly when they load."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
RULE_ID = re.compile(r"^[A-Z]{3}-\d{2}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class VersionEntry(_Strict):
    """One line of ``rules/versions.yaml``."""

    id: str
    measure: str
    note: str = ""

    @field_validator("id")
    @classmethod
    def _iso(cls, value: str) -> str:
        if not ISO_DATE.match(value):
            raise ValueError("version ids are effective dates written YYYY-MM-DD")
        return value


class VersionsFile(_Strict):
    """``rules/versions.yaml``."""

    families: list[str] = Field(min_length=1)
    versions: list[VersionEntry] = Field(min_length=1)


class Source(_Strict):
    """A cited document in ``rules/sources.yaml``."""

    title: str
    issuer: str
    doc: str | None = None
    effective: str | None = None
    sources_md: str

    @field_validator("doc")
    @classmethod
    def _doc_number(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^\S+〔\d{4}〕\d+号$", value):
            raise ValueError("a document number reads like 财监〔2021〕4号")
        return value


class Citation(_Strict):
    """A citation: a registered source (with article or note) or the local scheme."""

    source: str | None = None
    article: str | None = None
    note: str | None = None
    local_scheme: bool = False

    @field_validator("article")
    @classmethod
    def _article(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^第[一二三四五六七八九十百]+条$", value):
            raise ValueError("an article reads like 第二条")
        return value


class RuleText(_Strict):
    """A rule's text in Chinese and English."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class CatalogueRule(_Strict):
    """One rule of a catalogue file."""

    id: str
    title: str = Field(min_length=1)
    severity: Literal["BLOCK", "WARN"] | None = None
    parameters: list[str] = []
    text: RuleText
    citations: dict[str, list[Citation]] = Field(min_length=1)
    detail: dict[Literal["held", "failed", "not_applicable", "applied"], str]
    in_force: dict[Literal["from", "to"], str] | None = None

    @field_validator("id")
    @classmethod
    def _rule_id(cls, value: str) -> str:
        if not RULE_ID.match(value):
            raise ValueError("a rule id reads like ELG-04")
        return value


class CatalogueFile(_Strict):
    """``rules/catalogue/<family>.yaml``."""

    family: str
    kind: Literal["check", "computation", "consequence"]
    not_applicable: str | None = None  # default wording when a check does not apply
    rules: list[CatalogueRule] = Field(min_length=1)


class DatedValue(_Strict):
    """A value in force from a date (``null`` ends the parameter)."""

    value: Any


class ParameterMetadata(_Strict):
    """Metadata of a parameter file: its type, unit and dated citations."""

    type: Literal["text", "integer", "decimal", "list", "mapping", "weights", "bands", "coefficients"]
    unit: str
    local_scheme: bool = False
    citations: dict[str, list[Citation]] = Field(min_length=1)


class ParameterFile(_Strict):
    """``rules/parameters/<family>/<name>.yaml``."""

    description: str = Field(min_length=1)
    metadata: ParameterMetadata
    values: dict[str, DatedValue] = Field(min_length=1)
