"""The case store: registries, cases, append-only decisions, tokens and the audit log.

Revision ID: 0001
Revises:
Create Date: 2024-07-01
"""
# ruff: noqa: INP001 - a migration script, loaded by Alembic by path

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

_APPEND_ONLY = ("decisions", "audit")


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    """Create every table, and triggers that keep decisions and the audit log append-only."""
    op.create_table(
        "agencies",
        sa.Column("credit_code", sa.String(length=18), primary_key=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
    )
    op.create_table(
        "experts",
        sa.Column("expert_id", sa.String(length=64), primary_key=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_timestamps(),
    )
    op.create_table(
        "cases",
        sa.Column("case_id", sa.String(length=64), primary_key=True),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("agency_code", sa.String(length=18), nullable=False),
        sa.Column("project_unit", sa.String(length=200), nullable=False),
        sa.Column("latest_decision", sa.Integer(), nullable=True),
        sa.Column("eligibility", sa.String(length=16), nullable=True),
        sa.Column("assessment", sa.String(length=16), nullable=True),
        sa.Column("fee", sa.String(length=16), nullable=True),
        sa.Column("grade", sa.String(length=4), nullable=True),
        *_timestamps(),
    )
    for column in (
        "archived",
        "year",
        "agency_code",
        "project_unit",
        "eligibility",
        "assessment",
        "fee",
        "grade",
    ):
        op.create_index(f"ix_cases_{column}", "cases", [column])
    op.create_table(
        "case_members",
        sa.Column(
            "case_id",
            sa.String(length=64),
            sa.ForeignKey("cases.case_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("member_id", sa.String(length=64), primary_key=True),
    )
    op.create_index("ix_case_members_member_id", "case_members", ["member_id"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.String(length=64), sa.ForeignKey("cases.case_id"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("rule_version", sa.String(length=16), nullable=False),
        sa.Column("rule_hash", sa.String(length=64), nullable=False),
        sa.Column("input_hash", sa.String(length=64), nullable=False),
        sa.Column("output_hash", sa.String(length=64), nullable=False),
        sa.Column("input", sa.JSON(), nullable=False),
        sa.Column("decision", sa.JSON(), nullable=False),
        sa.Column("office", sa.JSON(), nullable=False),
        sa.Column("document_number", sa.Integer(), nullable=True),
        sa.Column("document_date", sa.Date(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("composite", sa.String(length=8), nullable=True),
        sa.Column("grade", sa.String(length=4), nullable=True),
        sa.Column("actor", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("case_id", "number", name="uq_decisions_case_number"),
    )
    op.create_index("ix_decisions_case_id", "decisions", ["case_id"])
    op.create_index("ix_decisions_complete", "decisions", ["complete"])
    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False, unique=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("expert_id", sa.String(length=64), nullable=True),
        sa.Column("unit_name", sa.String(length=200), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=300), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=300), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=True),
    )
    op.create_index("ix_audit_at", "audit", ["at"])
    op.create_index("ix_audit_target", "audit", ["target"])
    _append_only_triggers()


def _append_only_triggers() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION kaoping_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
        )
        for table in _APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION kaoping_append_only()"
            )
        return
    for table in _APPEND_ONLY:
        for what in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{what.lower()} BEFORE {what} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def downgrade() -> None:
    """Drop everything (the data goes with it)."""
    for table in ("audit", "tokens", "decisions", "case_members", "cases", "experts", "agencies"):
        op.drop_table(table)
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS kaoping_append_only()")
