"""Shapes only the HTTP API has: its error bodies, the health check and the rule versions it serves.

The stored things (cases, decisions, registries, pages, audit) are the store's: :mod:`api.store.schemas`.
"""

from typing import Literal

from api.store.schemas.common import ResponseShape
from engine.models import ErrorItem


class ErrorResponse(ResponseShape):
    """422: one entry per bad field, ``loc`` without any transport prefix (contract "Errors")."""

    detail: list[ErrorItem]


class Message(ResponseShape):
    """Any other error: a sentence."""

    detail: str


class RuleOut(ResponseShape):
    """One rule of a version."""

    id: str
    title: str
    text_zh: str
    text_en: str
    severity: str | None
    cite: str
    parameters: dict[str, object]


class RuleVersionOut(ResponseShape):
    """One rule version with its rules."""

    version: str
    valid_from: str
    valid_to: str | None
    measure: str
    content_hash: str
    rules: list[RuleOut]


class Health(ResponseShape):
    """Liveness and database reachability."""

    status: Literal["ok", "unavailable"]
    database: Literal["ok", "unavailable"]
