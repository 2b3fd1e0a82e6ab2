"""规则 (each rule version: its rules with texts, parameters and citations) and 审计日志 (every write)."""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response
from pydantic import ValidationError

from api.http.deps import SessionDep
from api.roles import READ_ALL
from api.rulebook import rules_as_json
from api.store import audit
from api.store.access import require_role
from api.store.schemas import AuditQuery
from api.web.auth import Signed
from api.web.pages import msg, render
from api.web.problems import Problem
from api.web.routing import page_router
from engine import start
from rules import Rulebook

router = page_router()
PAGE = 50
_AUDIT_FILTERS = ("actor", "action", "target")


@cache
def _versions(rulebook: Rulebook) -> list[dict[str, Any]]:
    return list(reversed(rules_as_json(rulebook)))


@router.get("/rules")
def rules(request: Request, user: Signed) -> Response:
    """Every rule version, newest first, with its rules (every role may read them)."""
    del user
    return render(request, "rules.html", versions=_versions(start().rulebook))


@router.get("/audit")
def audit_log(request: Request, user: Signed, session: SessionDep) -> Response:
    """The audit log, newest first, filtered by actor, action or target (the office and the auditor)."""
    require_role(user.principal, READ_ALL)
    chosen = {k: request.query_params.get(k, "").strip() for k in _AUDIT_FILTERS}
    raw_offset = request.query_params.get("offset", "0")
    offset = int(raw_offset) if raw_offset.isdigit() and len(raw_offset) < 9 else 0
    problems: list[Problem] = []
    try:
        query = AuditQuery(limit=PAGE, offset=offset, **{k: v for k, v in chosen.items() if v})
    except ValidationError:
        problems = [Problem(msg("web.filter.audit"), "f-actor")]
        query = AuditQuery(limit=PAGE, offset=0)
    page = audit.list_audit(session=session, query=query)
    filters = {k: v for k, v in chosen.items() if v}
    links = {
        "prev": "/audit?" + urlencode({**filters, "offset": max(offset - PAGE, 0)}) if offset > 0 else None,
        "next": "/audit?" + urlencode({**filters, "offset": offset + PAGE})
        if offset + PAGE < page.total
        else None,
    }
    return render(request, "audit.html", page=page, chosen=chosen, links=links, errors=problems)
