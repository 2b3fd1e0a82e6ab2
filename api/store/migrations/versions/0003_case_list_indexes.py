"""Composite indexes for GET /cases: (archived, case_id) and (archived, <filter>, case_id).

Revision ID: 0003
Revises: 0002
Create Date: 2024-07-20
"""
# ruff: noqa: INP001 - a migration script, loaded by Alembic by path

from __future__ import annotations

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

# Frozen here (not imported from api.store.tables): a migration must not change when the models do.
_FILTERS = ("year", "agency_code", "project_unit", "eligibility", "assessment", "fee", "grade")


def upgrade() -> None:
    """Add the list indexes: a filtered count reads one index only (docs/performance.md)."""
    op.create_index("ix_cases_archived_case_id", "cases", ["archived", "case_id"])
    for column in _FILTERS:
        op.create_index(f"ix_cases_archived_{column}_case_id", "cases", ["archived", column, "case_id"])


def downgrade() -> None:
    """Drop the list indexes."""
    for column in reversed(_FILTERS):
        op.drop_index(f"ix_cases_archived_{column}_case_id", table_name="cases")
    op.drop_index("ix_cases_archived_case_id", table_name="cases")
