"""``kaoping db export`` / ``kaoping db import``: the whole case store as JSON Lines.

The file is one JSON object per line:

1. a header ``{"kaoping_export": 1, "schema": "<revision>", "tables": [...], "tokens": "not exported"}``;
2. one ``{"table": NAME, "row": {column: value}}`` per row, table by table in :data:`TABLES` order
   (registries, cases, the cases' panel members, uploaded deliverables and templates, decisions, audit),
   each table in primary-key order -- so the same database always gives the same lines;
3. a trailer ``{"end": true, "counts": {table: rows}}`` (a truncated file is refused on import).

Values are plain JSON: times and dates ISO 8601 (times in UTC), template and deliverable bytes base64,
JSON columns as they are. Every column is kept -- decision ids and numbers, input and output hashes,
document numbers and dates, actors and times, audit ids -- so an imported store gives the same decisions
and the same memo bytes.
API tokens are not exported (they are secrets, and stored only hashed): create new ones after an import.

Import goes into an empty store only (no row in any exported table; tokens may exist), in one
transaction: either everything is imported or nothing is. It reads the file twice: first it checks it
whole -- its lines, its end line, and the hash chain and hashes of its decisions and audit entries
(:mod:`api.store.backup_verify`; an export made before the chain is checked by its hashes and chained as
it is imported) -- and only then writes, from a private spool of the lines.
"""

from __future__ import annotations

import base64
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, DateTime, LargeBinary, Table, func, select, text

from api import jsonio
from api.store import chain, db
from api.store.access import CLI
from api.store.audit import add_audit
from api.store.backup_cases import CaseReport
from api.store.backup_verify import LEGACY_SCHEMAS, BackupError, BrokenExportError, ImportPlan, Verifier
from api.store.tables import METADATA

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import TextIO

    from sqlalchemy import Connection, Engine

FORMAT = 1
TABLES: tuple[str, ...] = (
    "agencies",
    "experts",
    "cases",
    "case_members",
    "deliverables",
    "templates",
    "decisions",
    "audit",
)
"""What is exported, in this order (parents before children). ``tokens`` is deliberately not here."""
_SERIAL = ("deliverables", "templates", "decisions", "audit")  # integer ids from a sequence on PostgreSQL
_BATCH = 500


__all__ = [
    "BackupError",
    "BrokenExportError",
    "ImportResult",
    "NotEmptyError",
    "export_jsonl",
    "import_jsonl",
]


class NotEmptyError(BackupError):
    """The target database already holds data."""


def _table(name: str) -> Table:
    return METADATA.tables[name]


def _kind(column_type: Any) -> Any:
    """The column's SQL type, seen through a type decorator (SQLModel's ``UTCDateTime`` is a ``DateTime``)."""
    impl = getattr(column_type, "impl", None)
    return (
        impl
        if impl is not None and not isinstance(column_type, (DateTime, Date, LargeBinary))
        else column_type
    )


def _encode(column_type: Any, value: Any) -> Any:
    column_type = _kind(column_type)
    if value is None:
        return None
    if isinstance(column_type, DateTime):
        moment: datetime = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat()
    if isinstance(column_type, Date):
        return value.isoformat()
    if isinstance(column_type, LargeBinary):
        return base64.b64encode(value).decode("ascii")
    return value


def _decode(column_type: Any, value: Any) -> Any:
    column_type = _kind(column_type)
    if value is None:
        return None
    if isinstance(column_type, DateTime):
        moment = datetime.fromisoformat(value)
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    if isinstance(column_type, Date):
        return date.fromisoformat(value)
    if isinstance(column_type, LargeBinary):
        return base64.b64decode(value, validate=True)
    return value


def _line(value: Any) -> str:
    # Keys keep their stored order: memos iterate over JSON objects (panel scores...) in that order.
    return jsonio.dumps(value) + "\n"


def _snapshot(engine: Engine) -> Connection:
    """A connection reading one consistent snapshot (PostgreSQL: REPEATABLE READ; SQLite: one BEGIN)."""
    if engine.dialect.name == "postgresql":
        return engine.connect().execution_options(isolation_level="REPEATABLE READ")
    return engine.connect()


def export_jsonl(engine: Engine, out: TextIO) -> dict[str, int]:
    """Write the store at ``engine`` to ``out`` as JSON Lines; returns the rows written per table."""
    db.check_schema(engine)
    counts: dict[str, int] = {}
    out.write(
        _line(
            {
                "kaoping_export": FORMAT,
                "schema": db.current_revision(engine),
                "tables": list(TABLES),
                "tokens": "not exported",
            }
        )
    )
    with _snapshot(engine) as conn, conn.begin():
        for name in TABLES:
            table = _table(name)
            columns = list(table.columns)
            counts[name] = 0
            for row in conn.execute(select(table).order_by(*table.primary_key.columns)):
                mapping = row._mapping  # noqa: SLF001 - SQLAlchemy's public name for a row as a mapping
                encoded = {c.name: _encode(c.type, mapping[c.name]) for c in columns}
                out.write(_line({"table": name, "row": encoded}))
                counts[name] += 1
    out.write(_line({"end": True, "counts": counts}))
    return counts


def _parse(number: int, line: str) -> dict[str, Any]:
    try:
        value = jsonio.loads(line)
    except jsonio.JsonError as exc:
        raise BackupError("backup.not_json", line=number, reason=exc) from None
    if not isinstance(value, dict):
        raise BackupError("backup.not_object", line=number)
    return value


def _check_header(header: dict[str, Any]) -> bool:
    """Refuse a file that is not an export this kaoping imports; whether it is a legacy (chainless) one."""
    if header.get("kaoping_export") != FORMAT:
        raise BackupError("backup.no_header")
    head = db.head_revision()
    if header.get("schema") in LEGACY_SCHEMAS:
        return True
    if header.get("schema") != head:
        raise BackupError("backup.other_schema", schema=str(header.get("schema")), head=str(head))
    return False


def _check_empty(conn: Connection) -> None:
    filled = {
        name: n
        for name in TABLES
        if (n := int(conn.execute(select(func.count()).select_from(_table(name))).scalar_one()))
    }
    if filled:
        raise NotEmptyError("backup.not_empty", rows=", ".join(f"{name}: {n}" for name, n in filled.items()))


def _insert(conn: Connection, name: str, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(_table(name).insert(), rows)
        rows.clear()


def _reset_sequences(conn: Connection) -> None:
    if conn.dialect.name != "postgresql":
        return  # SQLite's INTEGER PRIMARY KEY continues after the largest id by itself
    for name in _SERIAL:
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608 - constant names
                f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
            )
        )


def _rows(
    numbered: Iterable[tuple[int, str]], trailer: dict[str, Any]
) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """(line, table, decoded row) of each data line, checked; the end line's content goes into ``trailer``."""
    order = {name: i for i, name in enumerate(TABLES)}
    current: str | None = None
    for number, line in numbered:
        if not line.strip():
            continue
        if trailer:
            raise BackupError("backup.after_end", line=number)
        item = _parse(number, line)
        if item.get("end") is True:
            trailer.update(item)
            continue
        name, row = item.get("table"), item.get("row")
        if not isinstance(name, str) or name not in order or not isinstance(row, dict):
            raise BackupError("backup.not_a_row", line=number, tables=", ".join(TABLES))
        if current is not None and order[name] < order[current]:
            raise BackupError(
                "backup.table_order", line=number, table=name, current=current, order=", ".join(TABLES)
            )
        current = name
        table = _table(name)
        unknown = set(row) - set(table.columns.keys())
        if unknown:
            raise BackupError(
                "backup.unknown_columns", line=number, table=name, columns=", ".join(sorted(unknown))
            )
        yield number, name, {c.name: _decode(c.type, row.get(c.name)) for c in table.columns}


def _spooled(numbered: Iterable[tuple[int, str]], spool: TextIO) -> Iterator[tuple[int, str]]:
    for number, line in numbered:
        spool.write(line if line.endswith("\n") else line + "\n")
        yield number, line


def _check(numbered: Iterable[tuple[int, str]], *, legacy: bool) -> tuple[dict[str, int], ImportPlan]:
    """Pass one: every line, the end line and the chain; the counts and what pass two adds to rows."""
    counts = dict.fromkeys(TABLES, 0)
    trailer: dict[str, Any] = {}
    verifier = Verifier(legacy=legacy)
    for number, name, row in _rows(numbered, trailer):
        verifier.add(name, row, number)
        counts[name] += 1
    if not trailer:
        raise BackupError("backup.truncated")
    if trailer.get("counts") != counts:
        raise BackupError(
            "backup.counts", said=jsonio.dumps(trailer.get("counts")), found=jsonio.dumps(counts)
        )
    return counts, verifier.finish()


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote: rows per table, and what it did to the cases (:mod:`api.store.backup_cases`)."""

    counts: dict[str, int]
    cases: CaseReport


def import_jsonl(engine: Engine, lines: Iterable[str]) -> ImportResult:
    """Import an export into the empty store at ``engine``, in one transaction, once the file is checked.

    The database is migrated after the check, before the rows are written. Each case is stored in normal
    form; one that is still not valid is imported as it was and named in the result.

    Raises:
        NotEmptyError: the store already holds data.
        BrokenExportError: a record of the export does not match its hash or its place in the chain.
        BackupError: the file is not a complete export of this schema (or of the one before the chain).
    """
    numbered = iter(enumerate(lines, start=1))
    first = next(numbered, None)
    if first is None:
        raise BackupError("backup.empty")
    legacy = _check_header(_parse(*first))
    with tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n") as spool:
        counts, plan = _check(_spooled(numbered, spool), legacy=legacy)
        spool.seek(0)
        db.upgrade(engine)
        cases = _write(engine, enumerate(spool, start=2), counts, plan)
    return ImportResult(counts, cases)


def _write(
    engine: Engine, numbered: Iterable[tuple[int, str]], counts: dict[str, int], plan: ImportPlan
) -> CaseReport:
    """Pass two: insert the checked rows (cases in normal form), point the chain's head, audit the import."""
    cases = CaseReport()
    with db.new_session(engine) as session:
        db.begin_write(session)  # SQLite: the write lock from the start; nobody writes in between
        conn = session.connection()
        _check_empty(conn)
        batch: list[dict[str, Any]] = []
        current: str | None = None
        for _, name, row in _rows(numbered, {}):
            if name != current or len(batch) >= _BATCH:
                if current is not None:
                    _insert(conn, current, batch)
                current = name
            batch.append(cases.normal(row) if name == "cases" else plan.complete(name, row))
        if current is not None:
            _insert(conn, current, batch)
        _reset_sequences(conn)
        chain.set_head(conn, *plan.head)
        cases.check(session)
        detail = {"counts": counts, "chained_at_import": plan.legacy, **cases.detail()}
        add_audit(session, CLI, "db.import", "database", detail)
        session.commit()
    return cases
