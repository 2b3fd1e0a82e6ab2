"""The bad-input catalogue: every bad request is a clear 4xx that names the field and stores nothing.

The requests are data, in ``bad_input_catalogue.yaml`` beside this file (its header says how an entry
reads). Each runs against a database holding one stored case, one decision and a registered agency, on
SQLite and on PostgreSQL; after each, everything the API can show is as it was before.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from rules._yaml import read_yaml
from tests.api.conftest import AGENCY, EXAMPLE, V1, TestClient, create_case, example, unique
from tests.yamlcases import build_case

CATALOGUE_FILE = Path(__file__).with_name("bad_input_catalogue.yaml")
CATALOGUE: list[dict[str, Any]] = read_yaml(CATALOGUE_FILE)
ENTRY_KEYS = {"name", "method", "path", "case", "json", "raw", "raw_bytes", "generate", "headers", "status"}
ENTRY_KEYS |= {"errors", "detail"}
BODY_KEYS = ("case", "json", "raw", "raw_bytes", "generate")
SEEDED = "CAT-0001"
UNDECIDABLE = "CAT-2027"
LATE_IN_2027 = {
    "commission.commissioned_on": "2027-03-15",
    "panel.formed_on": "2027-04-10",
    "plan.deadline": "2027-04-15",
    "plan.submitted_on": "2027-04-15",
    "draft.deadline": "2027-06-28",
    "draft.submitted_on": "2027-07-05",
}
JSON = {"Content-Type": "application/json"}
_NUMBER = "@@number@@"
_NUMBER_LITERAL = re.compile(f'"{_NUMBER}([^"@]+){_NUMBER}"')


def _dumps(value: Any) -> bytes:
    """JSON bytes of a value; ``{number: ...}`` placeholders become the bare number literals they name."""
    return _NUMBER_LITERAL.sub(r"\1", json.dumps(value, ensure_ascii=False)).encode("utf-8")


def _expand(value: Any) -> Any:
    """``{repeat: {text, times}}`` as the long string it stands for; ``{case}`` as the stored case's id."""
    if isinstance(value, dict):
        if set(value) == {"repeat"}:
            return str(value["repeat"]["text"]) * int(value["repeat"]["times"])
        if set(value) == {"number"}:
            return f"{_NUMBER}{value['number']}{_NUMBER}"
        return {k: _expand(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v) for v in value]
    if isinstance(value, str):
        return (
            value.replace("{case}", SEEDED).replace("{undecidable}", UNDECIDABLE).replace("{agency}", AGENCY)
        )
    return value


def _generated(kind: str) -> bytes:
    if kind == "deep_nesting":
        return b"[" * 10_000 + b"]" * 10_000
    if kind == "over_1mb":
        return b'{"case_id": "HUGE-1", "remarks": "' + b"x" * (1_048_576 + 1) + b'"}'
    raise AssertionError(f"unknown generator {kind}")


def _request(entry: dict[str, Any]) -> tuple[bytes, str | None]:
    """The body bytes of an entry and, for a built case, the case id it carries."""
    given = [key for key in BODY_KEYS if key in entry]
    assert len(given) <= 1, f"{entry['name']}: more than one body"
    if not given:
        return b"", None
    key = given[0]
    if key == "case":
        spec = _expand(entry["case"])
        spec["set"] = {"case_id": unique("CAT"), **(spec.get("set") or {})}
        case = build_case(spec)
        return _dumps(case), case.get("case_id")
    if key == "json":
        return _dumps(_expand(entry["json"])), None
    if key == "raw":
        return str(entry["raw"]).encode("utf-8"), None
    if key == "raw_bytes":
        return str(entry["raw_bytes"]).encode("latin-1"), None
    return _generated(entry["generate"]), None


def test_the_catalogue_is_well_formed() -> None:
    """At least 40 entries, unique names, known keys, each with an expectation beyond the status."""
    assert len(CATALOGUE) >= 40
    names = [entry["name"] for entry in CATALOGUE]
    assert len(names) == len(set(names))
    for entry in CATALOGUE:
        assert set(entry) <= ENTRY_KEYS, entry["name"]
        assert 400 <= entry["status"] < 500, entry["name"]
        assert "errors" in entry or "detail" in entry, entry["name"]


@pytest.fixture(scope="module")
def seeded(client: TestClient, tokens: dict[str, dict[str, str]]) -> str:
    """A stored case (version 1, with a decision), the example's agency in the registry, and a stored case
    that cannot be decided (a draft delivered late in 2027, which the working-day calendar lacks)."""
    office = tokens["office"]
    create_case(client, office, example(SEEDED))
    create_case(client, office, build_case({"set": {"case_id": UNDECIDABLE, **LATE_IN_2027}}))
    assert client.post(f"{V1}/cases/{SEEDED}/decisions", json={}, headers=office).status_code == 201
    agency = {k: v for k, v in EXAMPLE["agency"].items() if k != "history"}
    assert client.post(f"{V1}/agencies", json=agency, headers=office).status_code == 201
    return SEEDED


def _total(client: TestClient, headers: dict[str, str], path: str) -> int:
    response = client.get(V1 + path, headers=headers)
    assert response.status_code == 200, response.text
    total: int = response.json()["total"]
    return total


def snapshot(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    """Everything a bad request could have changed, as the API shows it."""
    case = client.get(f"{V1}/cases/{SEEDED}", headers=headers)
    assert case.status_code == 200, case.text
    stored = case.json()
    return {
        "cases": _total(client, headers, "/cases?limit=1"),
        "archived cases": _total(client, headers, "/cases?limit=1&archived=true"),
        "audit entries": _total(client, headers, "/audit?limit=1"),
        "agencies": _total(client, headers, "/agencies?limit=1"),
        "experts": _total(client, headers, "/experts?limit=1"),
        "decisions": _total(client, headers, f"/cases/{SEEDED}/decisions?limit=1"),
        "undecidable decisions": _total(client, headers, f"/cases/{UNDECIDABLE}/decisions?limit=1"),
        "etag": case.headers["ETag"],
        "stored case": {k: stored[k] for k in ("version", "archived", "case", "updated_at")},
        "agency": client.get(f"{V1}/agencies/{AGENCY}", headers=headers).json(),
    }


def _matches(want: dict[str, Any], got: dict[str, Any]) -> bool:
    return got.get("loc") == want["loc"] and ("type" not in want or got.get("type") == want["type"])


@pytest.mark.parametrize("entry", CATALOGUE, ids=[entry["name"] for entry in CATALOGUE])
def test_bad_request_is_a_clear_4xx_and_stores_nothing(client, tokens, seeded, entry):
    """The status, the field named, a readable message, and not one row written."""
    office = tokens["office"]
    before = snapshot(client, office)
    body, case_id = _request(entry)
    headers = {**office, **JSON, **{k: str(v) for k, v in (entry.get("headers") or {}).items()}}
    method = entry.get("method", "POST")
    path = V1 + _expand(entry["path"])
    response = client.request(method, path, content=body, headers=headers)

    assert response.status_code == entry["status"], response.text[:2000]
    detail = response.json()["detail"]
    if "errors" in entry:
        assert isinstance(detail, list), detail
        for item in detail:
            assert set(item) >= {"loc", "msg", "type"}, item
            assert isinstance(item["msg"], str), item
            assert item["msg"], item
            assert "Traceback" not in item["msg"]
        for want in entry["errors"]:
            assert any(_matches(want, got) for got in detail), f"{want} not in {detail}"
        assert "body" not in [got["loc"][0] for got in detail if got["loc"]], detail
    if "detail" in entry:
        assert isinstance(detail, str), detail
        assert entry["detail"] in detail, detail

    assert snapshot(client, office) == before
    if case_id is not None and case_id != SEEDED and isinstance(case_id, str):
        gone = client.get(f"{V1}/cases/{case_id}", headers=office)
        assert gone.status_code in {404, 422}, gone.text


def test_a_streamed_body_over_1mb_is_413_and_stores_nothing(client, tokens, seeded):
    """Without a Content-Length the limit is counted as the body arrives."""
    office = tokens["office"]
    before = snapshot(client, office)
    case = copy.deepcopy(example(unique("HUGE")))
    case["commission"]["contract_clauses"] = ["x" * 1000] * 1100

    def chunks() -> Any:
        data = json.dumps(case).encode()
        for start in range(0, len(data), 65_536):
            yield data[start : start + 65_536]

    response = client.post(f"{V1}/cases", content=chunks(), headers={**office, **JSON})
    assert response.status_code == 413, response.text[:500]
    assert snapshot(client, office) == before
