"""The OpenAPI document: stable operation ids, the contract's schemas, the worked example."""

from __future__ import annotations

import json
from pathlib import Path

import api.http
from tests.api.conftest import EXAMPLE, V1

OPERATIONS = {
    "audit-list_audit",
    "cases-create_case",
    "cases-get_case",
    "cases-list_cases",
    "cases-patch_case",
    "cases-set_archived",
    "decisions-create_decision",
    "decisions-get_decision",
    "decisions-get_memo",
    "decisions-list_decisions",
    "deliverables-get_deliverable",
    "deliverables-list_deliverables",
    "deliverables-upload_deliverable",
    "evaluate-evaluate",
    "health-healthz",
    "registries-create_agency",
    "registries-create_expert",
    "registries-get_agency",
    "registries-get_expert",
    "registries-list_agencies",
    "registries-list_experts",
    "registries-update_agency",
    "registries-update_expert",
    "rules-get_rules",
    "rules-list_rules",
    "scores-put_score",
    "templates-list_templates",
    "templates-get_template",
    "templates-put_template",
    "panel-draw_panel",
    "panel-verify_draw",
    "register-export_register",
    "replay-replay",
    "sheets-get_sheet",
    "sheets-import_sheet",
    "what-if-what_if",
}


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_the_document_lists_every_operation_with_a_stable_id(client):
    """Operation ids are <tag>-<function>, for generated clients."""
    document = client.get(f"{V1}/openapi.json").json()
    ids = {op["operationId"] for path in document["paths"].values() for op in path.values()}
    assert ids == OPERATIONS
    assert all(path.startswith(V1) for path in document["paths"])


def test_request_and_response_schemas_are_the_contract_models(client):
    """POST /evaluate takes engine.models.Case (with the worked example) and returns Decision."""
    document = client.get(f"{V1}/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert {"Case", "StoredCase", "Decision", "ErrorResponse"} <= set(schemas)
    evaluate = document["paths"][f"{V1}/evaluate"]["post"]
    body = evaluate["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/Case"}
    assert body["example"] == EXAMPLE
    assert evaluate["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Decision"
    }
    assert evaluate["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorResponse"
    }
    assert document["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    for ref in set(_refs(document)):
        assert ref.removeprefix("#/components/schemas/") in schemas, ref


def test_the_packaged_example_is_the_repository_example():
    """api/http/examples ships a copy of examples/QB-2024-007.case.json for the installed package."""
    packaged = Path(api.http.__file__).parent / "examples" / "QB-2024-007.case.json"
    assert json.loads(packaged.read_text("utf-8")) == EXAMPLE
