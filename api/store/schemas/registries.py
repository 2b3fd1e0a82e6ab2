"""Registry records: agencies by credit code (with their derived history) and experts by id."""

from datetime import datetime
from typing import Any

from pydantic import field_serializer

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


class ExpertPublic(ResponseShape):
    """A registry expert."""

    record: ExpertRecord
    version: int
    updated_at: datetime

    @field_serializer("record")
    def _as_written(self, record: ExpertRecord) -> dict[str, Any]:
        return as_json(record)
