"""Stored decisions: the request that makes one, the record kept, the record with the case evaluated."""

from datetime import date, datetime
from typing import Any

from pydantic import Field, StrictInt, field_serializer

from api.store.schemas.common import RequestShape, ResponseShape, as_json
from engine.models import Case, Decision, IsoDate


class DecisionRequest(RequestShape):
    """Optional memo details of a new decision (the document date defaults to the day it is stored)."""

    document_number: StrictInt | None = Field(default=None, ge=1, le=999_999)
    document_date: IsoDate | None = None


class DecisionRecord(ResponseShape):
    """A stored decision: numbered per case, never changed."""

    case_id: str
    number: int
    rule_version: str
    rule_hash: str = Field(description="content hash of the rule version's data")
    input_hash: str = Field(description="SHA-256 of the exact case evaluated (canonical JSON)")
    output_hash: str = Field(description="SHA-256 of the decision (canonical JSON)")
    document_number: int | None
    document_date: date
    actor: str
    created_at: datetime
    decision: Decision


class DecisionDetail(DecisionRecord):
    """A stored decision with the case exactly as evaluated (registry records resolved)."""

    input: Case

    @field_serializer("input")
    def _as_evaluated(self, case: Case) -> dict[str, Any]:
        """Exactly the JSON whose SHA-256 is ``input_hash``."""
        return as_json(case)
