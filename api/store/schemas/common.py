"""What the store's shapes share: the request and response bases, pages, decision statuses, plain JSON."""

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from api.store.jsondoc import plain

T = TypeVar("T")


def as_json(model: BaseModel) -> dict[str, Any]:
    """A contract model as plain JSON, leaving out what was not given (decimals exact, dates ISO).

    Goes through Python mode and :func:`api.store.jsondoc.plain` rather than pydantic's JSON mode, whose
    serializer for plain-validated types warns (pydantic 2.14); the text is the same.
    """
    data: dict[str, Any] = plain(model.model_dump(exclude_unset=True))
    return data


Eligibility = Literal["eligible", "needs_approval", "ineligible"]
AssessmentStatus = Literal["complete", "incomplete"]
FeeStatus = Literal["payable", "withheld", "suspended", "pending"]
Grade = Literal["优", "良", "中", "差"]
PanelStatus = Literal["valid", "invalid", "not_formed"]
Verdict = Literal["pass", "return", "not_submitted"]


class RequestShape(BaseModel):
    """Request bodies: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ResponseShape(BaseModel):
    """Response bodies."""

    model_config = ConfigDict(extra="forbid")


class PageQuery(RequestShape):
    """Which page of a list: ``limit`` items from ``offset``."""

    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=10_000_000)


class Page(ResponseShape, Generic[T]):
    """One page of a list."""

    items: list[T]
    total: int
    limit: int
    offset: int
