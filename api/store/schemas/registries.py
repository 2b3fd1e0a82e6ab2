"""Registry records: agencies by credit code (with their derived history) and experts by id."""

from datetime import datetime
from typing import Any, ClassVar

from pydantic import field_serializer, model_validator

from api.store.schemas.common import RequestShape, ResponseShape, as_json
from engine.models import (
    CaseId,
    CreditCode,
    HistoryEntry,
    ListBatch,
    MarketplaceStatus,
    Member,
    Name,
    Text,
    Violation,
)
from engine.normalise import normalise_at


class AgencyRecord(RequestShape):
    """An agency in the registry, keyed by credit code; its history is kept by kaoping.

    ``earlier_history`` holds complete assessments from before kaoping; the decisions kaoping stores
    are added to the history automatically.
    """

    name: Name
    credit_code: CreditCode
    kind: Text
    designated_list: list[ListBatch]
    marketplace_status: MarketplaceStatus
    affiliations: list[Name]
    violations: list[Violation]
    earlier_history: list[HistoryEntry] = []  # noqa: RUF012 - a pydantic field's default, copied per instance

    CASE_PLACE: ClassVar[str] = "agency"
    """Where the record sits in a case: its fields are that part's (labels, code lists, normal form)."""

    @model_validator(mode="before")
    @classmethod
    def _normal_form(cls, data: Any) -> Any:
        """Read as the case's agency is: a kind's label as its code, full-width ids and dates."""
        return normalise_at(cls.CASE_PLACE, data)


class AgencyPublic(ResponseShape):
    """A registry agency with its full history (earlier entries and kaoping's decisions), by date."""

    record: AgencyRecord
    history: list[HistoryEntry]
    version: int
    updated_at: datetime

    @field_serializer("record")
    def _as_written(self, record: AgencyRecord) -> dict[str, Any]:
        return as_json(record)

    @field_serializer("history")
    def _entries(self, history: list[HistoryEntry]) -> list[dict[str, Any]]:
        return [as_json(entry) for entry in history]


class ExpertRecord(Member):
    """An expert in the registry (the panel member shape; the id is 1-64 letters, digits, ``-_.``)."""

    id: CaseId

    CASE_PLACE: ClassVar[str] = "panel.members"
    """Where the record sits in a case: its fields are a panel member's (labels, code lists, normal form)."""

    @model_validator(mode="before")
    @classmethod
    def _normal_form(cls, data: Any) -> Any:
        """Read as a case's panel member is: a pool's or relation's label as its code, full-width ids."""
        return normalise_at(cls.CASE_PLACE, data)


class ExpertPublic(ResponseShape):
    """A registry expert."""

    record: ExpertRecord
    version: int
    updated_at: datetime

    @field_serializer("record")
    def _as_written(self, record: ExpertRecord) -> dict[str, Any]:
        return as_json(record)
