"""The case list's other statuses and the office's worklist: columns from each case's latest decision.

Adds ``panel``, ``plan_review`` and ``draft_review`` (the panel's status and the two review verdicts,
filters of the list, each with its ``(archived, <column>, case_id)`` index like the others), ``flags``
(the follow-ups, space-separated), ``late_days`` (late working days) and ``decided_version`` (the case
version the latest decision evaluated). Cases decided already get them from their latest decision; a
case changed after it (``updated_at`` later than the decision) gets no ``decided_version``: it waits
for a new decision. An index of what the office's worklist reads lets it filter and count without the
case bodies.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""
# ruff: noqa: INP001 - a migration script, loaded by Alembic by path

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None

# Frozen here (not imported from api.store.tables): a migration must not change when the models do.
_FILTERS = ("panel", "plan_review", "draft_review")
_CASES = sa.table(
    "cases",
    sa.column("case_id", sa.String()),
    sa.column("version", sa.Integer()),
    sa.column("latest_decision", sa.Integer()),
    sa.column("updated_at", sa.DateTime(timezone=True)),
    sa.column("panel", sa.String()),
    sa.column("plan_review", sa.String()),
    sa.column("draft_review", sa.String()),
    sa.column("flags", sa.String()),
    sa.column("late_days", sa.Integer()),
    sa.column("decided_version", sa.Integer()),
)
_DECISIONS = sa.table(
    "decisions",
    sa.column("case_id", sa.String()),
    sa.column("number", sa.Integer()),
    sa.column("decision", sa.JSON()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def _moment(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _fill(connection: sa.Connection) -> None:
    cases, decisions = _CASES, _DECISIONS
    latest = sa.select(
        cases.c.case_id, cases.c.version, cases.c.updated_at, decisions.c.decision, decisions.c.created_at
    ).join(
        decisions,
        (decisions.c.case_id == cases.c.case_id) & (decisions.c.number == cases.c.latest_decision),
    )
    for case_id, version, updated_at, decision, decided_at in connection.execute(latest).all():
        fee = decision.get("fee") or {}
        connection.execute(
            cases.update()
            .where(cases.c.case_id == case_id)
            .values(
                panel=(decision.get("panel") or {}).get("status"),
                plan_review=(decision.get("plan_review") or {}).get("verdict"),
                draft_review=(decision.get("draft_review") or {}).get("verdict"),
                flags=" ".join(decision.get("flags") or []),
                late_days=fee.get("late_working_days"),
                decided_version=version if _moment(updated_at) <= _moment(decided_at) else None,
            )
        )


def upgrade() -> None:
    """Add the columns and their indexes, then fill them from the stored decisions."""
    for column in _FILTERS:
        op.add_column("cases", sa.Column(column, sa.String(length=16), nullable=True))
    op.add_column("cases", sa.Column("flags", sa.String(length=200), nullable=True))
    op.add_column("cases", sa.Column("late_days", sa.Integer(), nullable=True))
    op.add_column("cases", sa.Column("decided_version", sa.Integer(), nullable=True))
    for column in _FILTERS:
        op.create_index(f"ix_cases_archived_{column}_case_id", "cases", ["archived", column, "case_id"])
    op.create_index(
        "ix_cases_worklist",
        "cases",
        ["archived", "updated_at", "decided_version", "version", "late_days", "flags"],
    )
    _fill(op.get_bind())


def downgrade() -> None:
    """Drop the indexes and the columns."""
    op.drop_index("ix_cases_worklist", table_name="cases")
    for column in reversed(_FILTERS):
        op.drop_index(f"ix_cases_archived_{column}_case_id", table_name="cases")
    for column in ("decided_version", "late_days", "flags", *reversed(_FILTERS)):
        if op.get_context().dialect.name == "sqlite":  # in place: a rebuilt table would break its references
            op.execute(f"ALTER TABLE cases DROP COLUMN {column}")
        else:
            op.drop_column("cases", column)
