"""Fill a fresh SQLite case store with generated cases and their decisions, for the office-tool benchmarks.

Cases are ``engine.testing.cases`` (each under a commission date moved into the year asked, so every
case belongs to it); each is stored as ``api.store.cases.create_case`` stores it (the body, its filter
columns, the panel's member rows) with one decision as ``api.store.decisions.create_decision`` stores it
(the evaluated case, the decision, the hashes), written in one transaction. Cases the engine cannot
decide (a late node in a year no calendar covers) are stored without a decision.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from api.store import db
from api.store.access import member_ids
from api.store.decisions import record_statuses
from api.store.jsondoc import canonical_hash, plain
from api.store.schemas import as_json
from api.store.tables import CaseMemberRow, CaseRow, DecisionRow
from engine import CaseError, start
from engine.testing import cases as generate
from engine.validate import parse_case


def fill(folder: Path, n: int, year: int = 2024) -> tuple[str, float]:
    """A migrated SQLite store in ``folder`` with ``n`` cases of ``year``; its URL and the seconds taken."""
    url = f"sqlite:///{folder / 'kaoping.sqlite3'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    evaluator = start()
    started = time.perf_counter()
    rows: list[CaseRow] = []
    dependants: list[CaseMemberRow | DecisionRow] = []
    with db.new_session(engine) as session:
        for case in generate(n):
            on = dt.date.fromisoformat(case["commission"]["commissioned_on"])
            case["commission"]["commissioned_on"] = on.replace(year=year, day=min(on.day, 28)).isoformat()
            parsed = parse_case(case)
            body = plain(case)
            row = CaseRow(
                case_id=parsed.case_id,
                body=body,
                year=year,
                agency_code=parsed.agency.credit_code,
                project_unit=parsed.commission.project_unit,
            )
            rows.append(row)
            dependants.extend(CaseMemberRow(case_id=parsed.case_id, member_id=m) for m in member_ids(body))
            try:
                decision = plain(evaluator.decide(parsed))
            except CaseError:
                continue
            snapshot = as_json(parsed)
            assessment = decision["assessment"]
            dependants.append(
                DecisionRow(
                    case_id=parsed.case_id,
                    number=1,
                    rule_version=decision["rule_version"],
                    rule_hash=evaluator.rulebook.at(decision["rule_version"]).content_hash,
                    input_hash=canonical_hash(snapshot),
                    output_hash=canonical_hash(decision),
                    input=snapshot,
                    decision=decision,
                    office={"name": "bench", "number_prefix": "bench", "district_bureau": "bench"},
                    document_date=dt.date(year, 12, 1),
                    complete=assessment["status"] == "complete",
                    composite=assessment["composite"],
                    grade=assessment["grade"],
                    actor="bench",
                )
            )
            row.latest_decision = 1
            row.eligibility = decision["eligibility"]["status"]
            row.assessment = assessment["status"]
            row.fee = decision["fee"]["status"]
            row.grade = assessment["grade"]
            record_statuses(row, decision)
        session.add_all(rows)
        session.flush()  # the cases before the rows that refer to them
        session.add_all(dependants)
        session.commit()
    engine.dispose()
    return url, time.perf_counter() - started
