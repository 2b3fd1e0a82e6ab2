"""Fuzzing: schemathesis against the app's own OpenAPI schema, every operation, in-process.

Each operation is driven with schema-valid (positive) and schema-breaking (negative) requests under a
finance-office token, and once more under every other role. Every response must be a non-5xx that its
operation documents, with the documented content type and a body that matches the documented schema.
Half of the path ids are pinned to a case (and registry entries) that exist, so the fuzzer gets past
404 into the code that reads and writes.

Bounded and deterministic: ``derandomize=True`` (examples derive from the test, not the clock), no
example database, a few examples per operation; the module takes well under a minute on SQLite.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING, Any

import hypothesis
import pytest
import schemathesis
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, given, strategies
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import api.http.routes
from api.http import API_PREFIX
from api.http.app import create_app
from api.settings import Settings
from tests.api.conftest import AGENCY, EXAMPLE, V1, TestClient, create_case, example

if TYPE_CHECKING:
    from fastapi import FastAPI
    from schemathesis import APIOperation, Case
    from schemathesis.specs.openapi.schemas import OpenApiSchema

OPENAPI = f"{API_PREFIX}/openapi.json"
CASE_ID = "FUZZ-1"
EXPERT_ID = "E1"
MAX_EXAMPLES = {"finance_office": 20, "other": 5}
"""Examples per operation and generation mode: the office token gets the most, other roles a few."""

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
schemathesis.serializer.alias(DOCX, "application/octet-stream")  # template uploads: the bytes as generated
schemathesis.serializer.alias(XLSX, "application/octet-stream")  # score sheet uploads
schemathesis.serializer.alias("application/zip", "application/octet-stream")  # candidate rules for replay

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _operations() -> list[tuple[str, str]]:
    """Every (method, path) the app serves, read from the schema of an app that is never started."""
    app = create_app(Settings(database_url="sqlite://"))
    paths: dict[str, dict[str, Any]] = app.openapi()["paths"]
    return [(method.upper(), path) for path, item in sorted(paths.items()) for method in sorted(item)]


OPERATIONS = _operations()


def test_the_fuzzer_sees_every_route() -> None:
    """No route of any router in ``api.http.routes`` is left out of the schema (and so out of the fuzzing)."""
    served = set()
    for info in pkgutil.iter_modules(api.http.routes.__path__):
        router = getattr(importlib.import_module(f"api.http.routes.{info.name}"), "router", None)
        for route in getattr(router, "routes", ()):
            if isinstance(route, APIRoute):
                served |= {(method, V1 + route.path) for method in route.methods}
    assert served == set(OPERATIONS)
    assert len(OPERATIONS) >= 19


@pytest.fixture(scope="module")
def schema(app: FastAPI) -> OpenApiSchema:
    """The app's schema as schemathesis reads it, bound to the app (requests go in-process over ASGI)."""
    return schemathesis.openapi.from_asgi(OPENAPI, app)


@pytest.fixture(scope="module")
def seeded(client: TestClient, tokens: dict[str, dict[str, str]]) -> dict[str, str]:
    """A stored case (panel member ``E1``, the unit of the tokens), the example's agency and an expert."""
    office = tokens["office"]
    create_case(client, office, example(CASE_ID))
    agency = {k: v for k, v in EXAMPLE["agency"].items() if k != "history"}
    assert client.post(f"{V1}/agencies", json=agency, headers=office).status_code == 201
    expert = next(m for m in EXAMPLE["panel"]["members"] if m["id"] == EXPERT_ID)
    assert client.post(f"{V1}/experts", json=expert, headers=office).status_code == 201
    assert client.post(f"{V1}/cases/{CASE_ID}/decisions", json={}, headers=office).status_code == 201
    return {"case_id": CASE_ID, "credit_code": AGENCY, "expert_id": EXPERT_ID, "number": "1", "kind": "fee"}


def _pinned(operation: APIOperation, seeded: dict[str, str]) -> dict[str, Any]:
    """The path parameters of ``operation`` that name seeded things (the rest are generated)."""
    names = {p.name for p in operation.path_parameters}
    return {k: v for k, v in seeded.items() if k in names}


def _fuzz(
    schema: OpenApiSchema,
    method: str,
    path: str,
    *,
    headers: dict[str, str],
    seeded: dict[str, str],
    mode: schemathesis.GenerationMode,
    max_examples: int,
) -> None:
    operation = schema[path][method]
    pinned = _pinned(operation, seeded)
    cases = [operation.as_strategy(generation_mode=mode)]
    if pinned:
        cases.append(operation.as_strategy(generation_mode=mode, path_parameters=pinned))

    @hypothesis.settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        print_blob=False,
    )
    @given(case=strategies.one_of(cases))
    def run(case: Case) -> None:
        response = case.call(headers=dict(headers))  # call() adds to the dict it is given
        case.validate_response(response, checks=CHECKS, headers=dict(headers))

    try:
        run()
    except hypothesis.errors.Unsatisfiable:
        if mode is schemathesis.GenerationMode.NEGATIVE and not _has_inputs(operation):
            pytest.skip("nothing to break: the operation has no parameters and no body")
        raise


def _has_inputs(operation: APIOperation) -> bool:
    return bool(list(operation.iter_parameters())) or bool(operation.body)


MODES = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]


@pytest.mark.parametrize("mode", MODES, ids=str)
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_fuzz_as_the_finance_office(schema, tokens, seeded, method, path, mode):
    """The office may call everything: no 5xx, every response as documented."""
    _fuzz(
        schema,
        method,
        path,
        headers=tokens["office"],
        seeded=seeded,
        mode=mode,
        max_examples=MAX_EXAMPLES["finance_office"],
    )


@pytest.mark.parametrize("party", ["auditor", "expert", "unit", "stranger"])
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_fuzz_as_the_other_roles(schema, tokens, seeded, method, path, party):
    """Other roles (and a token of no panel): 401/403/404s as documented, never a 5xx."""
    _fuzz(
        schema,
        method,
        path,
        headers=tokens[party],
        seeded=seeded,
        mode=schemathesis.GenerationMode.POSITIVE,
        max_examples=MAX_EXAMPLES["other"],
    )


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_fuzz_without_a_token(schema, seeded, method, path):
    """Without a token: 401 everywhere that needs one, and never a 5xx."""
    _fuzz(
        schema,
        method,
        path,
        headers={},
        seeded=seeded,
        mode=schemathesis.GenerationMode.POSITIVE,
        max_examples=3,
    )
