"""Pages of a list: one page of rows and how many rows there are in all (or up to a cap)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import func, literal_column, select
from sqlmodel import Session

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Select
    from sqlmodel.sql.expression import SelectOfScalar

T = TypeVar("T")


def paginate(
    session: Session, statement: SelectOfScalar[T], *, limit: int, offset: int
) -> tuple[list[T], int]:
    """One page of a query's rows and the number of rows in all.

    The count keeps the query's FROM and WHERE but selects no columns (``SELECT count(*) FROM cases
    WHERE ...``), so PostgreSQL can count from an index alone instead of a subquery of whole rows.
    """
    total = session.execute(count_statement(statement, limit=None)).scalar_one()
    rows = list(session.exec(statement.limit(limit).offset(offset)).all())
    return rows, int(total)


def count_statement(statement: Select[Any], *, limit: int | ColumnElement[int] | None) -> Select[int]:
    """``SELECT count(*)`` of a query's rows, stopping after ``limit`` of them (``None``: all).

    The capped count is ``SELECT count(*) FROM (SELECT 1 FROM ... WHERE ... LIMIT n)``: the database
    stops after ``n`` matching index entries, however many rows match. Count up to ``cap + 1`` to
    tell "exactly ``cap``" from "more than ``cap``" (:func:`capped_total`).
    """
    if limit is None:
        return statement.order_by(None).with_only_columns(func.count(), maintain_column_froms=True)
    matching = (
        statement.order_by(None)
        .with_only_columns(literal_column("1"), maintain_column_froms=True)
        .limit(limit)
        .subquery()
    )
    return select(func.count()).select_from(matching)


def capped_total(counted: int, cap: int | None) -> tuple[int, bool]:
    """The total to show for a count made up to ``cap + 1`` (``None``: all), and whether it is exact."""
    if cap is None or counted <= cap:
        return counted, True
    return cap, False
