"""GET /cases: keyset pages (``after``/``next_after``), the capped total, the page's shape.

This module's app counts at most ``CAP`` cases (``Settings.list_count_cap``) so that the cap shows on a
handful of cases; the default cap is covered by test_cases.py.
"""

from __future__ import annotations

import inspect
import json
import time
from typing import TYPE_CHECKING, Any

import pytest
from pydantic import ValidationError
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from api import jsonio
from api.http.routes import cases as cases_routes
from api.settings import Settings
from api.store import case_list, db
from api.store.access import Principal
from api.store.case_list import CaseList
from api.store.schemas import CasePage, CaseQuery
from tests.api.conftest import UNIT, V1, TestClient, create_case, example

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

CAP = 3


@pytest.fixture(scope="module")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The module's settings, with a small count cap."""
    data_dir: Path = tmp_path_factory.mktemp("data")
    return Settings(database_url=database_url, data_dir=data_dir, list_count_cap=CAP)


@pytest.fixture(scope="module")
def stored(client: TestClient, tokens: dict[str, dict[str, str]]) -> list[str]:
    """Eight live cases (one of another unit, one whose panel lacks E2), one archived; their ids in order."""
    office = tokens["office"]
    ids = [f"L-{n}" for n in range(8)]
    for case_id in ids:
        case = example(case_id)
        if case_id == "L-3":
            case["commission"]["project_unit"] = "某某街道办事处"
        if case_id == "L-5":  # expert E2 becomes E7, in the panel and in every score
            case = json.loads(json.dumps(case).replace('"E2"', '"E7"'))
        create_case(client, office, case)
    create_case(client, office, example("L-9-archived"))
    archived = client.put(f"{V1}/cases/L-9-archived/archived", json={"archived": True}, headers=office)
    assert archived.status_code == 200
    assert client.post(f"{V1}/cases/L-1/decisions", headers=office).status_code == 201
    return ids


def page(client: TestClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = client.get(f"{V1}/cases", params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def walk(
    client: TestClient, headers: dict[str, str], **params: Any
) -> tuple[list[str], list[dict[str, Any]]]:
    """Every case id of a list, page by page through next_after; and the pages."""
    pages = [page(client, headers, **params)]
    while pages[-1]["next_after"] is not None:
        assert len(pages) < 50, "next_after does not end"
        pages.append(page(client, headers, **params, after=pages[-1]["next_after"]))
    return [item["case_id"] for p in pages for item in p["items"]], pages


def test_keyset_pages_walk_the_list_in_case_id_order(client, office, stored):
    """after=<next_after> gives the next cases; the last page's next_after is null; none repeats or is lost."""
    ids, pages = walk(client, office, limit=3)
    assert ids == stored
    assert [len(p["items"]) for p in pages] == [3, 3, 2]
    assert pages[0]["next_after"] == "L-2"
    assert all(p["offset"] == 0 and p["limit"] == 3 for p in pages)
    exactly_full, _ = walk(client, office, limit=4)  # the last page is full: still no next_after
    assert exactly_full == stored
    assert page(client, office, limit=4, after="L-3")["next_after"] is None


def test_keyset_and_offset_pages_agree(client, office, stored):
    """Page n through offset holds the same cases as page n through after."""
    for limit in (1, 2, 5):
        by_offset = [
            [c["case_id"] for c in page(client, office, limit=limit, offset=offset)["items"]]
            for offset in range(0, len(stored), limit)
        ]
        _, pages = walk(client, office, limit=limit)
        assert by_offset == [[c["case_id"] for c in p["items"]] for p in pages]
    assert page(client, office, limit=2, offset=2)["next_after"] == "L-3"


def test_after_needs_no_stored_case_and_keeps_the_filters(client, office, stored):
    """after is a position in case_id order; filters and the archived flag still apply."""
    assert [c["case_id"] for c in page(client, office, after="L-4a")["items"]] == stored[5:]
    assert page(client, office, after="L-7")["items"] == []
    assert page(client, office, after="L-7")["next_after"] is None
    assert [c["case_id"] for c in page(client, office, after="A", archived=True)["items"]] == ["L-9-archived"]
    decided = page(client, office, after="L-0", grade="良")
    assert [c["case_id"] for c in decided["items"]] == ["L-1"]
    assert page(client, office, after="L-1", grade="良")["items"] == []
    assert page(client, office, after="L-0", offset=0)["items"][0]["case_id"] == "L-1"


@pytest.mark.parametrize(
    ("party", "visible"),
    [
        ("office", None),
        ("auditor", None),
        ("expert", "all but L-5"),
        ("stranger", "none"),
        ("unit", "all but L-3"),
        ("other_unit", "L-3"),
    ],
)
def test_keyset_pages_keep_role_visibility(client, tokens, stored, party, visible):
    """An expert walks the cases whose panel lists it, a unit its own: the same sets as offset pages."""
    want = {
        None: stored,
        "all but L-5": [c for c in stored if c != "L-5"],
        "none": [],
        "all but L-3": [c for c in stored if c != "L-3"],
        "L-3": ["L-3"],
    }[visible]
    ids, pages = walk(client, tokens[party], limit=2)
    assert ids == want
    by_offset = [c["case_id"] for c in page(client, tokens[party], limit=500)["items"]]
    assert by_offset == want
    exact = page(client, tokens[party], limit=1, count="exact")
    assert (exact["total"], exact["total_exact"]) == (len(want), True)
    capped = len(want) > len(pages[0]["items"])  # the first page is full: counted, up to CAP
    assert {(p["total"], p["total_exact"]) for p in pages} == {(CAP, False) if capped else (len(want), True)}


def test_the_total_is_capped_unless_exact_is_asked(client, office, stored):
    """Counting stops CAP cases past the offset (total_exact false); count=exact counts them all."""
    first = page(client, office, limit=2)
    assert (first["total"], first["total_exact"]) == (CAP, False)
    assert first["offset"] + first["limit"] < first["total"]  # a client paging by offset and total goes on
    exact = page(client, office, limit=2, count="exact")
    assert (exact["total"], exact["total_exact"]) == (len(stored), True)
    assert exact["items"] == first["items"]
    deeper = page(client, office, limit=2, offset=2)
    assert (deeper["total"], deeper["total_exact"]) == (2 + CAP, False)
    last = page(client, office, limit=2, offset=6)
    assert (last["total"], last["total_exact"]) == (len(stored), True)
    beyond = page(client, office, limit=2, offset=20)
    assert (beyond["items"], beyond["total"], beyond["total_exact"]) == ([], len(stored), True)
    after = page(client, office, limit=2, after="L-5")
    assert (after["total"], after["total_exact"]) == (CAP, False)  # the whole list's, as on the first page


def test_a_short_first_page_is_its_own_exact_total(client, office, stored):
    """When the first page holds every match the total is exact whatever the cap."""
    everything = page(client, office, limit=500)
    assert (everything["total"], everything["total_exact"]) == (len(stored), True)
    assert everything["next_after"] is None
    none = page(client, office, year=1999)
    assert (none["items"], none["total"], none["total_exact"], none["next_after"]) == ([], 0, True, None)
    archived = page(client, office, archived=True)
    assert (archived["total"], archived["total_exact"]) == (1, True)


def test_the_page_is_a_case_page_with_the_same_lines_as_the_cases(client, office, stored):
    """The page written without models is exactly what CasePage and each case's own summary say."""
    response = client.get(f"{V1}/cases", params={"limit": 500}, headers=office)
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert CasePage.model_validate(body).model_dump(mode="json") == body
    assert list(body) == list(CasePage.model_fields)
    for item in body["items"]:
        case = client.get(f"{V1}/cases/{item['case_id']}", headers=office).json()
        assert list(item) == [key for key in case if key in item]
        assert item == {key: case[key] for key in item}
    decided = next(item for item in body["items"] if item["case_id"] == "L-1")
    assert decided["latest_decision"] == 1
    assert decided["grade"] is not None
    assert body["items"][0]["project_unit"] == UNIT


def test_after_with_a_positive_offset_is_422_naming_after(client, office, stored):
    """The two ways of paging do not mix; offset=0 with after is fine."""
    response = client.get(f"{V1}/cases", params={"after": "L-1", "offset": 2}, headers=office)
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["query", "after"]]
    both = client.get(f"{V1}/cases", params={"after": "L/1", "offset": -1, "count": "x"}, headers=office)
    assert both.status_code == 422
    assert sorted(e["loc"][1] for e in both.json()["detail"]) == ["after", "count", "offset"]


def test_the_list_operation_documents_after_count_and_the_page(client):
    """OpenAPI: the new parameters and the CasePage response."""
    document = client.get(f"{V1}/openapi.json").json()
    operation = document["paths"][f"{V1}/cases"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert {"after", "count", "offset", "limit"} <= set(parameters)
    assert set(parameters["count"]["schema"]["enum"]) == {"capped", "exact"}
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/CasePage"}
    assert {"total_exact", "next_after"} <= set(document["components"]["schemas"]["CasePage"]["properties"])


def test_the_cap_is_a_setting(monkeypatch):
    """KAOPING_LIST_COUNT_CAP; 1,000 by default; at least 1."""
    monkeypatch.delenv("KAOPING_LIST_COUNT_CAP", raising=False)
    assert Settings().list_count_cap == 1_000
    monkeypatch.setenv("KAOPING_LIST_COUNT_CAP", "250")
    assert Settings().list_count_cap == 250
    monkeypatch.setenv("KAOPING_LIST_COUNT_CAP", "0")
    with pytest.raises(ValidationError):
        Settings()


@pytest.fixture
def held(migrated: str) -> Iterator[tuple[Any, CaseList]]:
    """An engine as the app makes it and a CaseList on it, both closed after the test."""
    engine = db.make_engine(migrated)
    lists = CaseList(engine)
    yield engine, lists
    lists.close()
    engine.dispose()


def test_the_held_list_gives_the_sqlalchemy_pages(client, office, stored, held):
    """CaseList (the route's path: the driver with SQLAlchemy's processors) gives the very page that
    case_list.list_cases gives through a session, value for value (types and time zones too: repr) and byte
    for byte as the route writes it, for each role and every kind of query."""
    decided = next(c for c in page(client, office, limit=500)["items"] if c["case_id"] == "L-1")
    principals = [
        Principal(token_id=1, role="finance_office"),
        Principal(token_id=2, role="auditor"),
        Principal(token_id=3, role="expert", expert_id="E2"),
        Principal(token_id=4, role="expert", expert_id="E7"),
        Principal(token_id=5, role="project_unit", unit_name=UNIT),
        Principal(token_id=6, role="project_unit", unit_name="某某街道办事处"),
    ]
    queries = [
        {},
        {"limit": 2},
        {"limit": 2, "after": "L-2"},
        {"limit": 2, "offset": 3},
        {"limit": 2, "offset": 20},  # an empty page past the start: the count on its own
        {"after": "L-7"},
        {"after": "L-7", "count": "exact"},
        {"archived": True},
        {"count": "exact", "limit": 1},
        {"year": decided["year"]},
        {"year": decided["year"], "grade": decided["grade"]},
        {"agency": decided["agency"], "eligibility": decided["eligibility"], "after": "L-0"},
        {"assessment": decided["assessment"], "fee": decided["fee"]},
        {"year": 1999},
    ]
    engine, lists = held
    for principal in principals:
        for params in queries:
            query = CaseQuery.model_validate(params)
            with db.new_session(engine) as session:
                want = case_list.list_cases(session=session, principal=principal, query=query, count_cap=CAP)
            got = lists.page(principal=principal, query=query, count_cap=CAP)
            assert repr(got) == repr(want), (principal.role, params)
            assert jsonio.encode(got) == jsonio.encode(want)
    assert lists.page(principal=principals[0], query=CaseQuery(), count_cap=CAP)["items"]


def test_the_held_list_sees_each_write_at_once(stored, held):
    """No read snapshot stays open between pages: a write by another connection shows on the next one."""
    engine, lists = held
    principal = Principal(token_id=1, role="finance_office")
    query = CaseQuery(limit=1)
    bump = text("UPDATE cases SET version = version + :by WHERE case_id = 'L-0'")
    before = lists.page(principal=principal, query=query, count_cap=CAP)["items"][0]["version"]
    with engine.begin() as connection:
        connection.execute(bump, {"by": 100})
    try:
        assert (
            lists.page(principal=principal, query=query, count_cap=CAP)["items"][0]["version"] == before + 100
        )
    finally:
        with engine.begin() as connection:
            connection.execute(bump, {"by": -100})


def test_the_held_list_replaces_a_lost_connection(stored, held):
    """The driver connection dies under the list (a restarted server): the next page reconnects."""
    _, lists = held
    principal = Principal(token_id=1, role="finance_office")
    first = lists.page(principal=principal, query=CaseQuery(), count_cap=CAP)
    connection = lists._held._connection
    assert connection is not None
    connection.dbapi_connection.close()
    assert lists.page(principal=principal, query=CaseQuery(), count_cap=CAP) == first
    assert lists._held._connection is not connection


def test_the_list_route_needs_no_session_and_the_app_closes_its_connection(app, office, stored):
    """GET /cases runs on the event loop without a session; the lifespan's end returns its connection."""
    assert inspect.iscoroutinefunction(cases_routes.list_cases)
    assert not [p for p in inspect.signature(cases_routes.list_cases).parameters if p == "session"]
    with TestClient(app) as fresh:
        assert fresh.get(f"{V1}/cases", headers=office).status_code == 200
        assert app.state.cases._held._connection is not None
    assert app.state.cases._held._connection is None


def test_the_app_answers_after_the_server_ends_its_connections(client, office, stored, migrated):
    """PostgreSQL ends every backend of the app's (as a restart does): the next list reconnects the token
    lookup's and the list's held connections (and the pool's) and answers as before."""
    if make_url(migrated).get_backend_name() != "postgresql":
        pytest.skip("a server ends connections; SQLite has none")
    before = page(client, office)
    others = "datname = current_database() AND pid <> pg_backend_pid()"
    admin = create_engine(migrated, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            ended = connection.execute(
                text(f"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE {others}")
            )
            assert ended.scalar_one() >= 2  # the lookup's and the list's at least
            deadline = time.monotonic() + 10
            while connection.execute(
                text(f"SELECT count(*) FROM pg_stat_activity WHERE {others}")
            ).scalar_one():
                assert time.monotonic() < deadline, "the backends did not end"
                time.sleep(0.05)
        assert page(client, office) == before
    finally:
        admin.dispose()
