"""案件列表: the cases the signed-in party may see, filtered, a keyset page at a time (the API's list)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fastapi import Request, Response
from pydantic import ValidationError

from api.store.schemas import CaseQuery
from api.web.auth import Signed
from api.web.pages import list_label, msg, render
from api.web.problems import Problem
from api.web.routing import page_router

if TYPE_CHECKING:
    from api.settings import Settings
    from api.store.case_list import CaseList

router = page_router()

FILTERS: tuple[tuple[str, str], ...] = (
    ("eligibility", "eligibility_status"),
    ("panel", "panel_status"),
    ("plan_review", "verdict"),
    ("draft_review", "verdict"),
    ("grade", "grade"),
    ("fee", "fee_status"),
)
"""The list's drop-down filters and the code list of each."""
_QUERY_NAMES = frozenset({"year", "agency", "after", *(name for name, _ in FILTERS)})


def _problem(name: str) -> Problem:
    if name == "year":
        return Problem(msg("web.filter.year"), "f-year")
    if name == "agency":
        return Problem(msg("web.filter.agency"), "f-agency")
    if name == "after":
        return Problem(msg("web.filter.after"))
    code_list = dict(FILTERS).get(name, name)
    return Problem(msg("web.filter.code", label=list_label(code_list)), f"f-{name}")


def read_query(request: Request) -> tuple[CaseQuery, dict[str, str], list[Problem]]:
    """The list's query from the page's filters (blank ones left out), what was chosen, and any problems."""
    chosen = {k: v.strip() for k, v in request.query_params.items() if k in _QUERY_NAMES and v.strip()}
    try:
        query, problems = CaseQuery.model_validate(chosen), []
    except ValidationError as exc:
        bad = {str(error["loc"][0]) for error in exc.errors() if error["loc"]}
        kept = {k: v for k, v in chosen.items() if k not in bad}
        query, problems = CaseQuery.model_validate(kept), [_problem(name) for name in sorted(bad)]
    # A status chosen by its label (a link typed by hand) is shown chosen by its code, as the API reads it.
    chosen |= {name: str(getattr(query, name)) for name, _ in FILTERS if getattr(query, name) is not None}
    return query, chosen, problems


@router.get("/cases")
def case_list(request: Request, user: Signed) -> Response:
    """The list page."""
    query, chosen, problems = read_query(request)
    settings: Settings = request.app.state.settings
    cases: CaseList = request.app.state.cases
    page: dict[str, Any] = cases.page(
        principal=user.principal, query=query, count_cap=settings.list_count_cap
    )
    filters = {k: v for k, v in chosen.items() if k != "after"}
    next_link = None
    if page["next_after"] is not None:
        next_link = "/cases?" + urlencode({**filters, "after": page["next_after"]})
    first_link = "/cases?" + urlencode(filters) if query.after is not None else None
    return render(
        request,
        "case_list.html",
        page=page,
        chosen=chosen,
        filters=FILTERS,
        next_link=next_link,
        first_link=first_link,
        errors=problems,
    )
