"""Shapes of the rule data files (catalogue, parameters, sources, versions, facts), validated strictly."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
RULE_ID = re.compile(r"^[A-Z]{3}-\d{2}$")
FACT_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def _iso_date(value: str) -> str:
    """A real calendar date written ``YYYY-MM-DD``; it stays text (ISO dates sort as text)."""
    if not ISO_DATE.match(value):
        raise ValueError(f"{value!r}: dates must be written YYYY-MM-DD, such as 2024-01-01")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value} is not a real date") from None
    return value


# Every date in the rule data: version ids, the keys of dated citations and values, in_force, sources.
IsoDateText = Annotated[str, AfterValidator(_iso_date)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class VersionEntry(_Strict):
    """One line of ``rules/versions.yaml``."""

    id: IsoDateText
    measure: str
    note: str = ""


class VersionsFile(_Strict):
    """``rules/versions.yaml``."""

    families: list[str] = Field(min_length=1)
    versions: list[VersionEntry] = Field(min_length=1)


class Source(_Strict):
    """A cited document in ``rules/sources.yaml``."""

    title: str
    issuer: str
    doc: str | None = None
    effective: IsoDateText | None = None
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


Citations = dict[IsoDateText, list[Citation]]


class RuleText(_Strict):
    """A rule's text in Chinese and English."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class InForce(_Strict):
    """When a rule is in force: from a version's date, and up to the day before a later version's."""

    from_: IsoDateText = Field(alias="from")
    to: IsoDateText | None = None


class CatalogueRule(_Strict):
    """One rule of a catalogue file."""

    id: str
    title: str = Field(min_length=1)
    severity: Literal["BLOCK", "WARN"] | None = None
    parameters: list[str] = []
    text: RuleText
    citations: Citations = Field(min_length=1)
    detail: dict[Literal["held", "failed", "not_applicable", "applied"], str]
    in_force: InForce | None = None

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


class ParameterField(_Strict):
    """One key of a mapping parameter (or of each band): its Chinese label and the code list of its value."""

    label: str = Field(min_length=1)
    codes: str | None = None


class ParameterMetadata(_Strict):
    """Metadata of a parameter file: its Chinese label, type, unit and dated citations.

    ``codes``: the code list of a text value or of a list's items (shown by their labels); ``keys``: the
    code list of a mapping's keys (weights, coefficients); ``fields``: the keys of a mapping or of each
    band, each with its label (and code list). The loader checks that the values use those codes.
    """

    label: str = Field(min_length=1)
    codes: str | None = None
    keys: str | None = None
    fields: dict[str, ParameterField] = {}
    type: Literal["text", "integer", "decimal", "list", "mapping", "weights", "bands", "coefficients"]
    unit: str
    local_scheme: bool = False
    citations: Citations = Field(min_length=1)


class ParameterFile(_Strict):
    """``rules/parameters/<family>/<name>.yaml``."""

    description: str = Field(min_length=1)
    metadata: ParameterMetadata
    values: dict[IsoDateText, DatedValue] = Field(min_length=1)


class EngineFactEntry(_Strict):
    """A fact durable_rules reads: its type, unit, label, code list and the rules whose conditions read it."""

    type: Literal["bool", "int", "text"]
    unit: Literal["flag", "count", "scaled_count", "hundredths", "working_day", "round", "code"]
    label: str = Field(min_length=1)
    codes: str | None = None
    read_by: list[str] = Field(min_length=1)


ShownUnit = Literal["share", "yuan", "points", "working_day", "people"]


class ShownFactEntry(_Strict):
    """A value a trace entry shows (its ``facts``) and its wording may name.

    ``unit``: how a memo's footnote writes a number (``share`` 0.4 → 40%, ``yuan``, ``points`` 分,
    ``working_day``, ``people`` 人); ``keys``: the code lists of a mapping's keys (``node_scores`` keys
    ``plan.expert_panel`` are [node, party]), labelled in footnotes.
    """

    label: str = Field(min_length=1)
    codes: str | None = None
    unit: ShownUnit | None = None
    keys: list[str] = []
    shown_by: list[str] = Field(min_length=1)


class DecidedEntry(_Strict):
    """A decided value (grade, coefficient, payable ...) that any rule's wording may name."""

    label: str = Field(min_length=1)
    codes: str | None = None
    unit: ShownUnit | None = None


class FactsFile(_Strict):
    """``rules/facts.yaml``."""

    engine: dict[str, EngineFactEntry] = Field(min_length=1)
    shown: dict[str, ShownFactEntry] = Field(min_length=1)
    decided: dict[str, DecidedEntry] = Field(min_length=1)

    @field_validator("engine", "shown", "decided")
    @classmethod
    def _names(cls, value: dict[str, Any]) -> dict[str, Any]:
        for name in value:
            if not FACT_NAME.match(name):
                raise ValueError(f"{name!r}: a fact name is lower-case snake_case, such as member_count")
        return value
