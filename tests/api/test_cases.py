"""Stored cases: create, read with ETag, list with filters, merge patch with If-Match, archive."""

from __future__ import annotations

import pytest

from tests.api.conftest import AGENCY, V1, create_case, example, unique


def test_a_case_is_stored_and_read_back_with_its_etag(client, office):
    """POST gives 201 and version 1; GET gives the same case and ETag "1"."""
    case_id = unique()
    stored = create_case(client, office, example(case_id))
    assert stored["version"] == 1
    assert stored["latest_decision"] is None
    response = client.get(f"{V1}/cases/{case_id}", headers=office)
    assert response.status_code == 200
    assert response.headers["etag"] == '"1"'
    assert response.json()["case"]["agency"]["credit_code"] == AGENCY
    assert response.json()["year"] == 2024


def test_a_duplicate_case_id_is_409(client, office):
    """case_id is unique in a deployment."""
    case_id = unique()
    create_case(client, office, example(case_id))
    assert client.post(f"{V1}/cases", json=example(case_id), headers=office).status_code == 409


def test_a_bad_case_is_not_stored(client, office):
    """A bad field is 422 and nothing is stored."""
    case_id = unique()
    case = example(case_id)
    del case["commission"]["project_name"]
    response = client.post(f"{V1}/cases", json=case, headers=office)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["commission", "project_name"]
    assert client.get(f"{V1}/cases/{case_id}", headers=office).status_code == 404


def test_a_missing_case_is_404(client, office):
    """Unknown ids are 404."""
    assert client.get(f"{V1}/cases/NOPE-0", headers=office).status_code == 404


def test_patch_needs_if_match(client, office):
    """No If-Match: 428; the case is unchanged."""
    case_id = unique()
    create_case(client, office, example(case_id))
    response = client.patch(f"{V1}/cases/{case_id}", json={"prohibited_conduct": ["leak"]}, headers=office)
    assert response.status_code == 428
    assert client.get(f"{V1}/cases/{case_id}", headers=office).json()["case"]["prohibited_conduct"] == []


def test_a_stale_patch_is_409(client, office):
    """Two clients read version 1; the second to write gets 409 and its change is not applied."""
    case_id = unique()
    create_case(client, office, example(case_id))
    first = client.patch(
        f"{V1}/cases/{case_id}", json={"prohibited_conduct": ["leak"]}, headers={**office, "If-Match": '"1"'}
    )
    assert first.status_code == 200
    assert first.headers["etag"] == '"2"'
    second = client.patch(
        f"{V1}/cases/{case_id}",
        json={"prohibited_conduct": ["collusion"]},
        headers={**office, "If-Match": '"1"'},
    )
    assert second.status_code == 409
    stored = client.get(f"{V1}/cases/{case_id}", headers=office).json()
    assert stored["version"] == 2
    assert stored["case"]["prohibited_conduct"] == ["leak"]


def test_merge_patch_merges_objects_and_null_removes(client, office):
    """Nested objects merge member by member; null removes a member."""
    case_id = unique()
    create_case(client, office, example(case_id))
    patch = {
        "draft": None,
        "commission": {"procurement": {"order_no": None}},
        "panel": {"formed_on": "2024-04-11"},
    }
    response = client.patch(
        f"{V1}/cases/{case_id}",
        json=patch,
        headers={**office, "If-Match": '"1"', "Content-Type": "application/merge-patch+json"},
    )
    assert response.status_code == 200, response.text
    case = response.json()["case"]
    assert case.get("draft") is None
    assert case["commission"]["procurement"] == {"channel": "e_marketplace"}
    assert "draft" not in case
    assert case["panel"]["formed_on"] == "2024-04-11"
    assert len(case["panel"]["members"]) == 5


def test_a_patch_may_not_change_the_case_id_or_break_the_case(client, office):
    """Such patches are 422 and change nothing (the version stays)."""
    case_id = unique()
    create_case(client, office, example(case_id))
    headers = {**office, "If-Match": '"1"'}
    renamed = client.patch(f"{V1}/cases/{case_id}", json={"case_id": "OTHER"}, headers=headers)
    assert renamed.status_code == 422
    assert renamed.json()["detail"][0]["loc"] == ["case_id"]
    broken = client.patch(
        f"{V1}/cases/{case_id}", json={"commission": {"contract_fee": "0"}}, headers=headers
    )
    assert broken.status_code == 422
    assert broken.json()["detail"][0]["loc"] == ["commission", "contract_fee"]
    assert client.get(f"{V1}/cases/{case_id}", headers=office).json()["version"] == 1


def test_archive_hides_a_case_and_blocks_writes_until_restored(client, office):
    """Archived cases leave the default list, refuse patches, and come back when restored."""
    case_id = unique("ARC")
    create_case(client, office, example(case_id))
    archived = client.put(f"{V1}/cases/{case_id}/archived", json={"archived": True}, headers=office)
    assert archived.status_code == 200
    assert archived.json()["archived"] is True
    listed = client.get(f"{V1}/cases", params={"limit": 500}, headers=office).json()["items"]
    assert case_id not in [c["case_id"] for c in listed]
    only_archived = client.get(f"{V1}/cases", params={"archived": True}, headers=office).json()["items"]
    assert case_id in [c["case_id"] for c in only_archived]
    patch = client.patch(
        f"{V1}/cases/{case_id}", json={}, headers={**office, "If-Match": archived.headers["etag"]}
    )
    assert patch.status_code == 409
    assert client.post(f"{V1}/cases/{case_id}/decisions", headers=office).status_code == 409
    restored = client.put(f"{V1}/cases/{case_id}/archived", json={"archived": False}, headers=office)
    assert restored.status_code == 200
    assert restored.json()["version"] == 3


def test_the_list_filters_on_the_latest_decision_and_pages(client, office):
    """Filters year, eligibility, assessment, fee, grade and agency; limit and offset page the rest."""
    prefix = unique("F")
    decided = []
    for n in range(3):
        case_id = f"{prefix}-{n}"
        create_case(client, office, example(case_id))
        decided.append(case_id)
        assert client.post(f"{V1}/cases/{case_id}/decisions", headers=office).status_code == 201
    undecided = f"{prefix}-u"
    case = example(undecided)
    case["commission"]["commissioned_on"] = "2023-03-15"
    create_case(client, office, case)

    def ids(**params):
        response = client.get(f"{V1}/cases", params={"limit": 500, **params}, headers=office)
        assert response.status_code == 200
        return {c["case_id"] for c in response.json()["items"] if c["case_id"].startswith(prefix)}

    assert ids(year=2024) == set(decided)
    assert ids(year=2023) == {undecided}
    assert ids(eligibility="eligible", assessment="complete", fee="payable", grade="良") == set(decided)
    assert ids(grade="优") == set()
    assert ids(agency=AGENCY) >= {*decided, undecided}
    first = client.get(f"{V1}/cases", params={"limit": 2, "offset": 0}, headers=office).json()
    second = client.get(f"{V1}/cases", params={"limit": 2, "offset": 2}, headers=office).json()
    assert first["total"] == second["total"] >= 4
    assert first["total_exact"] is True  # under the default cap of 1,000
    assert first["next_after"] == first["items"][-1]["case_id"]
    keyset = client.get(
        f"{V1}/cases", params={"limit": 2, "after": first["next_after"]}, headers=office
    ).json()
    assert keyset["items"] == second["items"]
    assert len(first["items"]) == 2
    assert {c["case_id"] for c in first["items"]}.isdisjoint({c["case_id"] for c in second["items"]})


@pytest.mark.parametrize(
    "params",
    [
        {"grade": "A"},
        {"limit": 0},
        {"limit": 501},
        {"year": "x"},
        {"typo": 1},
        {"after": "a/b"},
        {"after": "X", "offset": 1},
        {"count": "all"},
    ],
)
def test_bad_list_parameters_are_422(client, office, params):
    """Unknown filters and bad values are named, not ignored."""
    response = client.get(f"{V1}/cases", params=params, headers=office)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"
