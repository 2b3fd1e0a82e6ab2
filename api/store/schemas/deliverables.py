"""Uploaded Word deliverables: what the store keeps of each, as the API lists it."""

from datetime import datetime
from typing import Literal

from pydantic import Field

from api.store.schemas.common import ResponseShape


class DeliverableInfo(ResponseShape):
    """A deliverable as received: which case and node, the file's name, SHA-256 and size, who and when."""

    id: int
    case_id: str
    node: Literal["plan", "draft"]
    name: str
    sha256: str
    size: int
    uploaded_by: str
    uploaded_at: datetime
    applied_version: int | None = Field(
        description="the case version its reading was written into (apply=true), or null when only read"
    )
