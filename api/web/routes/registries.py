"""机构库 / 专家库: list, show, create and edit registry records (the API's store functions).

The finance office and the auditor read the registries, only the office writes them (others: 403, as
the API). An edit sends the version it was opened on (the API's ``If-Match``): when someone else saved
the record meanwhile, the form comes back with what was typed and the new version.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from api.errors import ConflictError
from api.http.deps import CreditCodePath, ExpertIdPath, SessionDep
from api.roles import OFFICE, READ_ALL
from api.store import registry
from api.store.access import require_role
from api.store.schemas import as_json
from api.web.auth import Posted, Signed
from api.web.forms.registry_forms import AGENCIES, EXPERTS, RegistryKind
from api.web.forms.spec import Values, build, flatten
from api.web.forms.view import control_ids, row_counts, sections_view
from api.web.pages import msg, render
from api.web.problems import Problem, from_errors
from api.web.routing import page_router
from engine.errors import CaseError
from engine.validate import errors_from_validation

if TYPE_CHECKING:
    from api.store.access import Principal

router = page_router()
PAGE = 50


def _offset(request: Request) -> int:
    raw = request.query_params.get("offset", "0")
    return min(int(raw), 10_000_000) if raw.isdigit() else 0


def _list(request: Request, kind: RegistryKind, principal: Principal, session: SessionDep) -> Response:
    require_role(principal, READ_ALL)
    offset = _offset(request)
    if kind is AGENCIES:
        items: list[Any]
        items, total = registry.list_agencies(session=session, limit=PAGE, offset=offset)
        records = [(as_json(a.record), a.version, a.updated_at) for a in items]
    else:
        items, total = registry.list_experts(session=session, limit=PAGE, offset=offset)
        records = [(as_json(e.record), e.version, e.updated_at) for e in items]
    return render(
        request,
        "registry_list.html",
        kind=kind.name,
        records=records,
        total=total,
        offset=offset,
        page=PAGE,
        can_write=principal.role in OFFICE,
    )


def _form(  # noqa: PLR0913 - the form page's parts
    request: Request,
    kind: RegistryKind,
    values: Values,
    *,
    key: str | None,
    version: int | str | None,
    status: int = 200,
    problems: list[Problem] | None = None,
    notice: str | None = None,
) -> Response:
    head, _ = sections_view((), values, kind.fields, label_prefix=kind.label_prefix)
    return render(
        request,
        "registry_form.html",
        status,
        kind=kind.name,
        head=head,
        key=key,
        version=version,
        errors=problems or [],
        notice=notice,
    )


def _values(posted: Posted) -> Values:
    values = Values(
        fields={k: v for k, v in posted.form.values().items() if not k.startswith(("rows.", "csrf", "_"))}
    )
    row_counts(values, posted.form.values())
    added = posted.form.text("_add")
    if added:
        values.rows[added] = values.rows.get(added, 1) + 1
    return values


def _record(kind: RegistryKind, values: Values) -> Any:
    """The record the form holds, validated (``CaseError`` with the contract's entries when not)."""
    try:
        return kind.model.model_validate(build((), values, kind.fields))
    except ValidationError as exc:
        raise CaseError(errors_from_validation(exc, place=kind.label_prefix.split("."))) from None


def _problems(kind: RegistryKind, values: Values, errors: list[dict[str, Any]]) -> list[Problem]:
    head, _ = sections_view((), values, kind.fields, label_prefix=kind.label_prefix)
    return from_errors(errors, control_ids(head, []), prefix=())


def _show(
    request: Request, kind: RegistryKind, key: str, principal: Principal, session: SessionDep
) -> Response:
    require_role(principal, READ_ALL)
    if kind is AGENCIES:
        found = registry.get_agency(session=session, credit_code=key)
        history = [as_json(h) for h in found.history]
    else:
        found = registry.get_expert(session=session, expert_id=key)  # type: ignore[assignment]
        history = []
    if principal.role in OFFICE:
        record = as_json(found.record)
        return _form(
            request,
            kind,
            flatten((), record, kind.fields),
            key=key,
            version=found.version,
            notice=_saved(request),
        )
    return render(
        request,
        "registry_show.html",
        kind=kind.name,
        record=as_json(found.record),
        history=history,
        version=found.version,
    )


def _saved(request: Request) -> str | None:
    return msg("web.registry.saved") if request.query_params.get("saved") else None


def _create(request: Request, kind: RegistryKind, posted: Posted, session: SessionDep) -> Response:
    principal = posted.user.principal
    require_role(principal, OFFICE)
    values = _values(posted)
    if posted.form.text("_add"):
        return _form(request, kind, values, key=None, version=None)
    try:
        record = _record(kind, values)
        if kind is AGENCIES:
            registry.create_agency(session=session, record=record, actor=principal)
        else:
            registry.create_expert(session=session, record=record, actor=principal)
    except CaseError as exc:
        return _form(
            request,
            kind,
            values,
            key=None,
            version=None,
            status=422,
            problems=_problems(kind, values, exc.errors),
        )
    except ConflictError as exc:
        problem = Problem(str(exc.detail), "credit_code" if kind is AGENCIES else "id")
        return _form(request, kind, values, key=None, version=None, status=409, problems=[problem])
    return RedirectResponse(f"/{kind.name}/{kind.key_of(record.model_dump())}?saved=1", status_code=303)


def _update(request: Request, kind: RegistryKind, key: str, posted: Posted, session: SessionDep) -> Response:
    principal = posted.user.principal
    require_role(principal, OFFICE)
    values = _values(posted)
    values.fields[kind.key] = key
    version = posted.form.text("version")
    if posted.form.text("_add"):
        return _form(request, kind, values, key=key, version=version)
    try:
        record = _record(kind, values)
        if kind is AGENCIES:
            registry.update_agency(
                session=session, credit_code=key, record=record, if_match=f'"{version}"', actor=principal
            )
        else:
            registry.update_expert(
                session=session, expert_id=key, record=record, if_match=f'"{version}"', actor=principal
            )
    except CaseError as exc:
        return _form(
            request,
            kind,
            values,
            key=key,
            version=version,
            status=422,
            problems=_problems(kind, values, exc.errors),
        )
    except ConflictError:
        session.rollback()
        now = (
            registry.get_agency(session=session, credit_code=key)
            if kind is AGENCIES
            else registry.get_expert(session=session, expert_id=key)
        )
        problem = Problem(msg("web.registry.conflict", version=now.version))
        return _form(request, kind, values, key=key, version=now.version, status=409, problems=[problem])
    return RedirectResponse(f"/{kind.name}/{key}?saved=1", status_code=303)


@router.get("/agencies")
def agencies(request: Request, user: Signed, session: SessionDep) -> Response:
    """The agency registry."""
    return _list(request, AGENCIES, user.principal, session)


@router.get("/experts")
def experts(request: Request, user: Signed, session: SessionDep) -> Response:
    """The expert registry."""
    return _list(request, EXPERTS, user.principal, session)


@router.get("/agencies/new")
def new_agency(request: Request, user: Signed) -> Response:
    """A blank agency form."""
    require_role(user.principal, OFFICE)
    return _form(request, AGENCIES, flatten((), {}, AGENCY_FIELDS), key=None, version=None)


@router.get("/experts/new")
def new_expert(request: Request, user: Signed) -> Response:
    """A blank expert form."""
    require_role(user.principal, OFFICE)
    return _form(request, EXPERTS, flatten((), {}, EXPERT_FIELDS), key=None, version=None)


@router.post("/agencies/new")
def create_agency(request: Request, posted: Posted, session: SessionDep) -> Response:
    """Register an agency."""
    return _create(request, AGENCIES, posted, session)


@router.post("/experts/new")
def create_expert(request: Request, posted: Posted, session: SessionDep) -> Response:
    """Register an expert."""
    return _create(request, EXPERTS, posted, session)


@router.get("/agencies/{credit_code}")
def agency(request: Request, credit_code: CreditCodePath, user: Signed, session: SessionDep) -> Response:
    """One agency: its form (the office) or its record and history (the auditor)."""
    return _show(request, AGENCIES, credit_code, user.principal, session)


@router.get("/experts/{expert_id}")
def expert(request: Request, expert_id: ExpertIdPath, user: Signed, session: SessionDep) -> Response:
    """One expert: its form (the office) or its record (the auditor)."""
    return _show(request, EXPERTS, expert_id, user.principal, session)


@router.post("/agencies/{credit_code}")
def update_agency(
    request: Request, credit_code: CreditCodePath, posted: Posted, session: SessionDep
) -> Response:
    """Save an agency's record."""
    return _update(request, AGENCIES, credit_code, posted, session)


@router.post("/experts/{expert_id}")
def update_expert(request: Request, expert_id: ExpertIdPath, posted: Posted, session: SessionDep) -> Response:
    """Save an expert's record."""
    return _update(request, EXPERTS, expert_id, posted, session)


AGENCY_FIELDS = AGENCIES.fields
EXPERT_FIELDS = EXPERTS.fields
