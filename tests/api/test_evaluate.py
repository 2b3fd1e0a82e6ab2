"""POST /api/v1/evaluate: stateless decisions, contract errors, exact numbers, the body limit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.api.conftest import EXAMPLE, V1, example
from tests.support.environment import fresh_environment

ROOT = Path(__file__).resolve().parents[2]


def test_the_worked_example_is_decided(client, office):
    """The rulebook's worked example pays 74,400.00 with the full trace."""
    response = client.post(f"{V1}/evaluate", json=EXAMPLE, headers=office)
    assert response.status_code == 200
    decision = response.json()
    assert decision["rule_version"] == "2024-01-01"
    assert decision["fee"]["payable"] == "74400.00"
    assert decision["assessment"]["grade"] == "良"
    assert [entry["rule"] for entry in decision["trace"]][:2] == ["ELG-01", "ELG-02"]


@pytest.mark.parametrize("party", ["office", "auditor", "expert", "stranger", "unit", "other_unit"])
def test_every_role_may_evaluate(client, tokens, party):
    """Evaluation stores nothing, so every party may use it."""
    assert client.post(f"{V1}/evaluate", json=EXAMPLE, headers=tokens[party]).status_code == 200


def test_a_case_before_the_first_version_is_a_contract_error(client, office):
    """Out of scope: 422 with the contract's loc (no 'body' prefix)."""
    case = example("OLD-1")
    case["commission"]["commissioned_on"] = "2021-07-31"
    response = client.post(f"{V1}/evaluate", json=case, headers=office)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["commission", "commissioned_on"]


def test_every_bad_field_is_named(client, office):
    """One error per bad field, each with loc, msg and type."""
    case = example("BAD-1")
    case["commission"]["contract_fee"] = "-1"
    case["agency"]["credit_code"] = "91310112F5PJ96WP44"
    case["typo"] = 1
    response = client.post(f"{V1}/evaluate", json=case, headers=office)
    assert response.status_code == 422
    locs = sorted(tuple(map(str, e["loc"])) for e in response.json()["detail"])
    assert locs == [("agency", "credit_code"), ("commission", "contract_fee"), ("typo",)]
    assert all(
        {"loc", "msg", "type"} <= set(e) <= {"loc", "msg", "type", "ctx"} for e in response.json()["detail"]
    )


def test_json_numbers_are_read_exactly(client, office):
    """A score written as the JSON number 88.55 has two decimals: refused, not rounded by a float."""
    text = json.dumps(EXAMPLE).replace('"project_unit": "90"', '"project_unit": 88.55', 1)
    response = client.post(
        f"{V1}/evaluate", content=text, headers={**office, "content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["plan", "scores", "project_unit"]


@pytest.mark.parametrize(
    ("body", "kind"),
    [(b"{", "json_invalid"), (b"", "json_invalid"), (b'{"x": NaN}', "json_invalid"), (b"[]", "model_type")],
)
def test_malformed_bodies_are_422(client, office, body, kind):
    """Not JSON, NaN, or not an object: 422 with one error at the root."""
    response = client.post(f"{V1}/evaluate", content=body, headers=office)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert (error["loc"], error["type"]) == ([], kind)
    assert error["msg"]


def test_a_body_over_the_limit_is_413(client, office, settings):
    """The declared length is checked before anything is read."""
    body = b" " * (settings.max_body_bytes + 1)
    response = client.post(f"{V1}/evaluate", content=body, headers=office)
    assert response.status_code == 413


def test_a_streamed_body_over_the_limit_is_413(client, office, settings):
    """Without a Content-Length the bytes are counted as they arrive."""

    def chunks():
        for _ in range(settings.max_body_bytes // 65536 + 2):
            yield b" " * 65536

    response = client.post(f"{V1}/evaluate", content=chunks(), headers=office)
    assert response.status_code == 413


def test_the_server_imports_the_capitals_converter_at_start(tmp_path):
    """The first decision with a fee does not pay cn2an's import: the lifespan has made it."""
    code = (
        "import sys; from pathlib import Path\n"
        "from fastapi.testclient import TestClient\n"
        "from api.http.app import create_app; from api.settings import Settings; from api.store import db\n"
        f"settings = Settings(data_dir=Path({str(tmp_path)!r}))\n"
        "engine = db.make_engine(settings.effective_database_url); db.upgrade(engine); engine.dispose()\n"
        "before = 'cn2an' in sys.modules\n"
        "with TestClient(create_app(settings)):\n"
        "    print(before, 'cn2an' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        cwd=ROOT,
        env=fresh_environment("DATABASE_URL"),
    )
    assert result.stdout.split() == ["False", "True"]
