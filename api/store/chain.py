"""The hash chain over decisions and audit entries: one chain per database, in commit order.

Every decision and every audit entry is a link: it carries its place (``chain_seq``, 1, 2, ...), the hash
of the link before it (``chain_prev``; the first link's is :data:`GENESIS`) and its own hash
(``chain_hash``), which covers its place, the hash before it and the SHA-256 of its record (the columns
that say what was decided or done: :func:`decision_record`, :func:`audit_record`; a decision's case and
decision documents are covered through their ``input_hash`` and ``output_hash``, which are checked
against the documents themselves). Editing a record, deleting one or reordering them breaks the chain at
that link; :func:`verify` (``kaoping db verify``) names the first broken link.

Appending (:func:`append`) first flushes the session, then locks the one ``chain_head`` row (``FOR
UPDATE`` on PostgreSQL; SQLite's write transactions already run one at a time) and holds it to the
commit, so links are numbered in commit order, and inserts the link (a unique key it breaks raises
``IntegrityError`` there). A writer appends its links last, after its other rows: nothing it writes
afterwards can wait on another writer while it holds the head.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from api import jsonio
from api.store.jsondoc import canonical_hash
from api.store.tables import METADATA, AuditRow, ChainHeadRow, DecisionRow
from rules.messages import Lang, Text, message

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    from sqlalchemy import Connection, RowMapping
    from sqlmodel import Session

GENESIS = "0" * 64
"""The hash before the first link."""
DECISION_FIELDS = (
    "case_id",
    "number",
    "rule_version",
    "rule_hash",
    "input_hash",
    "output_hash",
    "office",
    "document_number",
    "document_date",
    "complete",
    "composite",
    "grade",
    "actor",
    "created_at",
    "templates",
)
AUDIT_FIELDS = ("at", "actor", "action", "target", "detail")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def record_digest(fields: tuple[str, ...], values: Mapping[str, Any] | RowMapping) -> str:
    """The SHA-256 of a record's chained columns (canonical JSON; times in UTC, ISO 8601)."""
    record = {name: _plain(values.get(name)) for name in fields}
    return hashlib.sha256(jsonio.canonical(record)).hexdigest()


def decision_record(values: Mapping[str, Any] | RowMapping) -> str:
    """:func:`record_digest` of a decision."""
    return record_digest(DECISION_FIELDS, values)


def audit_record(values: Mapping[str, Any] | RowMapping) -> str:
    """:func:`record_digest` of an audit entry."""
    return record_digest(AUDIT_FIELDS, values)


def link_hash(seq: int, kind: str, prev: str, digest: str) -> str:
    """The hash of link ``seq``: its place, its kind, the hash before it and its record's digest."""
    return hashlib.sha256(f"kaoping-chain:{seq}:{kind}:{prev}:{digest}".encode()).hexdigest()


def _digest(row: DecisionRow | AuditRow) -> tuple[str, str]:
    values = row.model_dump()
    if isinstance(row, DecisionRow):
        return "decision", decision_record(values)
    return "audit", audit_record(values)


def append(session: Session, row: DecisionRow | AuditRow) -> None:
    """Add ``row`` to the session as the chain's next link (see the module's docstring)."""
    session.flush()
    head = METADATA.tables[ChainHeadRow.__tablename__]
    seq, prev = session.execute(select(head.c.seq, head.c.hash).where(head.c.id == 1).with_for_update()).one()
    kind, digest = _digest(row)
    row.chain_seq, row.chain_prev = seq + 1, prev
    row.chain_hash = link_hash(seq + 1, kind, prev, digest)
    session.execute(update(head).where(head.c.id == 1).values(seq=row.chain_seq, hash=row.chain_hash))
    session.add(row)
    session.flush()


def set_head(connection: Connection, seq: int, last: str) -> None:
    """Point the head at link ``seq`` whose hash is ``last`` (after an import)."""
    head = METADATA.tables[ChainHeadRow.__tablename__]
    connection.execute(update(head).where(head.c.id == 1).values(seq=seq, hash=last))


@dataclass(frozen=True)
class Link:
    """One link as stored, with what the chain needs to check it and how to name it."""

    seq: int | None
    kind: str
    prev: str | None
    stored: str | None
    digest: str
    name: str | Text
    """How people name the record: ``QB-2024-007#2`` / ``audit#17`` (in an export, with its line)."""
    content_ok: bool = True
    """For a decision: its input and output documents match their hashes."""


@dataclass(frozen=True)
class Break:
    """The first broken link: a message id of ``rules/messages.yaml`` and its values."""

    key: str
    values: dict[str, Any]

    def text(self, lang: Lang = "zh") -> str:
        """The break in a language."""
        return message(self.key, lang, **self.values)


def _break_at(link: Link, expected: int, prev: str, last_name: str | Text) -> Break | None:
    """What is wrong with ``link`` as the chain's link ``expected`` after a link whose hash is ``prev``."""
    if not link.content_ok:
        return Break("records.content_changed", {"record": link.name})
    if link.seq is None or link.stored is None or link.prev is None:
        return Break("records.unchained", {"record": link.name})
    if link.seq != expected:
        return Break("records.link_missing", {"seq": expected, "after": last_name})
    if link.prev != prev:
        return Break("records.link_broken", {"seq": link.seq, "record": link.name})
    if link_hash(link.seq, link.kind, link.prev, link.digest) != link.stored:
        return Break("records.record_changed", {"seq": link.seq, "record": link.name})
    return None


def check(links: Iterable[Link], *, head: tuple[int, str] | None = None) -> Break | None:
    """The first break in ``links`` (in any order), or ``None``; ``head``: where the chain should end."""
    ordered = sorted(links, key=lambda link: (link.seq is None, link.seq or 0))
    prev, expected = GENESIS, 1
    last_name: str | Text = "—"
    for link in ordered:
        broken = _break_at(link, expected, prev, last_name)
        if broken is not None:
            return broken
        prev, expected, last_name = link.stored or GENESIS, expected + 1, link.name
    if head is not None and head != (expected - 1, prev):
        return Break("records.tail_missing", {"seq": expected - 1, "record": last_name, "head": head[0]})
    return None


def decision_name(case_id: Any, number: Any) -> str:
    """How a decision is named in a break."""
    return f"{case_id}#{number}"


def documents_match(values: Mapping[str, Any] | RowMapping) -> bool:
    """Whether a decision's case and decision documents match its ``input_hash`` and ``output_hash``."""
    return bool(
        canonical_hash(values["input"]) == values["input_hash"]
        and canonical_hash(values["decision"]) == values["output_hash"]
    )


def link_of(table: str, values: Mapping[str, Any] | RowMapping, name: str | Text | None = None) -> Link:
    """A decision (``table`` ``decisions``) or audit entry as a :class:`Link` (``name``: how to call it)."""
    if table == "decisions":
        return Link(
            seq=values["chain_seq"],
            kind="decision",
            prev=values["chain_prev"],
            stored=values["chain_hash"],
            digest=decision_record(values),
            name=name or decision_name(values["case_id"], values["number"]),
            content_ok=documents_match(values),
        )
    return Link(
        seq=values["chain_seq"],
        kind="audit",
        prev=values["chain_prev"],
        stored=values["chain_hash"],
        digest=audit_record(values),
        name=name or audit_name(values["id"]),
    )


def audit_name(entry_id: Any) -> str:
    """How an audit entry is named in a break."""
    return f"audit#{entry_id}"


def stored_links(connection: Connection) -> Iterator[Link]:
    """Every decision and audit entry of the database as a :class:`Link`."""
    for table in (METADATA.tables[DecisionRow.__tablename__], METADATA.tables[AuditRow.__tablename__]):
        for row in connection.execute(select(table).order_by(table.c.id)):
            yield link_of(table.name, row._mapping)  # noqa: SLF001 - SQLAlchemy's public name for it


@dataclass(frozen=True)
class Report:
    """What :func:`verify` found: the first break (or none) and how many links of each kind."""

    broken: Break | None
    decisions: int
    audit: int


def verify(connection: Connection) -> Report:
    """Check the whole chain and every decision's documents against their hashes (``kaoping db verify``)."""
    links = list(stored_links(connection))
    decisions = sum(1 for link in links if link.kind == "decision")
    return Report(check(links, head=stored_head(connection)), decisions, len(links) - decisions)


def stored_head(connection: Connection) -> tuple[int, str]:
    """Where the head says the chain ends: ``(seq, hash)``."""
    head = METADATA.tables[ChainHeadRow.__tablename__]
    seq, last = connection.execute(select(head.c.seq, head.c.hash).where(head.c.id == 1)).one()
    return int(seq), str(last)
