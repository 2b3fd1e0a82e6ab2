"""A stored case decided now, without storing the decision: what its page shows as scores land.

The same steps as :func:`api.store.decisions.create_decision` (registry records resolved, the case
validated, the engine's decision) and nothing written. With the case's latest Word deliverables read
(each reading kept in memory by the file's SHA-256: the same bytes always read the same), the review
findings carry the places of what they judged.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from api.store import registry
from api.store.jsondoc import plain
from api.store.schemas import as_json
from api.store.tables import DeliverableRow
from engine import start
from engine.validate import parse_case

if TYPE_CHECKING:
    from engine.deliverables import Reading

_KEPT = 32
"""Readings kept in memory (each a few kilobytes)."""
_readings: OrderedDict[tuple[str, str], Reading] = OrderedDict()
_lock = threading.Lock()


def current_decision(
    *, session: Session, case_id: str, body: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The decision the stored case ``body`` gets now, and the case as evaluated (registry resolved).

    Raises:
        CaseError: the case cannot be decided (a registry reference gone, a node in an uncovered year).
    """
    resolved = registry.resolve_case(session=session, body=body, exclude_case=case_id)
    session.rollback()
    parsed = parse_case(resolved)
    return plain(start().decide(parsed)), as_json(parsed)


@dataclass(frozen=True)
class StoredReading:
    """The reading of a node's latest Word deliverable, with the file's name, uploader and time."""

    node: str
    name: str
    uploaded_by: str
    uploaded_at: datetime
    reading: Reading | None
    """``None`` when the file can no longer be read here (e.g. a .doc without LibreOffice)."""


def latest_readings(*, session: Session, case_id: str) -> dict[str, StoredReading]:
    """Each node's latest uploaded deliverable, read (the caller may read the case: checked before)."""
    from engine.deliverables import DeliverableError, read_deliverable  # noqa: PLC0415 - loads the reader
    from engine.office_file import OfficeFileError  # noqa: PLC0415

    rows = session.execute(
        sa_select(
            col(DeliverableRow.id),
            col(DeliverableRow.node),
            col(DeliverableRow.name),
            col(DeliverableRow.sha256),
            col(DeliverableRow.actor),
            col(DeliverableRow.created_at),
        )
        .where(col(DeliverableRow.case_id) == case_id)
        .order_by(col(DeliverableRow.id))
    ).all()
    latest = {row[1]: row for row in rows}
    out: dict[str, StoredReading] = {}
    for node, (row_id, _, name, sha256, actor, created_at) in latest.items():
        key = (sha256, node)
        with _lock:
            reading = _readings.get(key)
        if reading is None:
            data = session.exec(select(DeliverableRow.data).where(DeliverableRow.id == row_id)).one()
            try:
                reading = read_deliverable(data, name=name, node=node)
            except (DeliverableError, OfficeFileError):
                reading = None
            if reading is not None:
                with _lock:
                    _readings[key] = reading
                    while len(_readings) > _KEPT:
                        _readings.popitem(last=False)
        out[node] = StoredReading(node, name, actor, created_at, reading)
    session.rollback()
    return out
