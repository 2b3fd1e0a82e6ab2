"""Who may do what: 401 without a valid token, 403 for the wrong party, 404 for a case that is not
yours (as for an absent one), every write in the audit log."""

from __future__ import annotations

import pytest

from tests.api.conftest import V1, create_case, example, unique

READERS = {"office": 200, "auditor": 200, "expert": 200, "stranger": 404, "unit": 200, "other_unit": 404}
OFFICE_ONLY = {"auditor": 403, "expert": 403, "stranger": 403, "unit": 403, "other_unit": 403}


@pytest.fixture(scope="module")
def shared_case(client, tokens):
    """A case of the example's unit whose panel lists E2 (not E9), with one decision."""
    case_id = unique("ROLE")
    create_case(client, tokens["office"], example(case_id))
    assert client.post(f"{V1}/cases/{case_id}/decisions", headers=tokens["office"]).status_code == 201
    return case_id


@pytest.mark.parametrize("party", sorted(READERS))
@pytest.mark.parametrize(
    "path",
    [
        "/cases/{id}",
        "/cases/{id}/decisions",
        "/cases/{id}/decisions/1",
        "/cases/{id}/decisions/1/memos/fee.docx",
    ],
)
def test_reading_a_case_and_its_decisions(client, tokens, shared_case, party, path):
    """The office and the auditor read all; an expert its panels' cases; a unit its own cases; for the
    others the case does not exist: the same 404 and body as for a case id nobody stored."""
    response = client.get(V1 + path.format(id=shared_case), headers=tokens[party])
    assert response.status_code == READERS[party]
    if response.status_code == 404:
        absent = unique("ROLE")
        missing = client.get(V1 + path.format(id=absent), headers=tokens[party])
        assert missing.status_code == 404
        assert response.json() == {"detail": missing.json()["detail"].replace(absent, shared_case)}


@pytest.mark.parametrize("party", sorted(READERS))
def test_the_case_list_shows_only_readable_cases(client, tokens, shared_case, party):
    """The list is filtered the same way (never a 403 or 404)."""
    response = client.get(f"{V1}/cases", params={"limit": 500}, headers=tokens[party])
    assert response.status_code == 200
    assert (shared_case in [c["case_id"] for c in response.json()["items"]]) == (READERS[party] == 200)


@pytest.mark.parametrize("party", sorted(OFFICE_ONLY))
def test_only_the_office_writes_cases_decisions_and_registries(client, tokens, shared_case, party):
    """Every other party gets 403 for each write, and nothing changes."""
    headers = tokens[party]
    writes = [
        client.post(f"{V1}/cases", json=example(unique("ROLE")), headers=headers),
        client.patch(f"{V1}/cases/{shared_case}", json={}, headers={**headers, "If-Match": "*"}),
        client.put(f"{V1}/cases/{shared_case}/archived", json={"archived": True}, headers=headers),
        client.post(f"{V1}/cases/{shared_case}/decisions", headers=headers),
        client.post(f"{V1}/agencies", json={}, headers=headers),
        client.put(f"{V1}/agencies/91310112F5PJ96WP43", json={}, headers=headers),
        client.post(f"{V1}/experts", json={}, headers=headers),
        client.put(f"{V1}/experts/E1", json={}, headers=headers),
    ]
    assert [w.status_code for w in writes] == [403] * len(writes)
    assert client.get(f"{V1}/cases/{shared_case}", headers=tokens["office"]).json()["version"] == 1


@pytest.mark.parametrize(
    ("party", "status"), [("office", 200), ("auditor", 200), ("expert", 403), ("unit", 403)]
)
def test_the_audit_log_is_for_the_office_and_the_auditor(client, tokens, party, status):
    """Experts and units do not read the audit log."""
    assert client.get(f"{V1}/audit", headers=tokens[party]).status_code == status


@pytest.mark.parametrize("party", sorted(READERS))
def test_every_party_reads_the_rules(client, tokens, party):
    """The rulebook is public to every token."""
    response = client.get(f"{V1}/rules", headers=tokens[party])
    assert response.status_code == 200
    assert [v["version"] for v in response.json()] == ["2021-08-01", "2024-01-01"]
    one = client.get(f"{V1}/rules/2024-01-01", headers=tokens[party]).json()
    assert one["rules"][0]["id"] == "ELG-01"
    assert len(one["content_hash"]) == 64
    assert client.get(f"{V1}/rules/2020-01-01", headers=tokens[party]).status_code == 404


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer kp_not-a-token"},
        {"Authorization": "Basic a2FvcGluZw=="},
        {"Authorization": ""},
    ],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/cases"), ("GET", "/cases/X"), ("POST", "/evaluate"), ("GET", "/rules"), ("GET", "/audit")],
)
def test_no_valid_token_is_401(client, headers, method, path):
    """Missing, unknown and non-bearer credentials are 401 with a Bearer challenge."""
    response = client.request(method, V1 + path, headers=headers, json={})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_health_is_open(client):
    """No token needed."""
    response = client.get(f"{V1}/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_every_write_is_audited_with_actor_and_time(client, tokens):
    """Create, patch, scores, decision, archive: one entry each, newest first, with the actor."""
    office, expert = tokens["office"], tokens["expert"]
    case_id = unique("AUD")
    create_case(client, office, example(case_id))
    client.patch(
        f"{V1}/cases/{case_id}", json={"prohibited_conduct": []}, headers={**office, "If-Match": '"1"'}
    )
    client.put(f"{V1}/cases/{case_id}/scores/plan/expert_panel", json={"score": "90"}, headers=expert)
    client.post(f"{V1}/cases/{case_id}/decisions", headers=office)
    client.put(f"{V1}/cases/{case_id}/archived", json={"archived": True}, headers=office)
    entries = client.get(
        f"{V1}/audit", params={"target": f"case:{case_id}"}, headers=tokens["auditor"]
    ).json()
    assert [e["action"] for e in entries["items"]] == [
        "case.archive",
        "decision.create",
        "scores.put",
        "case.patch",
        "case.create",
    ]
    assert entries["items"][2]["actor"].startswith("expert:E2#")
    assert all(e["actor"].startswith("finance_office#") for i, e in enumerate(entries["items"]) if i != 2)
    assert all(e["at"].endswith("Z") for e in entries["items"])
