"""The case store: keyword-only functions, each one request's reads or writes in one transaction.

Write functions start with :func:`api.db.begin_write`, lock the case row (``FOR UPDATE`` on
PostgreSQL, the database write lock on SQLite), do all their writes and the audit entry, and commit once;
anything raised before the commit leaves nothing behind.
"""

from __future__ import annotations

import copy
import functools
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import Integer, bindparam, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, delete, select

from api import registry
from api._held import CompiledRead, HeldConnection
from api._store import add_audit, capped_total, commit_new, count_statement, paginate
from api.auth import CLI, Principal, can_read_case, check_score_write, hash_token, member_ids, new_token
from api.db import begin_write
from api.errors import ConflictError, ForbiddenError, NotFoundError, PreconditionRequiredError
from api.jsondoc import if_match_allows, merge_patch, plain
from api.schemas import (
    AuditEntry,
    AuditQuery,
    CasePublic,
    CaseQuery,
    CaseSummary,
    Page,
    ScoresPut,
    StoredCase,
)
from api.tables import AuditRow, CaseMemberRow, CaseRow, TokenRow, utcnow
from engine.errors import CaseError
from engine.validate import parse_case

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy import ColumnElement, Engine, Select

    from api._held import Fetch
    from engine.models import Case

_TOKEN_ID_CHARS = 64


def _bad(loc: list[str | int], msg: str, kind: str) -> CaseError:
    return CaseError([{"loc": loc, "msg": msg, "type": kind}])


def _validate(session: Session, body: dict[str, Any]) -> Case:
    """The stored body as the contract case it stands for, or :class:`CaseError` naming each bad field."""
    resolved = registry.resolve_case(session=session, body=body, exclude_case=None, registry_wins=False)
    return parse_case(resolved)


def _apply(session: Session, row: CaseRow, body: dict[str, Any], case: Case) -> None:
    """Store a validated body in ``row`` with its filter columns and the panel's member ids."""
    row.body = body
    row.year = case.commission.commissioned_on.year
    row.agency_code = case.agency.credit_code
    row.project_unit = case.commission.project_unit
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    session.exec(delete(CaseMemberRow).where(col(CaseMemberRow.case_id) == row.case_id))
    for member_id in member_ids(body):
        if len(member_id) <= _TOKEN_ID_CHARS:
            session.add(CaseMemberRow(case_id=row.case_id, member_id=member_id))


def summary(row: CaseRow) -> CaseSummary:
    """The list line of a stored case."""
    return CaseSummary.model_validate(
        {
            "case_id": row.case_id,
            "version": row.version,
            "archived": row.archived,
            "year": row.year,
            "agency": row.agency_code,
            "project_unit": row.project_unit,
            "updated_at": row.updated_at,
            "latest_decision": row.latest_decision,
            "eligibility": row.eligibility,
            "assessment": row.assessment,
            "fee": row.fee,
            "grade": row.grade,
        }
    )


def public(row: CaseRow) -> CasePublic:
    """A stored case as the API shows it."""
    return CasePublic.model_validate(
        {
            **summary(row).model_dump(),
            "created_at": row.created_at,
            "case": StoredCase.model_validate(row.body),
        }
    )


def case_row(session: Session, case_id: str, principal: Principal, *, lock: bool = False) -> CaseRow:
    """A stored case the principal may read (``lock``: for update), else 404 / 403."""
    statement = select(CaseRow).where(CaseRow.case_id == case_id)
    row = session.exec(statement.with_for_update() if lock else statement).first()
    if row is None:
        raise NotFoundError(f"no case {case_id}")
    if not can_read_case(principal, project_unit=row.project_unit, members=member_ids(row.body)):
        raise ForbiddenError(f"case {case_id} is not one of this {principal.role}'s cases")
    return row


def _writable(row: CaseRow, if_match: str | None, *, required: bool) -> None:
    if row.archived:
        raise ConflictError(f"case {row.case_id} is archived; restore it first")
    if if_match is None:
        if required:
            raise PreconditionRequiredError(f'send If-Match: "{row.version}" (the ETag of the case you read)')
        return
    if not if_match_allows(if_match, row.version):
        raise ConflictError(
            f"case {row.case_id} changed (now version {row.version}); read it again and retry"
        )


def create_case(*, session: Session, data: Any, actor: Principal) -> CasePublic:
    """Store a new case (409 when its ``case_id`` exists, archived or not)."""
    begin_write(session)
    if not isinstance(data, dict):
        raise _bad([], "a case must be a JSON object", "model_type")
    body = plain(data)
    case = _validate(session, body)
    if session.get(CaseRow, case.case_id) is not None:
        raise ConflictError(f"case {case.case_id} exists already")
    row = CaseRow(case_id=case.case_id, body=body, year=0, agency_code="", project_unit="")
    _apply(session, row, body, case)
    add_audit(session, actor, "case.create", f"case:{case.case_id}", {"version": 1})
    commit_new(session, f"case {case.case_id}")
    return public(row)


def get_case(*, session: Session, case_id: str, principal: Principal) -> CasePublic:
    """One stored case the principal may read."""
    return public(case_row(session, case_id, principal))


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
)
_SUMMARY_KEYS = tuple(CaseSummary.model_fields)
if len(_SUMMARY_KEYS) != len(_SUMMARY_COLUMNS):  # once, not per row (a strict zip: ~40 µs a page)
    raise RuntimeError("the list's columns and CaseSummary's fields differ")


_LIST_FILTERS: dict[str, Any] = {
    "year": CaseRow.year,
    "eligibility": CaseRow.eligibility,
    "assessment": CaseRow.assessment,
    "fee": CaseRow.fee,
    "grade": CaseRow.grade,
    "agency": CaseRow.agency_code,
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
    compiled statement is reused. The shapes are finitely many (4 roles x 2 x 2^6 x 2 x 2).
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

    Run through :mod:`api._held` instead of a session (about 0.6 instead of 1.3 ms of CPU for a first
    page on PostgreSQL, and no pool checkout per request), so the route can afford the event loop.

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


def patch_case(
    *, session: Session, case_id: str, patch: Any, if_match: str | None, actor: Principal
) -> CasePublic:
    """Apply a JSON merge patch (RFC 7396) to a stored case; ``If-Match`` is required."""
    begin_write(session)
    row = case_row(session, case_id, actor, lock=True)
    _writable(row, if_match, required=True)
    if not isinstance(patch, dict):
        raise _bad([], "a merge patch must be a JSON object", "model_type")
    body = merge_patch(row.body, plain(patch))
    if body.get("case_id") != case_id:
        raise _bad(["case_id"], "cannot be changed", "case_id_changed")
    _apply(session, row, body, _validate(session, body))
    row.version += 1
    fields = sorted(set(patch) & set(StoredCase.model_fields))
    add_audit(session, actor, "case.patch", f"case:{case_id}", {"version": row.version, "fields": fields})
    session.commit()
    return public(row)


def set_archived(
    *, session: Session, case_id: str, archived: bool, if_match: str | None, actor: Principal
) -> CasePublic:
    """Archive or restore a case (cases are never deleted)."""
    begin_write(session)
    row = case_row(session, case_id, actor, lock=True)
    if if_match is not None and not if_match_allows(if_match, row.version):
        raise ConflictError(f"case {case_id} changed (now version {row.version}); read it again and retry")
    if row.archived != archived:
        row.archived, row.version, row.updated_at = archived, row.version + 1, utcnow()
        session.add(row)
        add_audit(
            session,
            actor,
            "case.archive" if archived else "case.restore",
            f"case:{case_id}",
            {"version": row.version},
        )
        session.commit()
    return public(row)


def put_score(  # noqa: PLR0913 - one keyword per part of the request
    *,
    session: Session,
    case_id: str,
    node: str,
    party: str,
    scores: ScoresPut,
    if_match: str | None,
    actor: Principal,
) -> CasePublic:
    """Write one party's score of a node; member scores of the expert panel merge into what is there."""
    begin_write(session)
    row = case_row(session, case_id, actor, lock=True)
    check_score_write(actor, party, member_scores=scores.scores is not None)
    _writable(row, if_match, required=False)
    value: Any
    if party == "expert_panel":
        if actor.role == "expert":
            value = {actor.expert_id: scores.score}
        elif scores.scores is None:
            raise _bad(
                ["score"],
                'the expert panel is scored per member: send {"scores": {"E1": "88"}}',
                "score_shape",
            )
        else:
            value = dict(scores.scores)
        panel = set(member_ids(row.body))
        unknown = [m for m in value if m not in panel]
        if unknown:
            raise CaseError(
                [
                    {"loc": ["scores", m], "msg": "is not on the panel", "type": "unknown_member"}
                    for m in unknown
                ]
            )
    elif scores.scores is not None:
        raise _bad(["scores"], f'the {party} gives one score: send {{"score": "90"}}', "score_shape")
    else:
        value = scores.score
    body = copy.deepcopy(row.body)
    if not isinstance(body.get(node), dict):
        raise ConflictError(f"case {case_id} has no {node} yet; add it (PATCH) before scoring it")
    node_scores = dict(body[node].get("scores") or {})
    detail: dict[str, Any] = {"node": node, "party": party}
    if party == "expert_panel":
        detail["members"] = sorted(value)
        value = {**(node_scores.get("expert_panel") or {}), **value}
    node_scores[party] = plain(value)
    body[node]["scores"] = node_scores
    _apply(session, row, body, _validate(session, body))
    row.version += 1
    detail["version"] = row.version
    add_audit(session, actor, "scores.put", f"case:{case_id}", detail)
    session.commit()
    return public(row)


def list_audit(*, session: Session, query: AuditQuery) -> Page[AuditEntry]:
    """A page of the audit log, newest first."""
    statement = select(AuditRow)
    for field in ("actor", "action", "target"):
        value = getattr(query, field)
        if value is not None:
            statement = statement.where(getattr(AuditRow, field) == value)
    rows, total = paginate(
        session, statement.order_by(col(AuditRow.id).desc()), limit=query.limit, offset=query.offset
    )
    items = [
        AuditEntry(id=r.id or 0, at=r.at, actor=r.actor, action=r.action, target=r.target, detail=r.detail)
        for r in rows
    ]
    return Page[AuditEntry](items=items, total=total, limit=query.limit, offset=query.offset)


def create_token(
    *,
    session: Session,
    role: str,
    expert_id: str | None = None,
    unit_name: str | None = None,
    label: str | None = None,
) -> str:
    """Store a new token's hash and return the token (the only time it exists in clear)."""
    begin_write(session)
    token = new_token()
    row = TokenRow(
        token_hash=hash_token(token), role=role, expert_id=expert_id, unit_name=unit_name, label=label
    )
    session.add(row)
    session.flush()
    detail = {"role": role, "expert_id": expert_id, "unit_name": unit_name, "label": label}
    add_audit(session, CLI, "token.create", f"token:{row.id}", detail)
    session.commit()
    return token


def count_tokens(*, session: Session) -> int:
    """How many unrevoked tokens exist."""
    statement = select(func.count()).select_from(TokenRow).where(col(TokenRow.revoked_at).is_(None))
    return int(session.exec(statement).one())
