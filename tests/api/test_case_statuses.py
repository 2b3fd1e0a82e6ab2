"""The case list's panel and review statuses, the office's worklist, who entered each score, the pages' store.

Every module of the API tests runs on SQLite and on PostgreSQL (tests/api/conftest.py).
"""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from alembic import command
from sqlalchemy import text

from api.store import db, score_log, worklist
from api.store.access import Principal
from api.store.web_sessions import Active, Ended, end_session, lookup_session, start_session
from tests.api.conftest import UNIT, V1, TestClient, create_case, document_number, example

if TYPE_CHECKING:
    from sqlalchemy import Engine


@pytest.fixture(scope="module")
def engine(migrated: str) -> Engine:
    """An engine on the module's database."""
    made = db.make_engine(migrated)
    yield made  # type: ignore[misc]
    made.dispose()


@pytest.fixture(scope="module")
def stored(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    """S-1 decided (complete), S-2 without a draft and decided, S-3 never decided, S-4 decided then changed."""
    office = tokens["office"]
    for case_id in ("S-1", "S-3", "S-4"):
        create_case(client, office, example(case_id))
    no_draft = example("S-2")
    del no_draft["draft"]
    create_case(client, office, no_draft)
    for case_id in ("S-1", "S-2", "S-4"):
        answer = client.post(
            f"{V1}/cases/{case_id}/decisions", json={"document_number": document_number()}, headers=office
        )
        assert answer.status_code == 201
    patched = client.patch(
        f"{V1}/cases/S-4",
        json={"draft": {"rework_round": 1}},
        headers={**office, "If-Match": '"1"', "Content-Type": "application/merge-patch+json"},
    )
    assert patched.status_code == 200


def test_the_list_shows_the_panel_and_review_statuses(
    client: TestClient, office: dict[str, str], stored: None
) -> None:
    """Each line carries the latest decision's panel status and the two verdicts (null before one)."""
    del stored
    lines = {i["case_id"]: i for i in client.get(f"{V1}/cases", headers=office).json()["items"]}
    assert (lines["S-1"]["panel"], lines["S-1"]["plan_review"], lines["S-1"]["draft_review"]) == (
        "valid",
        "pass",
        "pass",
    )
    assert lines["S-2"]["draft_review"] == "not_submitted"
    assert (lines["S-3"]["panel"], lines["S-3"]["plan_review"], lines["S-3"]["draft_review"]) == (
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("draft_review=not_submitted", ["S-2"]),
        ("panel=valid&draft_review=pass", ["S-1", "S-4"]),
        ("panel=有效&draft_review=通过", ["S-1", "S-4"]),  # labels, as a case takes them
        ("plan_review=return", []),
    ],
)
def test_the_list_filters_by_the_new_statuses(
    client: TestClient, office: dict[str, str], stored: None, query: str, expected: list[str]
) -> None:
    """The new statuses are filters of GET /cases, with the others."""
    del stored
    page = client.get(f"{V1}/cases?{query}", headers=office).json()
    assert [i["case_id"] for i in page["items"]] == expected


def test_a_bad_status_filter_is_422_naming_it(client: TestClient, office: dict[str, str]) -> None:
    """An unknown verdict is bad input, like the other filters."""
    answer = client.get(f"{V1}/cases?plan_review=maybe", headers=office)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", "plan_review"]


def test_the_office_worklist(engine: Engine, stored: None) -> None:
    """Waiting: never decided or changed since; late: the worked example's 2 late days."""
    del stored
    with db.new_session(engine) as session:
        work = worklist.office_worklist(session=session)
    waiting = {i.case_id for i in work.lists["waiting"]}
    assert {"S-3", "S-4"} <= waiting
    assert not {"S-1", "S-2"} & waiting
    assert {"S-1", "S-4"} <= {i.case_id for i in work.lists["late"]}
    assert next(i for i in work.lists["late"] if i.case_id == "S-1").late_days == 2


def test_a_party_owes_the_scores_of_submitted_nodes_it_has_not_given(engine: Engine, stored: None) -> None:
    """An expert owes nothing on the full example; a node without its score is owed; an absent node is not."""
    del stored
    expert = Principal(token_id=None, role="expert", expert_id="E2")
    with db.new_session(engine) as session:
        work = worklist.party_worklist(session=session, principal=expert)
    assert work.totals["owed"] == 0
    assert work.totals["cases"] >= 4
    body = copy.deepcopy(example("X"))
    del body["plan"]["scores"]["expert_panel"]["E2"]
    del body["draft"]
    assert worklist.owed_nodes(body, "expert_panel", "E2") == ("plan",)
    assert worklist.owed_nodes(body, "project_unit") == ()
    unit = Principal(token_id=None, role="project_unit", unit_name=UNIT)
    with db.new_session(engine) as session:
        assert {
            i.case_id for i in worklist.party_worklist(session=session, principal=unit).lists["cases"]
        } >= {"S-1", "S-4"}


def test_who_entered_each_score(
    client: TestClient, tokens: dict[str, dict[str, str]], engine: Engine
) -> None:
    """A score written alone names its writer; the others are credited to the case's creation."""
    create_case(client, tokens["office"], example("S-5"))
    answer = client.put(
        f"{V1}/cases/S-5/scores/plan/expert_panel", json={"score": "80"}, headers=tokens["expert"]
    )
    assert answer.status_code == 200
    body = answer.json()["case"]
    with db.new_session(engine) as session:
        entries = score_log.score_entries(session=session, case_id="S-5", body=body)
    assert entries[("plan", "expert_panel", "E2")].action == "scores.put"
    assert entries[("plan", "expert_panel", "E2")].actor.startswith("expert:E2#")
    assert entries[("draft", "finance_office", None)].action == "case.create"


def test_a_session_follows_its_token(engine: Engine, tokens: dict[str, dict[str, str]]) -> None:
    """A session opens with its token's caller; signing out ends it; an unknown cookie is no session."""
    del tokens
    with engine.connect() as connection:
        token_id, role = connection.execute(text("SELECT id, role FROM tokens ORDER BY id LIMIT 1")).one()
    principal = Principal(token_id=token_id, role=role)
    with db.new_session(engine) as session:
        cookie, active = start_session(session=session, principal=principal, lifetime=timedelta(hours=1))
    with db.new_session(engine) as session:
        found = lookup_session(session=session, cookie=cookie)
    assert isinstance(found, Active)
    assert (found.principal.role, found.csrf) == (role, active.csrf)
    with db.new_session(engine) as session:
        end_session(session=session, cookie=cookie, principal=principal)
    with db.new_session(engine) as session:
        assert lookup_session(session=session, cookie=cookie) == Ended("none")
        assert lookup_session(session=session, cookie="x" * 500) == Ended("none")


def test_the_migration_fills_the_statuses_from_stored_decisions(engine: Engine, stored: None) -> None:
    """Down to 0006 and up again: the columns come back from each case's latest decision (run last)."""
    del stored
    columns = "panel, plan_review, draft_review, flags, late_days, decided_version"
    query = text(
        f"SELECT case_id, {columns} FROM cases WHERE case_id IN ('S-1', 'S-2', 'S-3', 'S-4') ORDER BY case_id"
    )
    with engine.connect() as connection:
        before = connection.execute(query).all()
    assert [tuple(r)[-1] for r in before] == [1, 1, None, 1]  # S-4 (now version 2) was decided at 1
    config = db.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0006")
    assert db.current_revision(engine) == "0006"
    assert db.upgrade(engine) == "0008"
    with engine.connect() as connection:
        after = connection.execute(query).all()
    assert [tuple(r)[1:] for r in after] == [
        ("valid", "pass", "pass", "", 2, 1),
        ("valid", "pass", "not_submitted", "", None, 1),  # the fee pending: no late days
        (None, None, None, None, None, None),
        ("valid", "pass", "pass", "", 2, None),  # changed after its decision: waits for a new one
    ]
