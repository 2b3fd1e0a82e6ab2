"""Office-uploaded memo templates, and the templates each decision was issued with.

Revision ID: 0002
Revises: 0001
Create Date: 2024-07-15
"""
# ruff: noqa: INP001 - a migration script, loaded by Alembic by path

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create ``templates``; add ``decisions.templates`` (NULL for decisions made before any upload)."""
    op.create_table(
        "templates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("stem", sa.String(length=32), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("stem", "sha256", name="uq_templates_stem_sha256"),
    )
    op.create_index("ix_templates_stem", "templates", ["stem"])
    # A plain ADD COLUMN (no table rebuild): the append-only triggers on decisions stay as they are.
    op.add_column("decisions", sa.Column("templates", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Drop the uploaded templates and the column."""
    if op.get_context().dialect.name == "sqlite":
        op.execute("ALTER TABLE decisions DROP COLUMN templates")
    else:
        op.drop_column("decisions", "templates")
    op.drop_table("templates")
