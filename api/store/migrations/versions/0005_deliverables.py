"""The deliverables table: Word plans and draft reports uploaded for a case, append-only.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""
# ruff: noqa: INP001 - a migration script, loaded by Alembic by path

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None

_TABLE = "deliverables"


def upgrade() -> None:
    """Create the table, its case index and the triggers that refuse UPDATE and DELETE."""
    op.create_table(
        _TABLE,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.String(length=64), sa.ForeignKey("cases.case_id"), nullable=False),
        sa.Column("node", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("actor", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_version", sa.Integer(), nullable=True),
    )
    op.create_index("ix_deliverables_case_id", _TABLE, ["case_id"])
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {_TABLE}_append_only BEFORE UPDATE OR DELETE ON {_TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION kaoping_append_only()"
        )
        return
    for what in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {_TABLE}_no_{what.lower()} BEFORE {what} ON {_TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{_TABLE} is append-only'); END"
        )


def downgrade() -> None:
    """Drop the table (its files go with it)."""
    if op.get_context().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {_TABLE}_append_only ON {_TABLE}")
    op.drop_index("ix_deliverables_case_id", table_name=_TABLE)
    op.drop_table(_TABLE)
