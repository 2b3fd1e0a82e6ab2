"""Nothing lives only in one process's memory: a new app on the same database has everything."""

from __future__ import annotations

from api.http.app import create_app
from tests.api.conftest import V1, TestClient, create_case, document_number, example, unique


def test_a_new_app_on_the_same_database_keeps_everything(client, app, settings, tokens):
    """Cases, versions, decisions, memo bytes, registries, tokens and the audit log survive a restart."""
    office = tokens["office"]
    case_id = unique("RS")
    create_case(client, office, example(case_id))
    client.patch(
        f"{V1}/cases/{case_id}", json={"prohibited_conduct": []}, headers={**office, "If-Match": '"1"'}
    )
    decision = client.post(
        f"{V1}/cases/{case_id}/decisions",
        json={"document_number": document_number(), "document_date": "2024-07-02"},
        headers=office,
    ).json()
    memo = client.get(f"{V1}/cases/{case_id}/decisions/1/memos/fee.docx", headers=office).content
    audit = client.get(f"{V1}/audit", headers=office).json()

    with TestClient(create_app(settings)) as restarted:
        stored = restarted.get(f"{V1}/cases/{case_id}", headers=office)
        assert stored.status_code == 200
        assert stored.headers["etag"] == '"2"'
        assert restarted.get(f"{V1}/cases/{case_id}/decisions/1", headers=office).json() == decision
        assert (
            restarted.get(f"{V1}/cases/{case_id}/decisions/1/memos/fee.docx", headers=office).content == memo
        )
        assert restarted.get(f"{V1}/audit", headers=office).json() == audit
        assert restarted.get(f"{V1}/cases/{case_id}", headers=tokens["expert"]).status_code == 200
        second = restarted.post(f"{V1}/cases/{case_id}/decisions", headers=office)
        assert second.json()["number"] == 2


def test_two_apps_on_one_database_give_the_same_answers(client, settings, tokens):
    """Two workers (here: two apps) see each other's writes at once, and stale writes still conflict."""
    office = tokens["office"]
    case_id = unique("RS")
    with TestClient(create_app(settings)) as other:
        create_case(other, office, example(case_id))
        assert client.get(f"{V1}/cases/{case_id}", headers=office).json()["version"] == 1
        ok = client.patch(f"{V1}/cases/{case_id}", json={}, headers={**office, "If-Match": '"1"'})
        assert ok.status_code == 200
        stale = other.patch(f"{V1}/cases/{case_id}", json={}, headers={**office, "If-Match": '"1"'})
        assert stale.status_code == 409
        numbers = [
            app_client.post(f"{V1}/cases/{case_id}/decisions", headers=office).json()["number"]
            for app_client in (client, other, client)
        ]
        assert numbers == [1, 2, 3]
