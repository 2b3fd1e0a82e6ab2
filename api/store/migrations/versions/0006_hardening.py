"""Tamper-evident records, document numbers unique per office and year, token expiry.

Adds the hash chain over decisions and audit entries (``chain_seq``, ``chain_prev``, ``chain_hash`` and
the one-row ``chain_head``) and seals the rows already stored, in the order they were written (their
time, decisions before the audit entries of the same moment); a chain made here starts at this
migration. Adds ``document_office`` and ``document_year`` to decisions for the unique index of document
numbers: the first decision to carry a number keeps it, a later one with the same office, year and
number (made before numbers were unique) is left out of the index. Adds ``tokens.expires_at``.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""
# ruff: noqa: INP001 - a migration script, loaded by Alembic by path

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from api.store import chain

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None

_CHAIN = ("chain_seq", "chain_prev", "chain_hash")
_APPEND_ONLY = ("decisions", "audit")


def _chain_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("chain_seq", sa.Integer(), nullable=True),
        sa.Column("chain_prev", sa.String(length=64), nullable=True),
        sa.Column("chain_hash", sa.String(length=64), nullable=True),
    ]


def _triggers(enable: bool) -> None:
    """Switch the append-only triggers off while stored rows are sealed, then on again."""
    if op.get_context().dialect.name == "postgresql":
        for table in _APPEND_ONLY:
            op.execute(f"ALTER TABLE {table} {'ENABLE' if enable else 'DISABLE'} TRIGGER {table}_append_only")
        return
    for table in _APPEND_ONLY:
        for what in ("UPDATE", "DELETE"):
            name = f"{table}_no_{what.lower()}"
            if enable:
                op.execute(
                    f"CREATE TRIGGER {name} BEFORE {what} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
            else:
                op.execute(f"DROP TRIGGER IF EXISTS {name}")


# The tables as this migration finds them (a later migration may add columns the models then have).
_DECISIONS = sa.table(
    "decisions",
    sa.column("id", sa.Integer()),
    sa.column("case_id", sa.String()),
    sa.column("number", sa.Integer()),
    sa.column("rule_version", sa.String()),
    sa.column("rule_hash", sa.String()),
    sa.column("input_hash", sa.String()),
    sa.column("output_hash", sa.String()),
    sa.column("office", sa.JSON()),
    sa.column("document_number", sa.Integer()),
    sa.column("document_date", sa.Date()),
    sa.column("complete", sa.Boolean()),
    sa.column("composite", sa.String()),
    sa.column("grade", sa.String()),
    sa.column("actor", sa.String()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("templates", sa.JSON()),
    sa.column("document_office", sa.String()),
    sa.column("document_year", sa.Integer()),
    *(sa.column(name) for name in _CHAIN),
)
_AUDIT = sa.table(
    "audit",
    sa.column("id", sa.Integer()),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("actor", sa.String()),
    sa.column("action", sa.String()),
    sa.column("target", sa.String()),
    sa.column("detail", sa.JSON()),
    *(sa.column(name) for name in _CHAIN),
)


def _moment(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _seal(connection: sa.Connection) -> None:
    decisions, audit = _DECISIONS, _AUDIT
    links: list[tuple[datetime, int, int, str, str]] = []
    taken: set[tuple[str, int, int]] = set()
    for row in connection.execute(sa.select(decisions).order_by(decisions.c.id)):
        values = row._mapping  # noqa: SLF001 - SQLAlchemy's public name for a row as a mapping
        office, year, number = (values["office"] or {}).get("name"), values["document_date"].year, None
        if values["document_number"] is not None and office is not None:
            key = (office, year, values["document_number"])
            if key not in taken:
                taken.add(key)
                number = values["document_number"]
        if number is not None:
            connection.execute(
                decisions.update()
                .where(decisions.c.id == values["id"])
                .values(document_office=office, document_year=year)
            )
        digest = chain.decision_record(values)
        links.append((_moment(values["created_at"]), 0, values["id"], "decision", digest))
    for row in connection.execute(sa.select(audit).order_by(audit.c.id)):
        values = row._mapping  # noqa: SLF001
        links.append((_moment(values["at"]), 1, values["id"], "audit", chain.audit_record(values)))
    prev, seq = chain.GENESIS, 0
    for _, _, row_id, kind, digest in sorted(links):
        seq += 1
        link = chain.link_hash(seq, kind, prev, digest)
        table = decisions if kind == "decision" else audit
        connection.execute(
            table.update().where(table.c.id == row_id).values(chain_seq=seq, chain_prev=prev, chain_hash=link)
        )
        prev = link
    connection.execute(
        sa.text("UPDATE chain_head SET seq = :seq, hash = :hash WHERE id = 1"), {"seq": seq, "hash": prev}
    )


def upgrade() -> None:
    """Add the columns and the head, seal what is stored, then add the unique indexes."""
    op.add_column("tokens", sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("decisions", sa.Column("document_office", sa.String(length=200), nullable=True))
    op.add_column("decisions", sa.Column("document_year", sa.Integer(), nullable=True))
    for column in _chain_columns():
        op.add_column("decisions", column)
    for column in _chain_columns():
        op.add_column("audit", column)
    op.create_table(
        "chain_head",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
    )
    op.get_bind().execute(
        sa.text("INSERT INTO chain_head (id, seq, hash) VALUES (1, 0, :genesis)"), {"genesis": chain.GENESIS}
    )
    _triggers(enable=False)
    _seal(op.get_bind())
    _triggers(enable=True)
    op.create_index(
        "uq_decisions_document_number",
        "decisions",
        ["document_office", "document_year", "document_number"],
        unique=True,
    )
    op.create_index("uq_decisions_chain_seq", "decisions", ["chain_seq"], unique=True)
    op.create_index("uq_audit_chain_seq", "audit", ["chain_seq"], unique=True)


def downgrade() -> None:
    """Drop the indexes, the head and the columns (the chain goes with them)."""
    op.drop_index("uq_audit_chain_seq", table_name="audit")
    op.drop_index("uq_decisions_chain_seq", table_name="decisions")
    op.drop_index("uq_decisions_document_number", table_name="decisions")
    op.drop_table("chain_head")
    drops = [("tokens", "expires_at"), ("decisions", "document_office"), ("decisions", "document_year")]
    drops += [(table, column) for table in _APPEND_ONLY for column in _CHAIN]
    for table, column in drops:
        if op.get_context().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        else:
            op.drop_column(table, column)
