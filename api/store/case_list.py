"""The case list (``GET /cases``): one statement per page, built once per shape, read two ways.

:func:`list_cases` runs it through a session (SQLAlchemy's Core execution); :class:`CaseList`, which the
route uses, runs the same compiled statements on a connection the app keeps. Tests check both give the
same pages.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import Integer, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from api.store._held import CompiledRead, HeldConnection
from api.store.paging import capped_total, count_statement
from api.store.schemas import CaseQuery, CaseSummary
from api.store.tables import CaseMemberRow, CaseRow

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy import ColumnElement, Engine, Select

    from api.store._held import Fetch
    from api.store.access import Principal

# The list's columns, in CaseSummary's order (its field names are the keys): never a case body.
_SUMMARY_COLUMNS: tuple[Any, ...] = (
    col(CaseRow.case_id),
    col(CaseRow.version),
    col(CaseRow.archived),
    col(CaseRow.year),
    col(CaseRow.agency_code),
    col(CaseRow.project_unit),
    col(CaseRow.updated_at),
    col(CaseRow.latest_decision),
    col(CaseRow.eligibility),
    col(CaseRow.assessment),
    col(CaseRow.fee),
    col(CaseRow.grade),
    col(CaseRow.panel),
    col(CaseRow.plan_review),
    col(CaseRow.draft_review),
)
_SUMMARY_KEYS = tuple(CaseSummary.model_fields)
if len(_SUMMARY_KEYS) != len(_SUMMARY_COLUMNS):  # checked once here, so the rows need no strict zip
    raise RuntimeError("the list's columns and CaseSummary's fields differ")


_LIST_FILTERS: dict[str, Any] = {
    "year": CaseRow.year,
    "eligibility": CaseRow.eligibility,
    "assessment": CaseRow.assessment,
    "fee": CaseRow.fee,
    "grade": CaseRow.grade,
    "agency": CaseRow.agency_code,
    "panel": CaseRow.panel,
    "plan_review": CaseRow.plan_review,
    "draft_review": CaseRow.draft_review,
}
"""The list's filters: CaseQuery field -> column."""

# One statement is its own consistent snapshot: on PostgreSQL the list reads in autocommit, which
# spares the BEGIN and ROLLBACK round trips of a transaction (SQLite keeps its own BEGIN handling).
_READ_ONLY: dict[str, dict[str, Any]] = {"postgresql": {"isolation_level": "AUTOCOMMIT"}}


class _ListShape(NamedTuple):
    """What the list's statements depend on besides values: visibility, archived, filters, keyset, count."""

    role: str
    archived: bool
    filters: tuple[str, ...]
    after: bool
    exact: bool


@functools.cache
def _list_statements(shape: _ListShape) -> tuple[Select[Any], Select[int]]:
    """The page statement (capped count first, then the summary columns) and the count on its own.

    Built once per shape with bound parameters for the values: a request only binds them, and the
    compiled statement is reused. The shapes are finitely many (4 roles x 2 x 2^9 x 2 x 2).
    """
    where: list[ColumnElement[bool]] = [col(CaseRow.archived).is_(shape.archived)]
    if shape.role == "expert":
        mine = select(CaseMemberRow.case_id).where(CaseMemberRow.member_id == bindparam("member_id"))
        where.append(col(CaseRow.case_id).in_(mine))
    elif shape.role == "project_unit":
        where.append(col(CaseRow.project_unit) == bindparam("unit_name"))
    where.extend(_LIST_FILTERS[name] == bindparam(name) for name in shape.filters)
    count_limit = None if shape.exact else bindparam("count_limit", type_=Integer)
    counting = count_statement(sa_select(col(CaseRow.case_id)).where(*where), limit=count_limit)
    page = sa_select(counting.scalar_subquery(), *_SUMMARY_COLUMNS).where(*where)
    if shape.after:
        page = page.where(col(CaseRow.case_id) > bindparam("after"))
    page = (
        page.order_by(col(CaseRow.case_id))
        .limit(bindparam("page_limit", type_=Integer))
        .offset(bindparam("page_offset", type_=Integer))
    )
    return page, counting


def _list_request(
    principal: Principal, query: CaseQuery, count_cap: int
) -> tuple[_ListShape, dict[str, Any], int | None]:
    """The statements' shape, the values to bind, and the count's cap (``None``: exact)."""
    filters = {name: getattr(query, name) for name in _LIST_FILTERS if getattr(query, name) is not None}
    cap = None if query.count == "exact" else query.offset + max(count_cap, query.limit + 1)
    shape = _ListShape(principal.role, query.archived, tuple(filters), query.after is not None, cap is None)
    values: dict[str, Any] = {
        **filters,
        "member_id": principal.expert_id or "",
        "unit_name": principal.unit_name or "",
        "after": query.after,
        "count_limit": None if cap is None else cap + 1,
        "page_limit": query.limit + 1,
        "page_offset": query.offset,
    }
    return shape, values, cap


def _counted_on_page(rows: Sequence[Sequence[Any]], query: CaseQuery) -> int | None:
    """The count the page's rows settle (``None``: an empty page past the start, count on its own)."""
    if rows:
        return int(rows[0][0])
    if query.after is None and query.offset == 0:
        return 0
    return None


def _case_page(
    rows: Sequence[Sequence[Any]], counted: int, query: CaseQuery, cap: int | None
) -> dict[str, Any]:
    """The ``CasePage`` JSON object of the page's rows (count first, then the summary columns)."""
    total, exact = capped_total(counted, cap)
    more = len(rows) > query.limit
    items = [dict(zip(_SUMMARY_KEYS, row[1:])) for row in rows[: query.limit]]  # noqa: B905 - checked once
    return {
        "items": items,
        "total": total,
        "limit": query.limit,
        "offset": query.offset,
        "total_exact": exact,
        "next_after": items[-1]["case_id"] if more else None,
    }


def list_cases(*, session: Session, principal: Principal, query: CaseQuery, count_cap: int) -> dict[str, Any]:
    """A page of the cases the principal may read, filtered, in ``case_id`` order: a ``CasePage``.

    Returned as the page's JSON object (``updated_at`` as a ``datetime``), built from the selected
    columns without models: the route writes it out as it is. One statement reads the page's
    ``limit + 1`` rows (the extra one says whether another page follows: ``next_after``) and, as an
    uncorrelated scalar subquery run once, the count of the matching cases (``after`` aside), capped
    at ``offset + max(count_cap, limit + 1)`` unless ``count=exact``. Only an empty page past the
    start needs a second statement for its total.

    Visibility: an expert sees the cases whose panel lists its id, a project unit its own cases,
    the office and the auditor all.

    This is the list through SQLAlchemy's Core execution; the route reads the same statements through
    :class:`CaseList` (half the CPU), which tests check gives the same pages.
    """
    shape, values, cap = _list_request(principal, query, count_cap)
    page, counting = _list_statements(shape)
    connection = session.connection(execution_options=_READ_ONLY.get(session.get_bind().dialect.name, {}))
    rows = connection.execute(page, values).all()
    counted = _counted_on_page(rows, query)
    if counted is None:
        counted = int(connection.execute(counting, values).scalar_one())
    return _case_page(rows, counted, query, cap)


class CaseList:
    """``GET /cases`` on a connection the app keeps: :func:`list_cases`'s statements, pages and errors.

    Run through :mod:`api.store._held` instead of a session (half the CPU, and no pool checkout per
    request: docs/performance.md), so the route can afford the event loop.

    Each shape's statements are compiled once for the engine's dialect. On PostgreSQL each statement
    reads in autocommit; on SQLite, in the driver's autocommit, so a page and the rare count of an empty
    page are each their own snapshot.
    """

    def __init__(self, engine: Engine) -> None:
        self._held = HeldConnection(engine)
        self._dialect = engine.dialect
        self._compiled: dict[_ListShape, tuple[CompiledRead, CompiledRead]] = {}

    def page(self, *, principal: Principal, query: CaseQuery, count_cap: int) -> dict[str, Any]:
        """What :func:`list_cases` returns for the same arguments."""
        shape, values, cap = _list_request(principal, query, count_cap)
        compiled = self._compiled.get(shape)
        if compiled is None:
            page, counting = _list_statements(shape)
            compiled = CompiledRead(page, self._dialect), CompiledRead(counting, self._dialect)
            self._compiled[shape] = compiled
        page_read, count_read = compiled

        def read(fetch: Fetch) -> tuple[Sequence[Sequence[Any]], int]:
            rows = page_read.all(fetch, values)
            counted = _counted_on_page(rows, query)
            if counted is None:
                counted = int(count_read.all(fetch, values)[0][0])
            return rows, counted

        rows, counted = self._held.read(read)
        return _case_page(rows, counted, query, cap)

    def close(self) -> None:
        """Give the connection back to the pool (the app's shutdown)."""
        self._held.close()
