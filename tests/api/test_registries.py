"""Agency and expert registries, and how stored cases resolve against them (history included)."""

from __future__ import annotations

import copy

import pytest

from engine._types import credit_code_check_character
from tests.api.conftest import EXAMPLE, V1, create_case, example, unique

_counter = iter(range(1, 10_000_000))


def new_credit_code() -> str:
    """A valid credit code nobody else in this module uses."""
    first17 = f"91310112{next(_counter):09d}"
    return first17 + credit_code_check_character(first17)


def agency_record(code: str, **changes):
    record = {k: v for k, v in copy.deepcopy(EXAMPLE["agency"]).items() if k != "history"}
    record["credit_code"] = code
    record.update(changes)
    return record


def register(client, office, code, **changes):
    response = client.post(f"{V1}/agencies", json=agency_record(code, **changes), headers=office)
    assert response.status_code == 201, response.text
    return response.json()


def decide(client, office, case_id, **body):
    response = client.post(f"{V1}/cases/{case_id}/decisions", json=body, headers=office)
    assert response.status_code == 201, response.text
    return response.json()


def test_an_agency_is_created_read_listed_and_updated(client, office):
    """CRUD by credit code; duplicates 409; the version counts updates; stale If-Match 409."""
    code = new_credit_code()
    created = register(client, office, code)
    assert created["version"] == 1
    assert created["history"] == []
    assert client.post(f"{V1}/agencies", json=agency_record(code), headers=office).status_code == 409
    assert (
        client.get(f"{V1}/agencies/{code}", headers=office).json()["record"]["name"]
        == EXAMPLE["agency"]["name"]
    )
    codes = [a["record"]["credit_code"] for a in client.get(f"{V1}/agencies", headers=office).json()["items"]]
    assert code in codes
    updated = client.put(
        f"{V1}/agencies/{code}", json=agency_record(code, marketplace_status="frozen"), headers=office
    )
    assert updated.status_code == 200
    assert (updated.json()["version"], updated.json()["record"]["marketplace_status"]) == (2, "frozen")
    stale = client.put(
        f"{V1}/agencies/{code}", json=agency_record(code), headers={**office, "If-Match": '"1"'}
    )
    assert stale.status_code == 409
    assert client.get(f"{V1}/agencies/{new_credit_code()}", headers=office).status_code == 404


def test_the_credit_code_in_the_path_and_body_must_agree(client, office):
    """A PUT for one agency carrying another's code is 422."""
    code = new_credit_code()
    register(client, office, code)
    response = client.put(f"{V1}/agencies/{code}", json=agency_record(new_credit_code()), headers=office)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["credit_code"]


def test_history_is_not_written_by_hand(client, office):
    """The record refuses 'history' (it is derived); 'earlier_history' holds assessments before kaoping."""
    code = new_credit_code()
    bad = client.post(f"{V1}/agencies", json={**agency_record(code), "history": []}, headers=office)
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["history"]


def test_the_registry_record_replaces_the_case_agency_when_evaluated(client, office):
    """A case referencing the agency by credit code is evaluated with the registry's record."""
    code = new_credit_code()
    register(client, office, code, marketplace_status="suspended")
    case_id = unique("R")
    create_case(client, office, example(case_id, agency={"credit_code": code}))
    record = decide(client, office, case_id)
    assert record["input"]["agency"]["marketplace_status"] == "suspended"
    assert record["decision"]["eligibility"]["status"] == "ineligible"
    stored = client.get(f"{V1}/cases/{case_id}", headers=office).json()
    assert stored["case"]["agency"] == {"credit_code": code}


def test_a_written_out_agency_with_a_registered_code_uses_the_registry(client, office):
    """The registry wins over a copy of the agency written into the case."""
    code = new_credit_code()
    register(client, office, code, marketplace_status="frozen")
    case_id = unique("R")
    create_case(client, office, example(case_id, agency=agency_record(code, history=[])))
    assert decide(client, office, case_id)["input"]["agency"]["marketplace_status"] == "frozen"


def test_an_unknown_reference_is_422(client, office):
    """References must resolve: an agency and a member that are not registered."""
    case = example(unique("R"), agency={"credit_code": new_credit_code()})
    case["panel"]["members"][1] = {"id": "NOBODY-1"}
    case["plan"]["scores"]["expert_panel"] = {"E1": "88"}
    case["draft"]["scores"]["expert_panel"] = {"E1": "88"}
    response = client.post(f"{V1}/cases", json=case, headers=office)
    assert response.status_code == 422
    assert sorted(e["loc"] for e in response.json()["detail"]) == [
        ["agency", "credit_code"],
        ["panel", "members", 1, "id"],
    ]


def test_history_grows_with_each_cases_latest_complete_decision(client, office):
    """Cases A (complete twice, then archived B) feed the history; the case itself never does."""
    code = new_credit_code()
    earlier = [{"decided_on": "2022-12-20", "composite": "79.5", "grade": "中"}]
    register(client, office, code, earlier_history=earlier)
    first, second, archived = unique("H"), unique("H"), unique("H")
    for case_id in (first, second, archived):
        create_case(client, office, example(case_id, agency={"credit_code": code}))
    decide(client, office, first, document_date="2024-07-01")
    decide(client, office, first, document_date="2024-07-05")  # the latest complete decision of `first`
    decide(client, office, archived, document_date="2024-07-02")
    client.put(f"{V1}/cases/{archived}/archived", json={"archived": True}, headers=office)
    unscored = {"draft": {"scores": None}}  # merge patch: null removes the draft's scores
    assert (
        client.patch(f"{V1}/cases/{second}", json=unscored, headers={**office, "If-Match": '"1"'}).status_code
        == 200
    )
    decide(client, office, second, document_date="2024-07-03")  # incomplete: not history

    history = client.get(f"{V1}/agencies/{code}", headers=office).json()["history"]
    assert history == [
        {"decided_on": "2022-12-20", "composite": "79.5", "grade": "中"},
        {"decided_on": "2024-07-05", "composite": "88.76", "grade": "良"},
    ]
    evaluated = decide(client, office, second)["input"]["agency"]["history"]
    assert evaluated == history
    own = decide(client, office, first)["input"]["agency"]["history"]
    assert own == history[:1]


def test_an_expert_is_created_read_listed_and_updated(client, office):
    """CRUD by id; the id must be a short ASCII key."""
    expert_id = unique("X")
    record = {"id": expert_id, "name": "周明", "pool": "municipal", "domain_expert": True, "ties": []}
    assert client.post(f"{V1}/experts", json=record, headers=office).status_code == 201
    assert client.post(f"{V1}/experts", json=record, headers=office).status_code == 409
    assert client.get(f"{V1}/experts/{expert_id}", headers=office).json()["record"] == record
    listed = client.get(f"{V1}/experts", params={"limit": 500}, headers=office).json()["items"]
    assert expert_id in [e["record"]["id"] for e in listed]
    updated = client.put(f"{V1}/experts/{expert_id}", json={**record, "pool": "district"}, headers=office)
    assert (updated.status_code, updated.json()["version"]) == (200, 2)
    bad = client.post(f"{V1}/experts", json={**record, "id": "专家 1"}, headers=office)
    assert bad.status_code == 422


def test_registry_records_take_labels_and_store_codes(client, office):
    """A pool, a relation or an agency kind written by its label is stored as its code, as in a case."""
    expert_id = unique("X")
    record = {"id": expert_id, "name": "周明", "pool": "库外专家", "domain_expert": True, "ties": []}
    assert client.post(f"{V1}/experts", json=record, headers=office).status_code == 201
    assert client.get(f"{V1}/experts/{expert_id}", headers=office).json()["record"]["pool"] == "other"
    code = new_credit_code()
    created = register(client, office, code, kind="会计师事务所")
    assert created["record"]["kind"] == "cpa_firm"
    bad = client.post(f"{V1}/experts", json={**record, "id": unique("X"), "pool": "某库"}, headers=office)
    (error,) = bad.json()["detail"]
    assert (bad.status_code, error["loc"], error["ctx"]["list"]) == (422, ["pool"], "pool")
    assert error["msg"].startswith("专家来源（pool）须为下列之一：市级财政专家库（municipal）")


def test_a_panel_member_by_reference_is_the_registry_expert(client, office):
    """{"id": X} alone in a panel is the registry's expert X at evaluation time."""
    expert_id = unique("X")
    tie = {"org": EXAMPLE["agency"]["name"], "relation": "director"}
    record = {"id": expert_id, "name": "孙悦", "pool": "municipal", "domain_expert": True, "ties": [tie]}
    assert client.post(f"{V1}/experts", json=record, headers=office).status_code == 201
    case = example(unique("R"))
    case["panel"]["members"][1] = {"id": expert_id}
    for node in ("plan", "draft"):
        scores = case[node]["scores"]["expert_panel"]
        scores[expert_id] = scores.pop("E2")
    create_case(client, office, case)
    record_out = decide(client, office, case["case_id"])
    assert record_out["input"]["panel"]["members"][1] == record
    assert expert_id in record_out["decision"]["panel"]["conflicted_members"]


@pytest.mark.parametrize("party", ["expert", "unit"])
def test_experts_and_units_do_not_read_the_registries(client, tokens, party):
    """Registries are the office's (and the auditor's) to read."""
    assert client.get(f"{V1}/agencies", headers=tokens[party]).status_code == 403
    assert client.get(f"{V1}/experts", headers=tokens[party]).status_code == 403
    assert client.get(f"{V1}/agencies", headers=tokens["auditor"]).status_code == 200
