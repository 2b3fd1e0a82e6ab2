"""What ``kaoping db import`` checks before it writes anything: the export's hash chain and hashes.

An export of this schema carries the chain (:mod:`api.store.chain`): every decision's case and decision
must match their hashes and every link the one before it, from the first to the last; the first break
refuses the whole file, naming the record and its line. An export made before the chain existed
(schema :data:`LEGACY_SCHEMAS`) has only the decisions' hashes, which are checked; its decisions and
audit entries are then chained as they are imported, in the order they were written (their time,
decisions before the audit entries of the same moment): the chain starts at the import. Its document
numbers are indexed as the migration does: the first decision to carry one keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from api.store import chain
from rules.messages import Text, WordedError

if TYPE_CHECKING:
    from collections.abc import Mapping

LEGACY_SCHEMAS = frozenset({"0004", "0005"})
"""Schema revisions whose exports are imported without a chain of their own."""
_CHAINED = ("decisions", "audit")


class BackupError(WordedError):
    """An export file that cannot be imported, or a database that cannot take it: a message id and values."""


class BrokenExportError(BackupError):
    """An export whose chain or hashes do not hold: nothing is imported."""

    def __init__(self, broken: chain.Break) -> None:
        self.broken = broken
        super().__init__("records.import_broken", problem=broken)


def _moment(value: Any) -> datetime:
    moment: datetime = value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass
class ImportPlan:
    """What the import adds to the rows of a legacy export, and where the chain ends after it."""

    legacy: bool
    links: dict[tuple[str, int], tuple[int, str, str]] = field(default_factory=dict)
    """(table, id) -> (chain_seq, chain_prev, chain_hash) of a legacy row."""
    documents: dict[int, tuple[str, int]] = field(default_factory=dict)
    """Decision id -> (document_office, document_year) of a legacy decision whose number is indexed."""
    head: tuple[int, str] = (0, chain.GENESIS)

    def complete(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        """The row as it is inserted: a legacy row gets its link and document index columns."""
        if not self.legacy or table not in _CHAINED:
            return row
        row["chain_seq"], row["chain_prev"], row["chain_hash"] = self.links[(table, row["id"])]
        if table == "decisions" and row["id"] in self.documents:
            row["document_office"], row["document_year"] = self.documents[row["id"]]
        return row


class Verifier:
    """Reads the decisions and audit rows of an export once (pass one) and checks them."""

    def __init__(self, *, legacy: bool) -> None:
        self.legacy = legacy
        self.links: list[chain.Link] = []
        self.order: list[tuple[datetime, int, int, str, str]] = []
        self.documents: dict[int, tuple[str, int]] = {}
        self.taken: set[tuple[str, int, int]] = set()

    def add(self, table: str, row: Mapping[str, Any], line: int) -> None:
        """Check one row of an export; remember what the chain needs of it."""
        if table not in _CHAINED:
            return
        own = chain.decision_name(row["case_id"], row["number"]) if table == "decisions" else None
        name = Text("records.at_line", {"record": own or chain.audit_name(row["id"]), "line": line})
        link = chain.link_of(table, row, name)
        if not self.legacy:
            self.links.append(link)
            return
        if not link.content_ok:
            raise BrokenExportError(chain.Break("records.content_changed", {"record": name}))
        if table == "decisions":
            self._index_document(row)
            self.order.append((_moment(row["created_at"]), 0, row["id"], "decision", link.digest))
        else:
            self.order.append((_moment(row["at"]), 1, row["id"], "audit", link.digest))

    def _index_document(self, row: Mapping[str, Any]) -> None:
        office = (row["office"] or {}).get("name")
        if row["document_number"] is None or office is None:
            return
        key = (office, row["document_date"].year, row["document_number"])
        if key not in self.taken:
            self.taken.add(key)
            self.documents[row["id"]] = (office, row["document_date"].year)

    def finish(self) -> ImportPlan:
        """The plan of the import, or :class:`BrokenExportError` naming the first broken record."""
        if not self.legacy:
            broken = chain.check(self.links)
            if broken is not None:
                raise BrokenExportError(broken)
            last = max(self.links, key=lambda link: link.seq or 0, default=None)
            head = (last.seq or 0, last.stored or chain.GENESIS) if last is not None else (0, chain.GENESIS)
            return ImportPlan(legacy=False, head=head)
        plan = ImportPlan(legacy=True, documents=self.documents)
        prev, seq = chain.GENESIS, 0
        for _, _, row_id, kind, digest in sorted(self.order):
            seq += 1
            link = chain.link_hash(seq, kind, prev, digest)
            plan.links[("decisions" if kind == "decision" else "audit", row_id)] = (seq, prev, link)
            prev = link
        plan.head = (seq, prev)
        return plan
