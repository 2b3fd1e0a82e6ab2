"""新建 / 编辑案件: the case form (and a contract case as a JSON file), with the API's If-Match semantics.

A new case goes through :func:`api.store.cases.create_case`, an edit through
:func:`api.store.cases.patch_case` as a merge patch from the stored case to the one on the form, with the
version the form was opened on as ``If-Match``. When someone else saved the case meanwhile, nothing is
written: the form comes back with everything typed in it, the changes the other person made (between
the case the form was opened on, kept in the form, and the case now), and the new version, so saving
again is a deliberate choice.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from fastapi import Request, Response
from fastapi.responses import RedirectResponse

from api.errors import ConflictError
from api.http.deps import CaseIdPath, SessionDep
from api.http.routing import parse_json
from api.jsonio import JsonError
from api.roles import OFFICE
from api.store import cases as store
from api.store.access import require_role
from api.store.schemas import as_json
from api.web.auth import Form, Posted, Signed
from api.web.forms.case_form import SECTIONS, TOP, body_of, values_of
from api.web.forms.spec import Values
from api.web.forms.view import control_ids, row_counts, sections_view
from api.web.pages import field, msg, render
from api.web.problems import Problem, from_errors
from api.web.routing import page_router
from engine.errors import CaseError

if TYPE_CHECKING:
    from api.settings import Settings

router = page_router()
_MAX_BASE = 1_000_000


def _posted_values(form: Form) -> Values:
    values = Values(
        fields={k: v for k, v in form.values().items() if not k.startswith(("rows.", "csrf", "_"))}
    )
    row_counts(values, form.values())
    added = form.text("_add")
    if added:
        values.rows[added] = values.rows.get(added, 1) + 1
    return values


def _page(  # noqa: PLR0913 - what the form page shows
    request: Request,
    values: Values,
    *,
    status: int = 200,
    problems: list[Problem] | None = None,
    edit: dict[str, Any] | None = None,
    changes: list[tuple[str, str, str, str]] | None = None,
    notice: str | None = None,
) -> Response:
    head, sections = sections_view(SECTIONS, values, TOP)
    return render(
        request,
        "case_form.html",
        status,
        head=head,
        sections=sections,
        conduct=values.chosen("prohibited_conduct"),
        edit=edit,
        changes=changes or [],
        errors=problems or [],
        notice=notice,
    )


def _problems(values: Values, errors: list[dict[str, Any]]) -> list[Problem]:
    head, sections = sections_view(SECTIONS, values, TOP)
    ids = control_ids(head, sections) | {"prohibited_conduct", "case-json"}
    return from_errors(errors, ids)


@router.get("/cases/new")
def new_case(request: Request, user: Signed) -> Response:
    """The blank form (the commissioning party filled in with the office's name)."""
    require_role(user.principal, OFFICE)
    settings: Settings = request.app.state.settings
    values = values_of({"commission": {"commissioning_party": settings.office_name}})
    return _page(request, values)


@router.post("/cases/new")
def create(request: Request, posted: Posted, session: SessionDep) -> Response:
    """Store the case on the form; errors: the form again with them, everything typed kept."""
    require_role(posted.user.principal, OFFICE)
    values = _posted_values(posted.form)
    if posted.form.text("_add"):
        return _page(request, values)
    body = body_of(values)
    try:
        case = store.create_case(session=session, data=body, actor=posted.user.principal)
    except CaseError as exc:
        return _page(request, values, status=422, problems=_problems(values, exc.errors))
    except ConflictError:
        problem = Problem(msg("web.form.case_id_taken", case_id=body.get("case_id", "")), "case_id")
        return _page(request, values, status=409, problems=[problem])
    return RedirectResponse(f"/cases/{case.case_id}?created={case.case_id}", status_code=303)


@router.post("/cases/new/json")
def create_from_json(request: Request, posted: Posted, session: SessionDep) -> Response:
    """Store a contract case uploaded as a JSON file; its errors are listed, the form filled from it."""
    require_role(posted.user.principal, OFFICE)
    upload = posted.form.file("case_json")
    settings: Settings = request.app.state.settings
    blank = values_of({"commission": {"commissioning_party": settings.office_name}})
    if upload is None:
        return _page(request, blank, status=422, problems=[Problem(msg("web.form.no_file"), "case-json")])
    try:
        data = parse_json(upload.file.read())
    except JsonError as exc:
        problem = Problem(msg("web.form.not_json", reason=exc), "case-json")
        return _page(request, blank, status=422, problems=[problem])
    values = values_of(data) if isinstance(data, dict) else blank
    try:
        case = store.create_case(session=session, data=data, actor=posted.user.principal)
    except CaseError as exc:
        return _page(request, values, status=422, problems=_problems(values, exc.errors))
    except ConflictError:
        case_id = data.get("case_id", "") if isinstance(data, dict) else ""
        problem = Problem(msg("web.form.case_id_taken", case_id=case_id), "case_id")
        return _page(request, values, status=409, problems=[problem])
    return RedirectResponse(f"/cases/{case.case_id}?created={case.case_id}", status_code=303)


def _shown(value: Any) -> str:
    return "、".join(value) if isinstance(value, list) else str(value)


def _changes(base: dict[str, Any], current: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(label, field name, before, after) of every field that differs between two stored cases."""
    before, after = values_of(base).fields, values_of(current).fields
    out = []
    for name in sorted(before.keys() | after.keys()):
        old, new = before.get(name, ""), after.get(name, "")
        if old != new:
            path = ".".join(p for p in name.split(".") if not p.isdigit())
            out.append((field(path), name, _shown(old) or "—", _shown(new) or "—"))
    return out


def _diff_patch(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The JSON merge patch (RFC 7396) that turns ``old`` into ``new`` (neither holds nulls)."""
    patch: dict[str, Any] = dict.fromkeys(old.keys() - new.keys())
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(old.get(key), dict):
            inner = _diff_patch(old[key], value)
            if inner:
                patch[key] = inner
        elif key not in old or old[key] != value:
            patch[key] = value
    return patch


@router.get("/cases/{case_id}/edit")
def edit_case(request: Request, case_id: CaseIdPath, user: Signed, session: SessionDep) -> Response:
    """The form of a stored case (its version and the case as opened kept in the form)."""
    require_role(user.principal, OFFICE)
    stored = store.get_case(session=session, case_id=case_id, principal=user.principal)
    body = as_json(stored.case)
    edit = {"case_id": case_id, "version": stored.version, "base": json.dumps(body, ensure_ascii=False)}
    return _page(request, values_of(body), edit=edit)


@router.post("/cases/{case_id}/edit")
def save_case(request: Request, case_id: CaseIdPath, posted: Posted, session: SessionDep) -> Response:
    """Save the form as a merge patch with ``If-Match``; someone else's save meanwhile: the conflict page."""
    principal = posted.user.principal
    require_role(principal, OFFICE)
    stored = store.get_case(session=session, case_id=case_id, principal=principal)
    current = as_json(stored.case)
    values = _posted_values(posted.form)
    values.fields["case_id"] = case_id
    version = posted.form.text("version")
    base_text = posted.form.text("base")
    edit = {"case_id": case_id, "version": version, "base": base_text}
    if posted.form.text("_add"):
        return _page(request, values, edit=edit)
    if version != str(stored.version):
        return _conflict(
            request, values, case_id=case_id, base_text=base_text, current=current, version=stored.version
        )
    body = body_of(values, keep_scores_of=current)
    patch = _diff_patch(current, body)
    if not patch:
        return RedirectResponse(f"/cases/{case_id}?version={stored.version}", status_code=303)
    session.rollback()  # the read above; the write takes its own lock first
    try:
        saved = store.patch_case(
            session=session, case_id=case_id, patch=patch, if_match=f'"{version}"', actor=principal
        )
    except CaseError as exc:
        return _page(request, values, status=422, problems=_problems(values, exc.errors), edit=edit)
    except ConflictError:
        session.rollback()
        again = store.get_case(session=session, case_id=case_id, principal=principal)
        return _conflict(
            request,
            values,
            case_id=case_id,
            base_text=base_text,
            current=as_json(again.case),
            version=again.version,
        )
    return RedirectResponse(f"/cases/{case_id}?version={saved.version}", status_code=303)


def _conflict(  # noqa: PLR0913 - the form as typed, and both versions of the case
    request: Request, values: Values, *, case_id: str, base_text: str, current: dict[str, Any], version: int
) -> Response:
    try:
        base = json.loads(base_text) if len(base_text) <= _MAX_BASE else {}
    except ValueError:
        base = {}
    edit = {"case_id": case_id, "version": version, "base": json.dumps(current, ensure_ascii=False)}
    changes = _changes(base if isinstance(base, dict) else {}, current)
    return _page(
        request,
        values,
        status=409,
        edit=edit,
        changes=changes,
        problems=[Problem(msg("web.case.conflict", version=version), "changes")],
    )
