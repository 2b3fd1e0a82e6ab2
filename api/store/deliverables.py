"""Word deliverables uploaded for a case: read, kept append-only, and (on request) written into the case.

An upload is read first (:func:`engine.deliverables.read_deliverable`: the Office guard, LibreOffice for
.doc/.wps), outside any transaction; a file the reader refuses is not kept. Then, in one transaction, the
file is stored as received (name, SHA-256, size, uploader, time) and, with ``apply``, the reading's fields
are written into the stored case's node under the same rules as a merge patch (``If-Match`` required,
archived cases refused, the result validated) — both audited.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from api.errors import NotFoundError
from api.store.audit import add_audit
from api.store.cases import case_row, check_writable, write_body
from api.store.db import begin_write
from api.store.schemas import DeliverableInfo
from api.store.tables import DeliverableRow

if TYPE_CHECKING:
    from api.store.access import Principal
    from engine.deliverables import Reading


def _info(row: DeliverableRow) -> DeliverableInfo:
    return DeliverableInfo.model_validate(
        {
            "id": row.id,
            "case_id": row.case_id,
            "node": row.node,
            "name": row.name,
            "sha256": row.sha256,
            "size": row.size,
            "uploaded_by": row.actor,
            "uploaded_at": row.created_at,
            "applied_version": row.applied_version,
        }
    )


def upload(  # noqa: PLR0913 - the case and node, the file, who sends it, and whether to write it in
    *,
    session: Session,
    case_id: str,
    node: str,
    name: str,
    data: bytes,
    actor: Principal,
    apply: bool,
    if_match: str | None,
) -> tuple[Reading, DeliverableInfo, int]:
    """Read and keep an upload; with ``apply``, write its reading into the case.

    Returns the reading, what was stored, and the case's version (new when applied).

    Raises:
        NotFoundError, ForbiddenError: no such case, or not the caller's.
        OfficeFileError, DeliverableError: the file is refused (413 too large, else 422; 503 without
            LibreOffice for .doc/.wps); nothing is kept.
        PreconditionRequiredError, ConflictError: ``apply`` without or with a stale ``If-Match``, or an
            archived case.
        CaseError: the case with the reading applied is not a valid case (a node the file cannot complete).
    """
    from engine.deliverables import apply_reading, read_deliverable  # noqa: PLC0415 - loads the reader

    case_row(session, case_id, actor)  # 404 / 403 before the file is read
    session.rollback()  # end the read; the write below takes its lock first
    reading = read_deliverable(data, name=name, node=node)  # type: ignore[arg-type]
    begin_write(session)
    row = case_row(session, case_id, actor, lock=True)
    applied: int | None = None
    if apply:
        check_writable(row, if_match, required=True)
        body = apply_reading(row.body, reading)
        write_body(session, row, body)
        row.version += 1
        applied = row.version
        add_audit(
            session,
            actor,
            "case.apply_deliverable",
            f"case:{case_id}",
            {
                "version": row.version,
                "node": node,
                "fields": sorted(reading.fields),
                "sha256": reading.file.sha256,
            },
        )
    stored = DeliverableRow(
        case_id=case_id,
        node=node,
        name=reading.file.name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        data=data,
        actor=actor.actor,
        applied_version=applied,
    )
    session.add(stored)
    session.flush()
    add_audit(
        session,
        actor,
        "deliverable.upload",
        f"case:{case_id}",
        {"id": stored.id, "node": node, "sha256": stored.sha256, "size": stored.size},
    )
    session.commit()
    return reading, _info(stored), row.version


def listing(*, session: Session, case_id: str, principal: Principal) -> list[DeliverableInfo]:
    """Every deliverable uploaded for a case the principal may read, oldest first."""
    case_row(session, case_id, principal)
    rows = session.exec(
        select(DeliverableRow).where(DeliverableRow.case_id == case_id).order_by(col(DeliverableRow.id))
    ).all()
    return [_info(row) for row in rows]


def get_file(
    *, session: Session, case_id: str, file_id: int, principal: Principal
) -> tuple[DeliverableInfo, bytes]:
    """One uploaded deliverable of a case the principal may read: what was stored, and its bytes."""
    case_row(session, case_id, principal)
    row = session.get(DeliverableRow, file_id)
    if row is None or row.case_id != case_id:
        raise NotFoundError("api.no_deliverable", file_id=file_id, case_id=case_id)
    return _info(row), row.data
