"""Replay every stored case under candidate rule data; nothing stored changes.

The candidate tree is checked with the rulebook's own loader and checks first (:func:`check_rules`);
every slip is reported and nothing is replayed. Then every live case (of a year, if asked) is resolved
against the registries as a new decision would be (:class:`RegistrySnapshot`) and decided under the
rules in force and under the candidate (:func:`engine.replay.replay`). The session only reads.

durable_rules cannot free a registered ruleset, so each replay's evaluators (one per rules directory,
~1.5 MB each) would stay in the process for good: :func:`replay_in_child` runs a replay in a fresh
child process that exits when it is done, which the long-lived server uses; the command line, which
exits anyway, replays in its own process (docs/performance.md has the figures).
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from api.store import db
from api.store.registry_snapshot import RegistrySnapshot
from api.store.tables import CaseRow
from engine import check_rules
from engine.errors import CaseError, KaopingError
from engine.evaluate import Evaluator
from engine.replay import replay, versions
from rules import Rulebook


class ReplayInterruptedError(KaopingError):
    """The replay's child process ended before it answered (killed, or out of memory); nothing changed."""


class CandidateError(KaopingError):
    """The candidate rule data does not load or does not pass the checks: every slip, as text."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def check_candidate(root: Path) -> None:
    """Raise :class:`CandidateError` unless the tree under ``root`` passes every rule-data check."""
    if not (root / "versions.yaml").is_file():
        raise CandidateError([f"{root}: no versions.yaml (not a rules directory)"])
    report = check_rules(root)
    if not report.ok:
        raise CandidateError([str(problem) for problem in report.problems])


def _cases(session: Session, year: int | None) -> list[tuple[str, dict[str, Any] | CaseError]]:
    statement = select(CaseRow.case_id, CaseRow.body).where(col(CaseRow.archived).is_(False))
    if year is not None:
        statement = statement.where(col(CaseRow.year) == year)
    snapshot = RegistrySnapshot(session)
    out: list[tuple[str, dict[str, Any] | CaseError]] = []
    for case_id, body in session.exec(statement.order_by(col(CaseRow.case_id))):
        try:
            out.append((case_id, snapshot.resolve(dict(body), exclude_case=case_id)))
        except CaseError as exc:
            out.append((case_id, exc))
    return out


def replay_store(*, session: Session, candidate: Path, current: Path, year: int | None) -> dict[str, Any]:
    """The replay report of the stored cases (the candidate checked first).

    Raises:
        CandidateError: the candidate rule data is not valid.
    """
    check_candidate(candidate)
    cases = _cases(session, year)
    session.rollback()  # the read is over: hold no transaction while deciding
    before = Evaluator(Rulebook(current.resolve()))
    after = Evaluator(Rulebook(candidate.resolve()))
    report = replay(cases, before, after)
    return {"year": year, "current": versions(before), "candidate": versions(after), **report}


def _in_child(url: str, candidate: str, current: str, year: int | None) -> dict[str, Any]:
    """The child's work: its own engine and session; the outcome as plain data (errors included)."""
    engine = db.make_engine(url)
    try:
        with db.new_session(engine) as session:
            return {
                "report": replay_store(
                    session=session, candidate=Path(candidate), current=Path(current), year=year
                )
            }
    except CandidateError as exc:
        return {"problems": exc.problems}
    finally:
        engine.dispose()


def replay_in_child(*, database_url: str, candidate: Path, current: Path, year: int | None) -> dict[str, Any]:
    """:func:`replay_store` in a fresh child process (spawned), so the server keeps no evaluator.

    Raises:
        CandidateError: the candidate rule data is not valid (checked here, before the child starts).
        ReplayInterruptedError: the child ended without an answer.
    """
    check_candidate(candidate)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        try:
            outcome = pool.submit(_in_child, database_url, str(candidate), str(current), year).result()
        except BrokenProcessPool:
            raise ReplayInterruptedError from None
    if "problems" in outcome:
        raise CandidateError(outcome["problems"])
    report: dict[str, Any] = outcome["report"]
    return report
