"""``GET /api/v1/cases`` with 100,000 stored cases on PostgreSQL (target: p99 <= 100 ms).

1. A throwaway PostgreSQL (``api.store.testing.temporary_postgres``; or KAOPING_TEST_POSTGRES_URL),
   migrated with ``kaoping db upgrade``.
2. N generated cases (``engine.testing.cases``, default 100,000) stored with COPY exactly as ``api.store.cases.create_case``
   and ``api.store.decisions.create_decision`` leave them: the body as JSON, the filter columns (year of
   ``commissioned_on``, agency credit code, project unit), one ``case_members`` row per panel member id,
   and the latest-decision columns (eligibility, assessment, fee, grade; from engine/testing/oracle.py, which
   bench_engine checks against the engine; from the engine where chinese-calendar lacks the year; NULL,
   as for a case never decided, when no calendar covers the late days). To make the filters selective,
   agencies (200 credit codes, valid GB 32100 check characters) and project units (40) are spread over
   the cases, in the bodies too; 1 % of the cases are archived. ``decisions`` rows are not stored: the list does not read them.
   ``VACUUM (ANALYZE)`` runs after the load until the visibility map covers the table (see ``settle``),
   as autovacuum leaves it at rest.
3. ``kaoping serve --workers 2`` on that database, a finance_office token, and for each query mix
   first 100 requests one at a time (the service time, no queueing) and then ``wrk`` for ``--seconds``
   at ``--connections``. The mixes are what clients use: the first page with the default parameters,
   filtered first pages (year, grade, agency, year+grade), and deep pages through keyset paging
   (``after=<case_id>`` 90 % into the list, unfiltered and filtered). Two comparison lines are measured
   but not held to the target: ``offset=90000`` (paging the old way) and ``count=exact`` (a report's
   exact total of 99,000 cases).
4. ``EXPLAIN (ANALYZE, BUFFERS)`` of the statements the list runs (the page, and the capped count
   where the page does not settle the total), captured from ``api.store.case_list.list_cases`` itself, for every
   mix (``--no-explain`` to skip).

Exit status: 0 when every target mix has p99 <= 100 ms under wrk, 2 when one does not, 1 when wrk saw
a non-2xx response, or a socket error (its 2-s timeout) on a target mix.

Run: ``.venv/bin/python -m bench.bench_cases_pg [--cases 100000] [--seconds 10] [--connections 32]``
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from api.store.testing import PostgresUnavailableError, psycopg_conninfo, temporary_postgres
from bench._serve import (
    ROOT,
    WrkResult,
    children_cpu_seconds,
    kaoping_command,
    loadavg,
    lua_script,
    machine,
    machine_cpu_seconds,
    make_token,
    request,
    run_wrk,
    start_server,
)
from engine.errors import CaseError
from engine.models import CREDIT_CODE_ALPHABET, credit_code_check_character
from engine.testing import cases as generate_cases
from engine.testing import decide as oracle_decide

TARGET_P99_MS = 100.0
COMPARISON = "(comparison)"
"""Mixes whose name ends so are measured but not held to the target."""
# Candidates measured with --try-indexes (created in the throwaway database only). Migration 0003 made
# the (archived, <filter>, case_id) indexes; year + grade is the one common pair that has to AND two
# of them or filter one's rows on the heap.
CANDIDATE_INDEXES = [
    "CREATE INDEX IF NOT EXISTS ix_bench_archived_year_grade_case_id ON cases (archived, year, grade, case_id)",
]
CASE_COLUMNS = (
    "case_id",
    "body",
    "version",
    "archived",
    "year",
    "agency_code",
    "project_unit",
    "latest_decision",
    "eligibility",
    "assessment",
    "fee",
    "grade",
    "created_at",
    "updated_at",
)


def _credit_codes(n: int, rng: random.Random) -> list[str]:
    alphabet = CREDIT_CODE_ALPHABET
    codes = []
    for _ in range(n):
        head = "91310112" + "".join(rng.choice(alphabet) for _ in range(9))
        codes.append(head + credit_code_check_character(head))
    return codes


@functools.cache
def evaluator() -> Any:
    from engine import Evaluator  # noqa: PLC0415

    return Evaluator()


def _decide(case: dict[str, Any]) -> dict[str, Any] | None:
    """The decision columns' source: the oracle, else the engine; None when no decision can be made."""
    try:
        return oracle_decide(case)
    except NotImplementedError:  # chinese-calendar lacks the year; the engine has rules/calendar
        pass
    try:
        return evaluator().evaluate(case)
    except CaseError:  # e.g. a working-day calendar year nobody has published: stored, never decided
        return None


def load(conninfo: str, n: int, batch: int = 10_000) -> dict[str, Any]:
    """Store ``n`` cases with COPY; returns what the query mixes filter on."""
    rng = random.Random(5)
    agencies = _credit_codes(200, rng)
    units = [f"七宝镇第{i + 1}单位" for i in range(40)]
    grades: Counter[str] = Counter()
    years: Counter[int] = Counter()
    by_agency: Counter[str] = Counter()
    now = datetime.now(UTC)
    start = time.perf_counter()
    everything = generate_cases(n)
    with psycopg.connect(conninfo) as conn:
        for first in range(0, n, batch):
            chunk = everything[first : first + batch]
            with conn.cursor() as cur:
                members = []
                with cur.copy(f"COPY cases ({', '.join(CASE_COLUMNS)}) FROM STDIN") as copy:
                    for offset, case in enumerate(chunk):
                        index = first + offset
                        case["case_id"] = f"GEN-{index:06d}"
                        case["agency"]["credit_code"] = rng.choice(agencies)
                        case["commission"]["project_unit"] = rng.choice(units)
                        decision = _decide(case)
                        year = int(case["commission"]["commissioned_on"][:4])
                        grade = decision["assessment"]["grade"] if decision else None
                        grades[grade or "-"] += 1
                        years[year] += 1
                        by_agency[case["agency"]["credit_code"]] += 1
                        copy.write_row(
                            (
                                case["case_id"],
                                json.dumps(case),  # SQLAlchemy's JSON type: json.dumps, ASCII escapes
                                1,
                                index % 100 == 99,
                                year,
                                case["agency"]["credit_code"],
                                case["commission"]["project_unit"],
                                1 if decision else None,
                                decision["eligibility"]["status"] if decision else None,
                                decision["assessment"]["status"] if decision else None,
                                decision["fee"]["status"] if decision else None,
                                grade,
                                now,
                                now,
                            )
                        )
                        panel = case.get("panel") or {}
                        members.extend(
                            (case["case_id"], m["id"])
                            for m in panel.get("members", [])
                            if isinstance(m, dict) and isinstance(m.get("id"), str) and len(m["id"]) <= 64
                        )
                with cur.copy("COPY case_members (case_id, member_id) FROM STDIN") as copy:
                    for row in dict.fromkeys(members):
                        copy.write_row(row)
            conn.commit()
    with psycopg.connect(conninfo, autocommit=True) as conn:
        visible = settle(conn)
        size = conn.execute("SELECT pg_size_pretty(pg_total_relation_size('cases'))").fetchone()
    return {
        "seconds": time.perf_counter() - start,
        "size": size[0] if size else "?",
        "visible": visible,
        "grades": grades,
        "years": years,
        "agency": by_agency.most_common(1)[0],
    }


def settle(conn: psycopg.Connection[Any], tries: int = 30) -> str:
    """``VACUUM (ANALYZE)`` until the visibility map covers ``cases``, as autovacuum leaves a table at rest.

    The throwaway cluster commits asynchronously (``synchronous_commit = off``, api/store/testing),
    and VACUUM marks a page all-visible only once its rows' commit hint bits can be set, that is once
    the WAL writer has flushed the load's commits: a VACUUM at once after the load can mark none of the
    pages, one a second later all of them. Without the map every count visits the heap, and the
    planner counts ``year=`` and ``grade=`` with a sequential scan (docs/performance.md). A server that
    commits synchronously does not show this. Returns "all-visible pages / pages"; says so when the map
    never fills.
    """
    row: tuple[int, int] | None = None
    for attempt in range(tries):
        if attempt:
            time.sleep(1.0)
        conn.execute("VACUUM (ANALYZE) cases, case_members")
        row = conn.execute("SELECT relpages, relallvisible FROM pg_class WHERE relname = 'cases'").fetchone()
        if row is not None and row[1] >= row[0]:
            return f"{row[1]:,} / {row[0]:,}"
    print(f"WARNING: the visibility map of cases did not fill after {tries} VACUUMs: {row}", flush=True)
    return "?" if row is None else f"{row[1]:,} / {row[0]:,} (not settled)"


def mixes(info: dict[str, Any], n: int) -> list[tuple[str, str]]:
    year = info["years"].most_common(1)[0][0]
    grade = "良" if info["grades"]["良"] else info["grades"].most_common(1)[0][0]
    agency = info["agency"][0]
    deep = max(0, int(n * 0.9) // 50 * 50)
    after = f"GEN-{max(0, deep - 1):06d}"  # the cases after it: the same ones as offset=deep
    q = urllib.parse.urlencode
    return [
        ("first page (defaults)", "/cases"),
        (f"year={year}", "/cases?" + q({"year": year})),
        (f"grade={grade}", "/cases?" + q({"grade": grade})),
        ("agency (most cases)", "/cases?" + q({"agency": agency})),
        (f"year={year}&grade={grade}", "/cases?" + q({"year": year, "grade": grade})),
        (f"after={after}", "/cases?" + q({"after": after})),
        (f"grade={grade}&after={after}", "/cases?" + q({"grade": grade, "after": after})),
        (f"offset={deep:,} {COMPARISON}", "/cases?" + q({"offset": deep})),
        (f"count=exact {COMPARISON}", "/cases?" + q({"count": "exact"})),
    ]


def explain(url: str, paths: list[tuple[str, str]]) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of the statements api.store.case_list.list_cases runs for each query string."""
    from sqlalchemy import event  # noqa: PLC0415

    from api.settings import Settings  # noqa: PLC0415
    from api.store import case_list, db  # noqa: PLC0415
    from api.store.access import Principal  # noqa: PLC0415
    from api.store.schemas import CaseQuery  # noqa: PLC0415

    engine = db.make_engine(url)
    captured: list[tuple[str, Any]] = []

    def capture(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool
    ) -> None:
        captured.append((statement, parameters))

    out = []
    principal = Principal(token_id=None, role="finance_office")
    cap = Settings().list_count_cap  # the server's, read from the same environment
    try:
        for name, path in paths:
            params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query))
            query = CaseQuery.model_validate(params)
            captured.clear()
            event.listen(engine, "before_cursor_execute", capture)
            try:
                with db.new_session(engine) as session:
                    case_list.list_cases(session=session, principal=principal, query=query, count_cap=cap)
            finally:
                event.remove(engine, "before_cursor_execute", capture)
            out.append(f"--- {name}: {path}")
            with engine.connect() as conn:
                for statement, parameters in captured:
                    out.append(statement.replace("\n", " "))
                    plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).all()
                    out.extend("    " + row[0] for row in plan)
    finally:
        engine.dispose()
    return out


def serial(base: str, path: str, token: str, count: int) -> tuple[float, float, str]:
    """p50 and p99 (ms) of ``count`` requests one at a time, and the last page's total as shown."""
    times, total = [], ""
    for _ in range(count):
        start = time.perf_counter()
        status, page = request("GET", base + path, token)
        times.append((time.perf_counter() - start) * 1000)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}: {str(page)[:300]}")
        total = f"{page['total']:,}" + ("" if page.get("total_exact", True) else "+")
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))], total


@dataclass(frozen=True)
class CpuSplit:
    """Milliseconds per request under wrk: CPU of the server's workers, of wrk, of the rest of the machine
    (PostgreSQL, the kernel's loopback TCP, this script), idle, and stolen by the hypervisor."""

    server: float
    wrk: float
    rest: float
    idle: float
    steal: float

    @classmethod
    def measure(cls, server: Any, run: Callable[[], WrkResult]) -> tuple[WrkResult, CpuSplit]:
        before = (server.cpu_seconds(), children_cpu_seconds(), *machine_cpu_seconds())
        result = run()
        after = (server.cpu_seconds(), children_cpu_seconds(), *machine_cpu_seconds())
        used_server, used_wrk, busy, idle, steal = (b - a for a, b in zip(before, after, strict=True))
        per = 1000 / max(1, result.requests)
        # Not clamped: a negative rest would show an accounting error (ticks are 10 ms).
        rest = busy - used_server - used_wrk
        return result, cls(used_server * per, used_wrk * per, rest * per, idle * per, steal * per)

    def __str__(self) -> str:
        return (
            f"ms/request: CPU server {self.server:.2f}, wrk {self.wrk:.2f}, "
            f"rest (PostgreSQL, kernel) {self.rest:.2f}; idle {self.idle:.2f}, steal {self.steal:.2f}"
        )


Row = tuple[str, float, float, WrkResult, str, CpuSplit]


def measure(
    server: Any, paths: list[tuple[str, str]], token: str, args: argparse.Namespace, folder: Path
) -> list[Row]:
    """Per query mix: ``--serial`` requests one at a time, then wrk (and the CPU each side used)."""
    rows = []
    for name, path in paths:
        request("GET", server.base + path, token)  # warm the worker's caches
        s50, s99, total = serial(server.base, path, token, args.serial)
        result, cpu = CpuSplit.measure(
            server,
            functools.partial(
                run_wrk,
                server.base + path,
                lua_script("GET", token),
                folder,
                threads=args.threads,
                connections=args.connections,
                seconds=args.seconds,
            ),
        )
        errors = sum(result.socket_errors.values())
        rows.append((name, s50, s99, result, total, cpu))
        print(
            f"{name:<34} total {total:>7}  1-conn p50 {s50:6.1f} ms p99 {s99:6.1f} ms | "
            f"wrk {result.rate:7,.0f} req/s p50 {result.p50_ms:6.1f} ms p99 {result.p99_ms:6.1f} ms "
            f"non-2xx {result.non_2xx} socket errors {errors} | load {result.load_before} -> {result.load_after}"
            f"\n{'':<34} {cpu}",
            flush=True,
        )
    return rows


def table(label: str, rows: list[Row]) -> None:
    print(f"\n{label}")
    print(
        f"{'query':<34}{'total':>8}{'1-conn p50':>12}{'1-conn p99':>12}{'req/s':>9}{'p50 ms':>9}"
        f"{'p99 ms':>9}{'CPU ms/req: server':>20}{'wrk':>6}{'rest':>7}{'idle':>6}{'steal':>6}"
        f"  target p99 <= {TARGET_P99_MS:g} ms"
    )
    for name, s50, s99, result, total, cpu in rows:
        flag = "ok" if result.p99_ms <= TARGET_P99_MS else "SLOW"
        if name.endswith(COMPARISON):
            flag = f"({flag}; not a target)"
        print(
            f"{name:<34}{total:>8}{s50:>12.1f}{s99:>12.1f}{result.rate:>9,.0f}{result.p50_ms:>9.1f}"
            f"{result.p99_ms:>9.1f}{cpu.server:>20.2f}{cpu.wrk:>6.2f}{cpu.rest:>7.2f}{cpu.idle:>6.2f}"
            f"{cpu.steal:>6.2f}  {flag}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per query mix (default 10)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="kaoping serve --workers (default 2)")
    parser.add_argument(
        "--serial", type=int, default=100, help="one-at-a-time requests per mix (default 100)"
    )
    parser.add_argument("--no-explain", action="store_true", help="skip EXPLAIN ANALYZE of the statements")
    parser.add_argument(
        "--try-indexes",
        action="store_true",
        help="then create CANDIDATE_INDEXES in the throwaway database and measure again",
    )
    args = parser.parse_args()
    results: list[tuple[str, list[Row]]] = []
    plans: list[str] = []
    with tempfile.TemporaryDirectory(prefix="kaoping-bench-pg-") as tmp, temporary_postgres() as url:
        folder = Path(tmp)
        conninfo = psycopg_conninfo(url)
        env = {**os.environ, "DATABASE_URL": url}
        subprocess.run([*kaoping_command(), "db", "upgrade"], env=env, cwd=ROOT, check=True)
        info = load(conninfo, args.cases)
        print(
            f"stored {args.cases:,} cases in {info['seconds']:.1f} s (generated, decided, COPY, VACUUM ANALYZE); "
            f"cases table {info['size']}, all-visible pages {info['visible']}; grades {dict(info['grades'])}"
        )
        paths = mixes(info, args.cases)
        token = make_token(env)
        with start_server(env, args.workers, folder / "serve.log") as server:
            print("--- schema as migrated", flush=True)
            results.append(("schema as migrated", measure(server, paths, token, args, folder)))
            if not args.no_explain:
                plans += ["=== EXPLAIN, schema as migrated", *explain(url, paths)]
            if args.try_indexes:
                with psycopg.connect(conninfo, autocommit=True) as conn:
                    for statement in CANDIDATE_INDEXES:
                        conn.execute(statement)
                    conn.execute("VACUUM (ANALYZE) cases")
                print("--- with CANDIDATE_INDEXES", flush=True)
                results.append(("with CANDIDATE_INDEXES", measure(server, paths, token, args, folder)))
                if not args.no_explain:
                    plans += ["=== EXPLAIN, with CANDIDATE_INDEXES", *explain(url, paths)]
    print()
    print(f"machine: {machine()}; load average now {loadavg()}")
    print(
        f"kaoping serve --workers {args.workers} on PostgreSQL, {args.cases:,} cases; wrk -t{args.threads} "
        f"-c{args.connections} -d{args.seconds}s per mix on the same machine (it shares the cores)"
    )
    for label, rows in results:
        table(label, rows)
    if plans:
        print()
        print("\n".join(plans))
    measured = [r for _, rows in results for r in rows]
    # A comparison line (offset=90000) may time out under 32 connections; that is what it shows.
    if any(
        r[3].non_2xx
        or r[3].requests == 0
        or (sum(r[3].socket_errors.values()) and not r[0].endswith(COMPARISON))
        for r in measured
    ):
        print("FAILED: wrk saw non-2xx responses or socket errors (wrk's timeout is 2 s)")
        return 1
    targets = [r for r in results[0][1] if not r[0].endswith(COMPARISON)]
    return 0 if all(r[3].p99_ms <= TARGET_P99_MS for r in targets) else 2


if __name__ == "__main__":
    try:
        sys.exit(main())
    except PostgresUnavailableError as exc:
        sys.exit(f"bench_cases_pg: {exc}")
