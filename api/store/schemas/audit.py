"""The audit log's query and entries."""

from datetime import datetime

from pydantic import Field

from api.store.schemas.common import PageQuery, ResponseShape
from engine.models import Text


class AuditQuery(PageQuery):
    """Audit log filters; newest first."""

    actor: Text | None = Field(default=None, max_length=300)
    action: Text | None = Field(default=None, max_length=40)
    target: Text | None = Field(default=None, max_length=300)


class AuditEntry(ResponseShape):
    """One write: who did what to which thing, when."""

    id: int
    at: datetime
    actor: str
    action: str
    target: str
    detail: dict[str, object] | None
