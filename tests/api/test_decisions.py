"""Stored decisions: append-only numbering, hashes, snapshots, memos with identical bytes."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from sqlalchemy import text

from api.store import db
from tests.api.conftest import V1, create_case, document_number, example, unique

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def decided(client, office):
    """A stored copy of the example with one decision (document 七财评〔2024〕N号 of 2024-07-01)."""
    case_id = unique("D")
    create_case(client, office, example(case_id))
    response = client.post(
        f"{V1}/cases/{case_id}/decisions",
        json={"document_number": document_number(), "document_date": "2024-07-01"},
        headers=office,
    )
    assert response.status_code == 201, response.text
    return case_id, response.json()


def test_a_decision_is_stored_with_number_hashes_and_snapshot(decided):
    """Number 1, the rule version and its hash, input and output hashes, actor, memo details."""
    _, record = decided
    assert record["number"] == 1
    assert record["rule_version"] == "2024-01-01"
    assert len(record["rule_hash"]) == len(record["input_hash"]) == len(record["output_hash"]) == 64
    assert record["document_number"] >= 1000
    assert record["document_date"] == "2024-07-01"
    assert record["actor"].startswith("finance_office#")
    assert record["decision"]["fee"]["payable"] == "74400.00"
    assert record["input"]["commission"]["contract_fee"] == "80000.00"


def test_the_hashes_can_be_checked_from_the_response(decided):
    """input_hash and output_hash are SHA-256 of the canonical JSON of 'input' and 'decision'."""
    _, record = decided

    def digest(value):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    assert digest(record["input"]) == record["input_hash"]
    assert digest(record["decision"]) == record["output_hash"]


def test_decisions_are_appended_and_numbered_per_case(client, office, decided):
    """A second decision is number 2; the first stays as it was; another case starts at 1."""
    case_id, first = decided
    second = client.post(f"{V1}/cases/{case_id}/decisions", headers=office)
    assert second.status_code == 201
    assert second.json()["number"] == 2
    assert second.json()["input_hash"] == first["input_hash"]
    assert second.json()["output_hash"] == first["output_hash"]
    listed = client.get(f"{V1}/cases/{case_id}/decisions", headers=office).json()
    assert [d["number"] for d in listed["items"]] == [1, 2]
    assert client.get(f"{V1}/cases/{case_id}/decisions/1", headers=office).json() == first
    other = unique("D")
    create_case(client, office, example(other))
    assert client.post(f"{V1}/cases/{other}/decisions", headers=office).json()["number"] == 1


def test_a_changed_case_gets_a_new_input_hash(client, office, decided):
    """The input hash follows the exact case evaluated."""
    case_id, first = decided
    patched = client.patch(
        f"{V1}/cases/{case_id}", json={"prohibited_conduct": ["leak"]}, headers={**office, "If-Match": '"1"'}
    )
    assert patched.status_code == 200
    second = client.post(f"{V1}/cases/{case_id}/decisions", headers=office).json()
    assert second["input_hash"] != first["input_hash"]
    assert second["decision"]["assessment"]["grade"] == "差"
    summary = client.get(f"{V1}/cases/{case_id}", headers=office).json()
    assert (summary["latest_decision"], summary["grade"]) == (2, "差")


def test_the_default_document_date_is_the_day_it_is_stored(client, office):
    """Without a body the memo date is today (China Standard Time) and the number is blank."""
    case_id = unique("D")
    create_case(client, office, example(case_id))
    record = client.post(f"{V1}/cases/{case_id}/decisions", headers=office).json()
    assert record["document_number"] is None
    assert len(record["document_date"]) == 10


@pytest.mark.parametrize("kind", ["eligibility", "review-plan", "review-draft", "fee"])
def test_a_memo_is_the_same_bytes_on_every_download(client, office, decided, kind):
    """Two downloads, byte for byte; a .docx zip with the document number in it."""
    case_id, record = decided
    url = f"{V1}/cases/{case_id}/decisions/1/memos/{kind}.docx"
    first, second = client.get(url, headers=office), client.get(url, headers=office)
    assert first.status_code == 200
    assert first.headers["content-type"] == DOCX
    assert hashlib.sha256(first.content).digest() == hashlib.sha256(second.content).digest()
    with zipfile.ZipFile(io.BytesIO(first.content)) as docx:
        number = f"七财评〔2024〕{record['document_number']}号"
        assert number in docx.read("word/document.xml").decode("utf-8").replace("\u2060", "")


def test_a_memo_that_does_not_apply_is_409_and_an_unknown_kind_404(client, office, decided):
    """No FLW-02/03: no referral; a kind that does not exist; a decision that does not exist."""
    case_id, _ = decided
    assert (
        client.get(f"{V1}/cases/{case_id}/decisions/1/memos/referral.docx", headers=office).status_code == 409
    )
    assert client.get(f"{V1}/cases/{case_id}/decisions/1/memos/poem.docx", headers=office).status_code == 404
    assert client.get(f"{V1}/cases/{case_id}/decisions/9/memos/fee.docx", headers=office).status_code == 404
    assert client.get(f"{V1}/cases/{case_id}/decisions/9", headers=office).status_code == 404


def test_a_case_that_cannot_be_decided_stores_nothing(client, office):
    """A stored case commissioned before 2021-08-01: 422 with the contract loc; no decision, no audit entry."""
    case_id = unique("D")
    case = example(case_id)
    case["commission"]["commissioned_on"] = "2021-07-01"
    create_case(client, office, case)
    audit_before = client.get(f"{V1}/audit", params={"target": f"case:{case_id}"}, headers=office).json()[
        "total"
    ]
    response = client.post(f"{V1}/cases/{case_id}/decisions", headers=office)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["commission", "commissioned_on"]
    assert client.get(f"{V1}/cases/{case_id}/decisions", headers=office).json()["total"] == 0
    assert (
        client.get(f"{V1}/audit", params={"target": f"case:{case_id}"}, headers=office).json()["total"]
        == audit_before
    )


@pytest.mark.parametrize("body", [{"document_number": 0}, {"document_date": "2024-13-01"}, {"number": 3}])
def test_bad_decision_bodies_are_422(client, office, decided, body):
    """The memo details are checked."""
    case_id, _ = decided
    assert client.post(f"{V1}/cases/{case_id}/decisions", json=body, headers=office).status_code == 422


@pytest.mark.parametrize(
    "statement", ["UPDATE decisions SET number = 99", "DELETE FROM decisions", "DELETE FROM audit"]
)
def test_the_database_refuses_to_change_decisions_or_the_audit_log(migrated, decided, statement):
    """Triggers keep both tables append-only, whoever connects."""
    engine = db.make_engine(migrated)
    try:
        with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    finally:
        engine.dispose()
