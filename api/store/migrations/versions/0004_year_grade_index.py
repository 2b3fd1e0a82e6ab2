"""Composite index for GET /cases?year=…&grade=…: (archived, year, grade, case_id).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""
# ruff: noqa: INP001 - a migration script, loaded by Alembic by path

from __future__ import annotations

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add the index: year + grade counts from one index instead of combining two (docs/performance.md)."""
    op.create_index("ix_cases_archived_year_grade_case_id", "cases", ["archived", "year", "grade", "case_id"])


def downgrade() -> None:
    """Drop the index."""
    op.drop_index("ix_cases_archived_year_grade_case_id", table_name="cases")
