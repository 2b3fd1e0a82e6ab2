"""The registry forms: an agency record (``AgencyRecord``) and an expert record (``ExpertRecord``).

Their fields are the case's agency and panel member fields, labelled as those (an agency's earlier
history as the case's ``agency.history``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from api.store.schemas import AgencyRecord, ExpertRecord
from api.web.forms.spec import Input, Repeat

AGENCY: tuple[Input | Repeat, ...] = (
    Input("name", width="w-30"),
    Input("credit_code", width="w-20"),
    Input("kind", "select", codes="agency_kind"),
    Repeat(
        "designated_list",
        (
            Input("batch", width="w-10"),
            Input("valid_from", "date", width="w-10"),
            Input("valid_to", "date", width="w-10"),
        ),
    ),
    Input("marketplace_status", "select", codes="marketplace_status"),
    Input("affiliations", "lines", width="w-30"),
    Repeat(
        "violations",
        (
            Input("kind", "select", codes="violation_kind"),
            Input("date", "date", width="w-10"),
            Input("note", optional=True, width="w-20"),
        ),
    ),
    Repeat(
        "earlier_history",
        (
            Input("decided_on", "date", width="w-10"),
            Input("composite", "number", width="w-6"),
            Input("grade", "select", codes="grade"),
        ),
        label_path="agency.history",
    ),
)

EXPERT: tuple[Input | Repeat, ...] = (
    Input("id", width="w-10"),
    Input("name", width="w-10"),
    Input("pool", "select", codes="pool"),
    Input("domain_expert", "bool"),
    Repeat(
        "ties",
        (
            Input("org", width="w-20"),
            Input("relation", "select", codes="relation"),
            Input("until", "date", optional=True, width="w-10"),
        ),
    ),
)


@dataclass(frozen=True)
class RegistryKind:
    """One registry as its pages show it."""

    name: str
    """``agencies`` or ``experts``: the pages' path."""
    fields: tuple[Input | Repeat, ...]
    label_prefix: str
    key: str
    """The record's key field (``credit_code``, ``id``)."""
    model: type[BaseModel]

    def key_of(self, record: dict[str, Any]) -> str:
        """The record's key."""
        return str(record.get(self.key, ""))


AGENCIES = RegistryKind("agencies", AGENCY, AgencyRecord.CASE_PLACE, "credit_code", AgencyRecord)
EXPERTS = RegistryKind("experts", EXPERT, ExpertRecord.CASE_PLACE, "id", ExpertRecord)
