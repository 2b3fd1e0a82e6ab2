"""The OpenAPI document in the office's words: every property and parameter described in Chinese.

Each property's description is its label in the vocabulary (``rules/vocabulary.yaml``): a case field's
under ``fields`` (the schema's place in the case found by walking from ``Case``), any other under
``api_fields``. An enumeration also lists its codes with their labels (its field's code list, or the
list whose codes it has), and a number or date says how it is written.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from rules import load_rulebook
from rules.messages import message
from rules.vocabulary import FieldEntry, Vocabulary

__all__ = ["describe", "install"]

_CASE_ROOTS = {"Case": "", "StoredCase": ""}
# The registries store the case's agency and panel members: their fields are the case's.
_LIKE_CASE = {
    "AgencyRecord": "agency",
    "ExpertRecord": "panel.members",
    "AgencyRef": "agency",
    "MemberRef": "panel.members",
}


def _refs(schema: Any) -> list[str]:
    """The component names a property's schema refers to (directly, in a union, a list or a map)."""
    if not isinstance(schema, dict):
        return []
    if "$ref" in schema:
        return [str(schema["$ref"]).rsplit("/", 1)[-1]]
    found: list[str] = []
    for key in ("anyOf", "oneOf", "allOf"):
        for branch in schema.get(key, []):
            found += _refs(branch)
    for key in ("items", "additionalProperties"):
        found += _refs(schema.get(key))
    return found


def _case_places(components: dict[str, Any]) -> dict[str, str]:
    """Each component that is part of a case, with its place in the case (``Tie`` → ``panel.members.ties``).

    The case itself is walked first, so a schema shared with a registry record gets its place in the case.
    """
    places: dict[str, str] = {}
    for roots in (_CASE_ROOTS, _LIKE_CASE):
        queue = [name for name in roots if name not in places]
        places.update({name: roots[name] for name in queue})
        while queue:
            name = queue.pop(0)
            for prop, schema in components.get(name, {}).get("properties", {}).items():
                for ref in _refs(schema):
                    if ref not in places:
                        places[ref] = f"{places[name]}.{prop}".lstrip(".")
                        queue.append(ref)
    return places


def _enum(schema: Any) -> list[Any] | None:
    if not isinstance(schema, dict):
        return None
    if "enum" in schema:
        return list(schema["enum"])
    for key in ("anyOf", "oneOf"):
        for branch in schema.get(key, []):
            found = _enum(branch)
            if found:
                return found
    return _enum(schema.get("items"))


def _code_list(vocabulary: Vocabulary, entry: FieldEntry | None, values: list[Any]) -> str | None:
    if entry is not None and entry.codes:
        return entry.codes
    wanted = set(values)
    return next((name for name in vocabulary.lists if set(vocabulary.codes(name)) == wanted), None)


def _places(schema: Any) -> int | None:
    if not isinstance(schema, dict):
        return None
    if "x-decimal-places" in schema:
        return int(schema["x-decimal-places"])
    return next((p for b in schema.get("anyOf", []) if (p := _places(b)) is not None), None)


def _is_date(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    return schema.get("format") == "date" or any(_is_date(b) for b in schema.get("anyOf", []))


def _text(vocabulary: Vocabulary, entry: FieldEntry, schema: dict[str, Any]) -> str:
    label = entry.zh
    values = _enum(schema)
    if values:
        code_list = _code_list(vocabulary, entry, values)
        if code_list is not None:
            labels = vocabulary.labels(code_list)
            allowed = message("join.items").join(
                message("error.allowed.item", code=v, label=labels.get(v, v)) for v in values
            )
            schema["x-labels"] = {str(v): labels.get(v, v) for v in values}
            return message("schema.allowed", label=label, allowed=allowed)
    places = _places(schema)
    if places is not None:
        return message("schema.decimal", label=label, places=places)
    if _is_date(schema):
        return message("schema.date", label=label)
    return label


def describe(document: dict[str, Any], vocabulary: Vocabulary) -> dict[str, Any]:
    """Write the descriptions into an OpenAPI document (in place; returned for convenience)."""
    components = document.get("components", {}).get("schemas", {})
    places = _case_places(components)
    api = vocabulary.api_fields
    for name, component in components.items():
        for prop, schema in component.get("properties", {}).items():
            entry = api.get(f"{name}.{prop}")
            if entry is None and name in places:
                entry = vocabulary.field_paths.get(f"{places[name]}.{prop}".lstrip("."))
            entry = entry or api.get(f"*.{prop}")
            if entry is not None:
                schema["description"] = _text(vocabulary, entry, schema)
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                entry = api.get(f"param.{parameter['name']}")
                if entry is not None:
                    parameter["description"] = _text(vocabulary, entry, parameter.get("schema", {}))
    return document


def install(app: FastAPI) -> None:
    """Serve the described document (built once, on first request, as FastAPI does)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                openapi_version=app.openapi_version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
                separate_input_output_schemas=app.separate_input_output_schemas,
            )
            app.openapi_schema = describe(document, load_rulebook().vocabulary)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
