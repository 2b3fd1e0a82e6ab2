"""Races on unique keys: concurrent writes of one case id, document number, credit code or token are one
success and 409s -- never a 500 -- on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

import api.store.tokens
from api.errors import ConflictError
from api.http.app import create_app
from api.store import chain, db
from api.store.tokens import create_token
from tests.api.conftest import V1, TestClient, create_case, document_number, example, unique
from tests.api.test_registries import agency_record, new_credit_code

WORKERS = 4
ATTEMPTS = 30


@pytest.fixture(scope="module")
def workers(settings, migrated):
    """Four apps on the module's database, each with its own client (as uvicorn workers would be)."""
    clients = [TestClient(create_app(settings)) for _ in range(WORKERS)]
    for client in clients:
        client.__enter__()
        assert client.get(f"{V1}/warm-up").status_code == 404  # each app analyses its routes first
    yield clients
    for client in clients:
        client.__exit__(None, None, None)


def race(workers, send, attempts=ATTEMPTS):
    """``send(client, i)`` from every worker at once; the statuses counted."""
    with ThreadPoolExecutor(max_workers=12) as pool:
        responses = list(pool.map(lambda i: send(workers[i % WORKERS], i), range(attempts)))
    return Counter(r.status_code for r in responses), responses


@pytest.mark.slow
def test_one_case_id_posted_thirty_times_at_once(workers, office):
    """One 201, 29 409s: the database's unique key decides, whichever request loses answers 409."""
    case = example(unique("RC"))
    statuses, _ = race(workers, lambda client, _i: client.post(f"{V1}/cases", json=case, headers=office))
    assert statuses == {201: 1, 409: ATTEMPTS - 1}


@pytest.mark.slow
def test_one_document_number_asked_for_by_many_decisions_at_once(workers, office):
    """Ten cases, one document number of one year: one decision gets it, nine are 409 naming the holder."""
    cases = [unique("RN") for _ in range(10)]
    for case_id in cases:
        create_case(workers[0], office, example(case_id))
    body = {"document_number": document_number(), "document_date": "2024-07-01"}
    statuses, responses = race(
        workers,
        lambda client, i: client.post(f"{V1}/cases/{cases[i]}/decisions", json=body, headers=office),
        attempts=len(cases),
    )
    assert statuses == {201: 1, 409: 9}
    holder = next(r.json() for r in responses if r.status_code == 201)
    assert all(f"{holder['case_id']}#1" in r.json()["detail"] for r in responses if r.status_code == 409)


@pytest.mark.slow
def test_one_credit_code_registered_many_times_at_once(workers, office):
    record = agency_record(new_credit_code())
    statuses, _ = race(
        workers, lambda client, _i: client.post(f"{V1}/agencies", json=record, headers=office), 10
    )
    assert statuses == {201: 1, 409: 9}


def test_a_token_whose_hash_is_taken_is_a_conflict(migrated, monkeypatch):
    """Two tokens of one hash (256 random bits: never, unless forced): the second is a ConflictError."""
    monkeypatch.setattr(api.store.tokens, "new_token", lambda: "kp_" + "x" * 43)
    engine = db.make_engine(migrated)
    try:
        with db.new_session(engine) as session:
            create_token(session=session, role="auditor")
        with db.new_session(engine) as session, pytest.raises(ConflictError):
            create_token(session=session, role="auditor")
    finally:
        engine.dispose()


@pytest.mark.slow
def test_the_chain_holds_after_the_races(workers, office, migrated):
    """Twenty decisions and their audit entries from four workers at once: one unbroken chain, in
    commit order (this module's races before it wrote to the same chain)."""
    case_id = unique("RH")
    create_case(workers[0], office, example(case_id))
    statuses, _ = race(
        workers, lambda client, _i: client.post(f"{V1}/cases/{case_id}/decisions", headers=office), 20
    )
    assert statuses == {201: 20}
    engine = db.make_engine(migrated)
    try:
        with engine.connect() as conn:
            report = chain.verify(conn)
    finally:
        engine.dispose()
    assert report.broken is None
    assert report.decisions >= 21
