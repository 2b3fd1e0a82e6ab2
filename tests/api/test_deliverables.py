"""POST/GET /cases/{id}/deliverables: Word files read, kept append-only, written into the case on request."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from sqlalchemy import text

from api.store import db
from tests.api.conftest import V1, create_case, example, unique
from tests.deliverables.conftest import CORPUS, expected

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PLAN = CORPUS / "plan_06_sum_999_missing.docx"
DRAFT = CORPUS / "draft_03_total_conflict.docx"


def _post(client, headers, case_id, node, path, *, name=None, data=None, params=None, extra=None):
    files = {"file": (name or path.name, data if data is not None else path.read_bytes(), DOCX)}
    return client.post(
        f"{V1}/cases/{case_id}/deliverables/{node}",
        files=files,
        params=params or {},
        headers={**headers, **(extra or {})},
    )


def test_an_upload_returns_the_reading_and_keeps_the_file(client, office) -> None:
    """201, the contract's reading, Location of the stored file; the case is not changed."""
    case_id = create_case(client, office, example(unique()))["case_id"]
    response = _post(client, office, case_id, "plan", PLAN, name="评价方案.docx")
    assert response.status_code == 201, response.text
    reading: dict[str, Any] = response.json()
    want = expected(PLAN)
    assert reading["fields"] == want["fields"]
    assert reading["locations"] == want["locations"]
    assert reading["file"] == {**want["file"], "name": "评价方案.docx"}
    assert reading["warnings"] == []
    assert "ETag" not in response.headers
    listed = client.get(f"{V1}/cases/{case_id}/deliverables", headers=office).json()
    assert [(f["node"], f["name"], f["size"], f["applied_version"]) for f in listed] == [
        ("plan", "评价方案.docx", PLAN.stat().st_size, None)
    ]
    assert listed[0]["sha256"] == hashlib.sha256(PLAN.read_bytes()).hexdigest()
    assert response.headers["Location"] == f"{V1}/cases/{case_id}/deliverables/{listed[0]['id']}"
    download = client.get(response.headers["Location"], headers=office)
    assert download.status_code == 200
    assert download.content == PLAN.read_bytes()
    assert "filename*=UTF-8''%E8%AF%84" in download.headers["content-disposition"]
    stored = client.get(f"{V1}/cases/{case_id}", headers=office).json()
    assert stored["version"] == 1
    assert stored["case"]["plan"]["sections"][-1] == "timetable"


def test_apply_writes_the_read_fields_into_the_case_under_if_match(client, office) -> None:
    """apply=true: 428 without If-Match, 409 when stale, else the node's read fields replaced, audited."""
    case_id = create_case(client, office, example(unique()))["case_id"]
    assert _post(client, office, case_id, "draft", DRAFT, params={"apply": "true"}).status_code == 428
    stale = _post(
        client, office, case_id, "draft", DRAFT, params={"apply": "true"}, extra={"If-Match": '"7"'}
    )
    assert stale.status_code == 409
    response = _post(
        client, office, case_id, "draft", DRAFT, params={"apply": "true"}, extra={"If-Match": '"1"'}
    )
    assert response.status_code == 201, response.text
    assert response.headers["ETag"] == '"2"'
    stored = client.get(f"{V1}/cases/{case_id}", headers=office).json()
    assert stored["version"] == 2
    draft = stored["case"]["draft"]
    assert draft["reported_total"] == "87.5"
    assert draft["deadline"] == example("x")["draft"]["deadline"]  # kept from the case
    decision = client.post(f"{V1}/cases/{case_id}/decisions", json={}, headers=office).json()
    assert decision["decision"]["draft_review"]["failed"] == ["RPT-02"]
    audit = client.get(f"{V1}/audit", params={"target": f"case:{case_id}"}, headers=office).json()["items"]
    actions = [entry["action"] for entry in audit]
    assert "case.apply_deliverable" in actions
    assert actions.count("deliverable.upload") == 1  # the refused attempts kept nothing
    listed = client.get(f"{V1}/cases/{case_id}/deliverables", headers=office).json()
    assert [f["applied_version"] for f in listed] == [2]


def test_apply_to_a_case_the_file_cannot_complete_is_422_and_keeps_nothing(client, office) -> None:
    """A case without a plan: the plan's dates are unread, so the applied case is bad input."""
    case = example(unique())
    del case["plan"]
    case_id = create_case(client, office, case)["case_id"]
    response = _post(
        client, office, case_id, "plan", PLAN, params={"apply": "true"}, extra={"If-Match": '"1"'}
    )
    assert response.status_code == 422
    assert ["plan", "deadline"] in [e["loc"] for e in response.json()["detail"]]
    assert client.get(f"{V1}/cases/{case_id}/deliverables", headers=office).json() == []


def test_a_refused_file_is_422_naming_the_file_in_the_requests_language(client, office) -> None:
    """PDF and broken files: 422 with loc ["file"]; Chinese by default, English on request."""
    case_id = create_case(client, office, example(unique()))["case_id"]
    pdf = _post(client, office, case_id, "plan", PLAN, name="方案.pdf", data=b"%PDF-1.7\n")
    assert pdf.status_code == 422
    (error,) = pdf.json()["detail"]
    assert error["loc"] == ["file"]
    assert error["type"] == "deliverable.pdf"
    assert "PDF" in error["msg"]
    assert "请上传" in error["msg"]
    broken = _post(
        client, office, case_id, "plan", PLAN, data=b"PK\x03\x04broken", extra={"Accept-Language": "en"}
    )
    assert broken.status_code == 422
    assert broken.json()["detail"][0]["type"] == "office_file.not_zip"
    assert broken.json()["detail"][0]["msg"].startswith("the file is not a valid Office document")
    assert client.get(f"{V1}/cases/{case_id}/deliverables", headers=office).json() == []


def test_warnings_are_worded_in_the_requests_language(client, office) -> None:
    """Accept-Language: en gives English warnings."""
    case_id = create_case(client, office, example(unique()))["case_id"]
    response = _post(
        client, office, case_id, "draft", DRAFT, extra={"Accept-Language": "en-GB,en;q=0.9,zh;q=0.5"}
    )
    assert response.json()["warnings"][0]["msg"].startswith("the total 87.5 at paragraph 5 differs")


def test_a_file_over_20_mib_is_413(client, office) -> None:
    """Over 20 MiB: 413 from the reader's guard; far over the upload limit: 413 before it is read."""
    case_id = create_case(client, office, example(unique()))["case_id"]
    over = _post(client, office, case_id, "plan", PLAN, data=b"PK\x03\x04" + b"\0" * (20 * 1024 * 1024))
    assert over.status_code == 413
    assert "20.0 MB" in over.json()["detail"]
    far = _post(client, office, case_id, "plan", PLAN, data=b"\0" * (22 * 1024 * 1024))
    assert far.status_code == 413


def test_roles_and_cases(client, office, tokens) -> None:
    """Only the finance office uploads; whoever may read the case lists and downloads; unknown: 404."""
    case_id = create_case(client, office, example(unique()))["case_id"]
    assert _post(client, tokens["expert"], case_id, "plan", PLAN).status_code == 403
    assert _post(client, office, "NO-SUCH-CASE", "plan", PLAN).status_code == 404
    assert _post(client, office, case_id, "report", PLAN).status_code == 422
    uploaded = _post(client, office, case_id, "plan", PLAN)
    assert client.get(f"{V1}/cases/{case_id}/deliverables", headers=tokens["expert"]).status_code == 200
    assert client.get(uploaded.headers["Location"], headers=tokens["unit"]).status_code == 200
    assert client.get(f"{V1}/cases/{case_id}/deliverables", headers=tokens["stranger"]).status_code == 404
    other = create_case(client, office, example(unique()))["case_id"]
    file_id = uploaded.headers["Location"].rsplit("/", 1)[1]
    assert client.get(f"{V1}/cases/{other}/deliverables/{file_id}", headers=office).status_code == 404


def test_stored_files_are_append_only(client, office, migrated) -> None:
    """The database refuses to change or delete a stored deliverable."""
    case_id = create_case(client, office, example(unique()))["case_id"]
    _post(client, office, case_id, "plan", PLAN)
    engine = db.make_engine(migrated)
    try:
        for statement in ("UPDATE deliverables SET name = 'x'", "DELETE FROM deliverables"):
            with engine.connect() as conn, pytest.raises(Exception, match="append-only"):
                conn.execute(text(statement))
    finally:
        engine.dispose()
