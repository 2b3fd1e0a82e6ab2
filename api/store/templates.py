"""Memo templates the office uploads.

An upload is linted with :func:`engine.memos.lint.check_template` against its stem's contract and
refused (422, one entry per problem) when it reaches beyond its fields and filters -- ``_`` attributes,
unknown names or filters, calls. Every accepted upload is kept (keyed by stem and sha256); the newest of a
stem is the one in force. A decision records the uploads in force when it is made (``{stem: sha256}``) and
its memos always render with those bytes, so a later upload never changes an issued memo.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from api.errors import NotFoundError
from api.store.audit import add_audit
from api.store.db import begin_write
from api.store.tables import TemplateRow
from engine.errors import CaseError
from engine.memos import DEFAULT_TEMPLATE_DIR, check_template
from engine.memos.fields import TEMPLATE_FIELDS

if TYPE_CHECKING:
    from api.store.access import Principal

STEMS: tuple[str, ...] = tuple(TEMPLATE_FIELDS)
"""The template names: ``eligibility``, ``review``, ``fee``, ``referral``."""

_DIRS_LOCK = threading.Lock()
_DIRS: dict[str, Path] = {}


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


def upload(*, session: Session, stem: str, data: bytes, actor: Principal) -> dict[str, Any]:
    """Lint and store an upload as the template in force for ``stem`` (422 naming each problem)."""
    _known(stem)
    problems = check_template(f"{stem}.docx", stem=stem, data=data)
    if problems:
        raise CaseError([{"loc": ["body"], "msg": p, "type": "template_refused"} for p in problems])
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
        add_audit(
            session, actor, "template.upload", f"template:{stem}", {"sha256": digest, "size": len(data)}
        )
    session.commit()
    return next(item for item in listing(session=session) if item["stem"] == stem)


def template_dir(session: Session, chosen: dict[str, Any] | None) -> Path | None:
    """A directory holding the templates of ``chosen`` (``{stem: sha256}``; the rest shipped), or ``None``.

    The directory is private to this process, named by the choice, written once and then reused, so the
    renderer's per-file cache keeps working.
    """
    if not chosen:
        return None
    key = sha256("|".join(f"{s}={chosen.get(s, '')}" for s in STEMS).encode())
    with _DIRS_LOCK:
        cached = _DIRS.get(key)
    if cached is not None and cached.is_dir():
        return cached
    target = Path(tempfile.mkdtemp(prefix=f"kaoping-templates-{os.getpid()}-"))
    for stem in STEMS:
        digest = chosen.get(stem)
        if digest is None:
            data = (DEFAULT_TEMPLATE_DIR / f"{stem}.docx").read_bytes()
        else:
            row = session.exec(
                select(TemplateRow).where(TemplateRow.stem == stem, TemplateRow.sha256 == digest)
            ).first()
            if row is None:
                raise NotFoundError("api.template_missing", stem=stem, digest=digest)
            data = row.data
        (target / f"{stem}.docx").write_bytes(data)
    with _DIRS_LOCK:
        _DIRS[key] = target
    return target


@atexit.register
def _remove_dirs() -> None:
    for path in _DIRS.values():
        shutil.rmtree(path, ignore_errors=True)
