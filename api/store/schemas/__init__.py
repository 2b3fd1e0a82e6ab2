"""The store's request and response shapes, built from the contract models of :mod:`engine.models`.

The case and the decision themselves are ``engine.models.Case`` and ``engine.models.Decision``; these
modules only add what the store wraps around them: stored cases that reference the registries, registry
records, score writes, decision records, pages and audit entries. The HTTP API exposes them as they are.
"""

from api.store.schemas.audit import AuditEntry, AuditQuery
from api.store.schemas.cases import (
    AgencyRef,
    ArchiveRequest,
    CasePage,
    CasePublic,
    CaseQuery,
    CaseSummary,
    MemberRef,
    ScoresPut,
    StoredCase,
    StoredPanel,
)
from api.store.schemas.common import Page, PageQuery, as_json
from api.store.schemas.decisions import DecisionDetail, DecisionRecord, DecisionRequest
from api.store.schemas.deliverables import DeliverableInfo
from api.store.schemas.registries import AgencyPublic, AgencyRecord, ExpertPublic, ExpertRecord

__all__ = [
    "AgencyPublic",
    "AgencyRecord",
    "AgencyRef",
    "ArchiveRequest",
    "AuditEntry",
    "AuditQuery",
    "CasePage",
    "CasePublic",
    "CaseQuery",
    "CaseSummary",
    "DecisionDetail",
    "DecisionRecord",
    "DecisionRequest",
    "DeliverableInfo",
    "ExpertPublic",
    "ExpertRecord",
    "MemberRef",
    "Page",
    "PageQuery",
    "ScoresPut",
    "StoredCase",
    "StoredPanel",
    "as_json",
]
