"""Who reads what: a decision by the case as it was evaluated, lists of what the caller may read, the
caller checked before the body (401 before 422, 403 before 422), tokens that expire or are revoked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from api.http.app import create_app
from api.store import db
from api.store.tokens import Expired, TokenLookup, create_token, revoke_token
from rules.messages import message
from tests.api.conftest import UNIT, V1, TestClient, create_case, example, make_token, unique

NEW_UNIT = "七宝镇城市建设管理事务中心"


@pytest.fixture(scope="module")
def moved(client, tokens, migrated):
    """A case decided for the example's unit, then moved to another unit and decided again."""
    office = tokens["office"]
    case_id = unique("MV")
    create_case(client, office, example(case_id))
    assert client.post(f"{V1}/cases/{case_id}/decisions", headers=office).status_code == 201
    patch = {"commission": {"project_unit": NEW_UNIT}}
    assert (
        client.patch(f"{V1}/cases/{case_id}", json=patch, headers={**office, "If-Match": '"1"'}).status_code
        == 200
    )
    assert client.post(f"{V1}/cases/{case_id}/decisions", headers=office).status_code == 201
    new_unit = {"Authorization": f"Bearer {make_token(migrated, 'project_unit', unit_name=NEW_UNIT)}"}
    return case_id, new_unit


def test_the_old_unit_reads_its_decision_but_not_the_case(client, tokens, moved):
    """The unit named in decision 1's input: 404 on the case, 200 on decision 1 and its memo, 404 on
    decision 2 (about the new unit); its list of decisions holds decision 1 only."""
    case_id, _ = moved
    old = tokens["unit"]
    assert client.get(f"{V1}/cases/{case_id}", headers=old).status_code == 404
    first = client.get(f"{V1}/cases/{case_id}/decisions/1", headers=old)
    assert first.status_code == 200
    assert first.json()["input"]["commission"]["project_unit"] == UNIT
    assert client.get(f"{V1}/cases/{case_id}/decisions/1/memos/fee.docx", headers=old).status_code == 200
    assert client.get(f"{V1}/cases/{case_id}/decisions/2", headers=old).status_code == 404
    listed = client.get(f"{V1}/cases/{case_id}/decisions", headers=old).json()
    assert [d["number"] for d in listed["items"]] == [1]
    assert listed["total"] == 1
    cases = client.get(f"{V1}/cases", params={"limit": 500}, headers=old).json()["items"]
    assert case_id not in [c["case_id"] for c in cases]


def test_the_new_unit_reads_the_case_but_not_the_old_decision(client, moved):
    """The unit the case names now: 200 on the case, 404 on decision 1 (about the old unit) and on its
    memo, 200 on decision 2; its list holds decision 2 only."""
    case_id, new = moved
    assert client.get(f"{V1}/cases/{case_id}", headers=new).status_code == 200
    assert client.get(f"{V1}/cases/{case_id}/decisions/1", headers=new).status_code == 404
    assert client.get(f"{V1}/cases/{case_id}/decisions/1/memos/fee.docx", headers=new).status_code == 404
    assert client.get(f"{V1}/cases/{case_id}/decisions/2", headers=new).status_code == 200
    listed = client.get(f"{V1}/cases/{case_id}/decisions", headers=new).json()
    assert [d["number"] for d in listed["items"]] == [2]


def test_the_office_and_the_auditor_read_every_decision(client, tokens, moved):
    case_id, _ = moved
    for party in ("office", "auditor"):
        listed = client.get(f"{V1}/cases/{case_id}/decisions", headers=tokens[party]).json()
        assert [d["number"] for d in listed["items"]] == [1, 2]


def test_a_stranger_cannot_tell_the_case_exists(client, tokens, moved):
    """Another unit: the same 404 and message on every path as for a case id nobody stored."""
    case_id, _ = moved
    absent = unique("MV")
    for path in ("", "/decisions", "/decisions/1", "/decisions/1/memos/fee.docx", "/decisions/9"):
        seen = client.get(f"{V1}/cases/{case_id}{path}", headers=tokens["other_unit"])
        missing = client.get(f"{V1}/cases/{absent}{path}", headers=tokens["other_unit"])
        assert seen.status_code == missing.status_code == 404, path
        assert seen.json()["detail"] == missing.json()["detail"].replace(absent, case_id), path


# ---------------------------------------------------------------- the caller before the body

BAD_BODIES = [
    ("POST", "/cases", b"{not json"),
    ("POST", "/cases", b'{"case_id": 1}'),
    ("POST", "/evaluate", b"{not json"),
    ("POST", "/cases/X-1/decisions", b'{"document_number": "x"}'),
    ("PUT", "/cases/X-1/scores/plan/project_unit", b"{not json"),
    ("PATCH", "/cases/X-1", b"{not json"),
    ("POST", "/agencies", b"{}"),
    ("PUT", "/experts/E1", b"[]"),
    ("PUT", "/templates/fee.docx", b"not a docx"),
]


@pytest.mark.parametrize(("method", "path", "body"), BAD_BODIES)
def test_no_token_is_401_before_any_422(client, method, path, body):
    """The caller is checked before the body is read or parsed: a bad body without a token is 401."""
    response = client.request(method, V1 + path, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 401, response.text


@pytest.mark.parametrize(("method", "path", "body"), [b for b in BAD_BODIES if b[1] != "/evaluate"])
def test_a_party_that_may_not_is_403_before_any_422(client, tokens, method, path, body):
    """An auditor's bad write is 403, not 422: the role is checked before the body too."""
    headers = {**tokens["auditor"], "Content-Type": "application/json"}
    assert client.request(method, V1 + path, content=body, headers=headers).status_code == 403


# ---------------------------------------------------------------- expiry and revocation


def test_an_expired_token_is_401_with_a_chinese_message(client, migrated):
    """``token create --expires``: once past, every request is 401 saying when it expired."""
    engine = db.make_engine(migrated)
    try:
        expired_at = datetime.now(UTC) - timedelta(seconds=1)
        with db.new_session(engine) as session:
            past = create_token(session=session, role="auditor", expires_at=expired_at)
        with db.new_session(engine) as session:
            future = create_token(
                session=session, role="auditor", expires_at=datetime.now(UTC) + timedelta(days=90)
            )
        lookup = TokenLookup(engine)
        try:
            assert isinstance(lookup.lookup(past), Expired)
            assert lookup.principal(past) is None
        finally:
            lookup.close()
    finally:
        engine.dispose()
    response = client.get(f"{V1}/rules", headers={"Authorization": f"Bearer {past}"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    beijing = (expired_at + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    assert response.json()["detail"] == message("token.expired", "zh", at=beijing)
    assert client.get(f"{V1}/rules", headers={"Authorization": f"Bearer {future}"}).status_code == 200


def test_a_revocation_holds_at_once_in_every_worker_and_is_audited(client, settings, migrated, tokens):
    """Revoked by the command line's store function: the next request in each of two workers is 401."""
    token = make_token(migrated, "auditor")
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(settings)) as other:
        assert client.get(f"{V1}/rules", headers=headers).status_code == 200
        assert other.get(f"{V1}/rules", headers=headers).status_code == 200
        engine = db.make_engine(migrated)
        try:
            with db.new_session(engine) as session:
                token_id = max(t.id for t in api_tokens(session))
            with db.new_session(engine) as session:
                revoke_token(session=session, token_id=token_id)
        finally:
            engine.dispose()
        assert client.get(f"{V1}/rules", headers=headers).status_code == 401
        assert other.get(f"{V1}/rules", headers=headers).status_code == 401
    audit = client.get(f"{V1}/audit", params={"action": "token.revoke"}, headers=tokens["office"]).json()
    assert audit["items"][0]["target"] == f"token:{token_id}"
    assert audit["items"][0]["actor"] == "cli"


def api_tokens(session):
    from api.store.tokens import list_tokens  # noqa: PLC0415

    return list_tokens(session=session)
