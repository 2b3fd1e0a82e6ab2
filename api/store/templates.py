"""Memo templates the office uploads.

An upload passes three checks before anything is stored, so a refused one never changes the template in
force: the Office-file guard (:func:`engine.office_file.check_package`: size, parts, inflated sizes, no
DTD or entities, no macros; too large is 413, the rest 422 naming the part); then, in a child process
under the render budget (:mod:`engine.memos.isolation`), the lint against its stem's contract
(:func:`engine.memos.lint.check_template`: one 422 entry per problem -- ``_`` attributes, unknown names
or filters, calls, loops nested too deep) and a trial render of every memo kind that uses the stem, with
the worked example and a variant of it with proven misconduct (a template that fails or goes over the
budget there is refused). Every accepted upload is kept (keyed by stem and sha256); the newest of a stem
is the one in force. A decision records the uploads in force when it is made (``{stem: sha256}``) and its
memos always render with those bytes, so a later upload never changes an issued memo.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from api import jsonio
from api.errors import NotFoundError, PayloadTooLargeError
from api.store.audit import add_audit
from api.store.db import begin_write, flush_new
from api.store.tables import TemplateRow
from engine import evaluate
from engine.errors import CaseError
from engine.memos import DEFAULT_TEMPLATE_DIR, MemoNotApplicableError, MemoTemplateError, build_context
from engine.memos.fields import TEMPLATE_FIELDS
from engine.memos.isolation import RenderBudgetError
from engine.memos.kinds import KIND_TEMPLATES
from engine.office_file import Limits, OfficeFileError, check_package
from engine.problems import entry

if TYPE_CHECKING:
    from api.store.access import Principal
    from engine.memos import OfficeInfo
    from engine.memos.context import MemoContext
    from engine.memos.isolation import Renderer

STEMS: tuple[str, ...] = tuple(TEMPLATE_FIELDS)
"""The template names: ``eligibility``, ``review``, ``fee``, ``referral``."""

SPECIMEN = Path(__file__).resolve().parents[2] / "engine" / "testing" / "QB-2024-007.case.json"
"""The worked example (rulebook §7): the case every uploaded template is tried with."""


def _known(stem: str) -> None:
    if stem not in STEMS:
        raise NotFoundError("api.no_template", stem=stem, stems=", ".join(STEMS))


def sha256(data: bytes) -> str:
    """The SHA-256 (hex) of a template's bytes."""
    return hashlib.sha256(data).hexdigest()


def _latest(session: Session, stem: str) -> TemplateRow | None:
    statement = select(TemplateRow).where(TemplateRow.stem == stem).order_by(col(TemplateRow.id).desc())
    return session.exec(statement.limit(1)).first()


def in_force(session: Session) -> dict[str, str] | None:
    """``{stem: sha256}`` of the uploaded templates in force, or ``None`` when none was ever uploaded."""
    found = {stem: row.sha256 for stem in STEMS if (row := _latest(session, stem)) is not None}
    return found or None


def listing(*, session: Session) -> list[dict[str, Any]]:
    """Every template: stem, sha256, size, and whether it is the shipped one or an upload (by whom, when)."""
    out: list[dict[str, Any]] = []
    for stem in STEMS:
        row = _latest(session, stem)
        if row is None:
            data = (DEFAULT_TEMPLATE_DIR / f"{stem}.docx").read_bytes()
            out.append(
                {
                    "stem": stem,
                    "sha256": sha256(data),
                    "size": len(data),
                    "source": "shipped",
                    "uploaded_by": None,
                    "uploaded_at": None,
                }
            )
        else:
            out.append(
                {
                    "stem": stem,
                    "sha256": row.sha256,
                    "size": row.size,
                    "source": "uploaded",
                    "uploaded_by": row.actor,
                    "uploaded_at": row.created_at,
                }
            )
    return out


def get_bytes(*, session: Session, stem: str) -> bytes:
    """The bytes of the template in force for ``stem``."""
    _known(stem)
    row = _latest(session, stem)
    return row.data if row is not None else (DEFAULT_TEMPLATE_DIR / f"{stem}.docx").read_bytes()


@functools.cache
def _specimen_decisions() -> tuple[tuple[dict[str, Any], dict[str, Any]], ...]:
    """The worked example and a variant with proven misconduct (a referral, a suspended fee), decided."""
    example = jsonio.loads(SPECIMEN.read_bytes())
    misconduct = copy.deepcopy(example)
    misconduct["prohibited_conduct"] = ["fabrication"]
    return tuple((case, evaluate(case)) for case in (example, misconduct))


def trial_contexts(stem: str, office: OfficeInfo) -> list[tuple[MemoContext, OfficeInfo, dt.date]]:
    """What an upload of ``stem`` is tried with: every memo kind using it, for each specimen that has it."""
    date = dt.date(2024, 7, 1)
    trials = []
    for case, decision in _specimen_decisions():
        for kind, template in KIND_TEMPLATES.items():
            if template != stem:
                continue
            try:
                context = build_context(
                    case, decision, kind, office=office, document_number=1, document_date=date
                )
            except MemoNotApplicableError:
                continue
            trials.append((context, office, date))
    return trials


def _refused(problem: Any, **ctx: Any) -> CaseError:
    """A refused upload: one entry of type ``template_refused``; ``ctx.check`` names the check it failed."""
    return CaseError([entry(["body"], "template_refused", problem=problem, **ctx)])


def check_upload(stem: str, data: bytes, *, limits: Limits, renderer: Renderer, office: OfficeInfo) -> None:
    """Every check an upload passes before it is stored (see the module's docstring).

    Raises:
        PayloadTooLargeError: the file is over the size limit (413).
        CaseError: the file is refused: one entry per problem (422).
    """
    try:
        check_package(data, kind="docx", limits=limits)
    except OfficeFileError as exc:
        if exc.status == 413:
            raise PayloadTooLargeError(exc.message_id, **exc.values) from None
        raise _refused(exc, **exc.values, check=exc.key) from None
    try:
        renderer.check(stem, data, trial_contexts(stem, office))
    except MemoTemplateError as exc:
        raise CaseError([entry(["body"], "template_refused", problem=p) for p in exc.problems]) from None
    except RenderBudgetError as exc:
        raise _refused(exc, check=f"render_{exc.reason}") from None


def upload(  # noqa: PLR0913 - the upload, who sends it, and what it is checked with
    *,
    session: Session,
    stem: str,
    data: bytes,
    actor: Principal,
    limits: Limits,
    renderer: Renderer,
    office: OfficeInfo,
) -> dict[str, Any]:
    """Check and store an upload as the template in force for ``stem`` (413/422; nothing stored then)."""
    _known(stem)
    check_upload(stem, data, limits=limits, renderer=renderer, office=office)
    digest = sha256(data)
    begin_write(session)
    latest = _latest(session, stem)
    if latest is None or latest.sha256 != digest:
        existing = session.exec(
            select(TemplateRow).where(TemplateRow.stem == stem, TemplateRow.sha256 == digest)
        ).first()
        if existing is not None:  # re-uploading an older version: make it the newest again
            session.delete(existing)
            session.flush()
        session.add(TemplateRow(stem=stem, sha256=digest, data=data, size=len(data), actor=actor.actor))
        flush_new(session, f"template {stem} {digest}")
        add_audit(
            session, actor, "template.upload", f"template:{stem}", {"sha256": digest, "size": len(data)}
        )
    session.commit()
    return next(item for item in listing(session=session) if item["stem"] == stem)


def template_data(session: Session, chosen: dict[str, Any] | None, stem: str) -> bytes | None:
    """The bytes of the ``stem`` template of ``chosen`` (``{stem: sha256}``), or ``None``: the shipped one."""
    digest = (chosen or {}).get(stem)
    if digest is None:
        return None
    row = session.exec(
        select(TemplateRow).where(TemplateRow.stem == stem, TemplateRow.sha256 == digest)
    ).first()
    if row is None:
        raise NotFoundError("api.template_missing", stem=stem, digest=digest)
    return row.data
