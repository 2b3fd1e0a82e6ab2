"""Reads on the request path straight on a DBAPI connection the app keeps (the token lookup, the case list).

Why not a session or an engine ``Connection``: SQLAlchemy's session, execution context and result
objects cost several times what the driver itself costs for the same statement (docs/performance.md).
These reads are Core SELECTs compiled once, run with SQLAlchemy's own bind and result processors, so
values come out exactly as through SQLAlchemy.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy import exc as sa_exc

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from sqlalchemy import Engine, Select
    from sqlalchemy.engine import Dialect
    from sqlalchemy.pool import PoolProxiedConnection

    Fetch = Callable[[str, Any], Sequence[Sequence[Any]]]
    """Run one statement with driver parameters; its rows as the driver returns them."""

T = TypeVar("T")


class HeldConnection:
    """One DBAPI connection taken from the engine's pool once and kept until :meth:`close`.

    Kept, not checked out per read: a read on the event loop must never wait for a pool slot
    (sessions give theirs back on the event loop), and a checkout costs a ``pool_pre_ping`` round trip.
    On PostgreSQL it runs in autocommit while held (one round trip per statement instead of BEGIN,
    SELECT and ROLLBACK; restored before it goes back to the pool); elsewhere each read ends its
    transaction (``rollback``; on SQLite, in autocommit, a no-op), so no read snapshot stays open.
    A connection that fails is invalidated; a lost one (a restarted server) is replaced and the read
    run once more, then the error is raised as SQLAlchemy's (an ``OperationalError`` is answered 503
    like any other database outage). One read at a time, whichever thread asks.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._error: type[Exception] = engine.dialect.loaded_dbapi.Error
        self._autocommit = engine.dialect.name == "postgresql"
        self._connection: PoolProxiedConnection | None = None
        self._last: tuple[str, Any] = ("", None)  # the statement run last: named by a raised error
        self._lock = threading.Lock()

    def read(self, work: Callable[[Fetch], T]) -> T:
        """``work``'s result; it runs its statements through the fetch it is given (maybe twice: retried)."""
        with self._lock:
            try:
                return self._run(work)
            except self._error as exc:
                if not self._discard(exc):
                    raise self._wrap(exc, lost=False) from exc
            try:
                return self._run(work)  # once more, on a fresh connection
            except self._error as again:
                lost = self._discard(again)
                raise self._wrap(again, lost=lost) from again

    def close(self) -> None:
        """Give the connection back to the pool (the app's shutdown); a later read takes one again."""
        with self._lock:
            connection, self._connection = self._connection, None
            if connection is not None:
                if self._autocommit:
                    connection.dbapi_connection.autocommit = False  # type: ignore[union-attr]
                connection.close()

    def _run(self, work: Callable[[Fetch], T]) -> T:
        connection = self._connection
        if connection is None:
            connection = self._engine.raw_connection()
            if self._autocommit:
                connection.dbapi_connection.autocommit = True  # type: ignore[union-attr]
            self._connection = connection
        result = work(self._fetch)
        if not self._autocommit:
            connection.rollback()
        return result

    def _fetch(self, sql: str, params: Any) -> Sequence[Sequence[Any]]:
        self._last = (sql, params)
        cursor = cast("PoolProxiedConnection", self._connection).cursor()
        try:
            cursor.execute(sql, params)
            return cursor.fetchall()
        finally:
            cursor.close()

    def _discard(self, exc: Exception) -> bool:
        """Invalidate the connection after ``exc``; whether ``exc`` says the connection was lost."""
        connection, self._connection = self._connection, None
        if connection is None:
            return False
        lost = self._engine.dialect.is_disconnect(cast("Any", exc), connection.dbapi_connection, None)
        connection.invalidate(exc)
        return bool(lost)

    def _wrap(self, exc: Exception, *, lost: bool) -> sa_exc.DBAPIError:
        sql, params = self._last
        error = sa_exc.DBAPIError.instance(
            sql, params, exc, self._error, connection_invalidated=lost, dialect=self._engine.dialect
        )
        assert isinstance(error, sa_exc.DBAPIError)  # noqa: S101 - a DBAPI error always wraps as one
        return error


class CompiledRead:
    """A Core SELECT compiled once for a dialect, with its bind and result processors.

    Each run gives the value of every ``bindparam`` without one by name; values the statement carries
    are bound once.

    The processors are SQLAlchemy's (``TypeEngine.bind_processor`` / ``result_processor`` of each type's
    dialect implementation), so values go in and come out as through a ``Connection``: on SQLite a
    boolean arrives as 0 or 1 and a ``DateTime`` as text, and ``UTCDateTime`` makes every time aware UTC.
    """

    __slots__ = ("_binds", "_positional", "_results", "sql")

    def __init__(self, statement: Select[*tuple[Any, ...]], dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        if compiled.literal_execute_params or compiled.post_compile_params:
            raise ValueError("a statement whose parameters render at execution cannot be compiled once")
        self.sql = str(compiled)
        self._positional = compiled.positional
        names = (compiled.positiontup or []) if compiled.positional else list(compiled.params)
        # Per parameter in order: its name, its processor, whether each run gives it, and if not its value.
        self._binds: list[tuple[str, Callable[[Any], Any] | None, bool, Any]] = []
        for name in names:
            bind = compiled.binds[name]
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if bind.required:
                self._binds.append((name, processor, True, None))
            else:  # a value the statement carries (on SQLite, the OFFSET 0 after a LIMIT): bound once, here
                value = compiled.params[name]
                self._binds.append((name, None, False, value if processor is None else processor(value)))
        self._results = [
            (index, processor)
            for index, column in enumerate(statement.selected_columns)
            if (processor := column.type.dialect_impl(dialect).result_processor(dialect, None)) is not None
        ]

    def params(self, values: Mapping[str, Any]) -> Any:
        """The driver's parameters (a tuple or a dict, as the dialect's paramstyle wants) for ``values``."""
        bound = [
            (name, (values[name] if bind is None else bind(values[name])) if given else value)
            for name, bind, given, value in self._binds
        ]
        if self._positional:
            return tuple(value for _, value in bound)
        return dict(bound)

    def all(self, fetch: Fetch, values: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
        """Every row of the statement run with ``values``, each value as SQLAlchemy would give it."""
        rows = fetch(self.sql, self.params(values))
        if not self._results:
            return rows
        processed = [list(row) for row in rows]
        for index, processor in self._results:
            for line in processed:
                line[index] = processor(line[index])
        return processed
