"""The API's documentation works on a closed network: pages and assets from the app, Chinese descriptions."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from tests.api.conftest import V1

PAGES = (f"{V1}/docs", f"{V1}/redoc")


class _References(HTMLParser):
    """Every address a page loads (scripts, styles, icons), and whether it has inline script or style."""

    def __init__(self) -> None:
        super().__init__()
        self.addresses: list[str] = []
        self.inline: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for key in ("src", "href"):
            if values.get(key):
                self.addresses.append(str(values[key]))
        if any(k.startswith("on") for k in values) or "style" in values:
            self.inline.append(tag)
        self._in = tag if tag in {"script", "style"} else None

    def handle_data(self, data: str) -> None:
        if self._in and data.strip():
            self.inline.append(self._in)


def test_every_docs_page_and_asset_comes_from_the_app(client):
    """Each page and everything it references is served by the app; nothing from elsewhere, nothing inline."""
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
        assert "script-src" not in response.headers["content-security-policy"]
        parser = _References()
        parser.feed(response.text)
        assert parser.inline == [], page
        assert len(parser.addresses) >= 2
        for address in parser.addresses:
            assert address.startswith(f"{V1}/"), address
            asset = client.get(address)
            assert asset.status_code == 200, address
            assert asset.headers["content-security-policy"] == "default-src 'self'"
            assert len(asset.content) > 100
        assert "http://" not in response.text
        assert "https://" not in response.text
    assert client.get(f"{V1}/docs").headers["content-security-policy"] == "default-src 'self'"
    assert client.get(f"{V1}/docs/assets/secrets.txt").status_code == 404


def test_the_start_up_scripts_read_the_document_from_the_page(client):
    """No address is written into the scripts: the page's element carries the OpenAPI document's address."""
    page = client.get(f"{V1}/docs").text
    assert f'data-url="{V1}/openapi.json"' in page
    script = client.get(f"{V1}/docs/assets/swagger-init.js").text
    assert "validatorUrl: null" in script  # Swagger UI would otherwise load a badge from the internet
    assert "http" not in script


def _properties(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (name, prop, schema)
        for name, component in document["components"]["schemas"].items()
        for prop, schema in component.get("properties", {}).items()
    ]


def _enum(schema: Any) -> list[Any] | None:
    if not isinstance(schema, dict):
        return None
    if "enum" in schema:
        return schema["enum"]
    for branch in schema.get("anyOf", []):
        if found := _enum(branch):
            return found
    return _enum(schema.get("items"))


def _chinese(text: str | None) -> bool:
    return bool(text) and bool(re.search(r"[\u4e00-\u9fff]", text or ""))


def test_every_property_and_parameter_has_a_chinese_description(client):
    """All of the schema's properties and every operation's parameters are described in Chinese."""
    document = client.get(f"{V1}/openapi.json").json()
    undescribed = [(n, p) for n, p, s in _properties(document) if not _chinese(s.get("description"))]
    assert undescribed == []
    assert len(_properties(document)) > 200
    parameters = [
        p for ops in document["paths"].values() for op in ops.values() for p in op.get("parameters", [])
    ]
    assert [p["name"] for p in parameters if not _chinese(p.get("description"))] == []
    kind = document["components"]["schemas"]["Agency"]["properties"]["kind"]
    assert kind["description"].startswith(
        "机构类型。可选值：专业咨询机构（consultancy）、会计师事务所（cpa_firm）"
    )
    clauses = document["components"]["schemas"]["Commission"]["properties"]["contract_clauses"]
    assert "工作质量与服务费挂钩（quality_fee_linkage）" in clauses["description"]


def test_every_enumeration_lists_its_codes_with_labels(client):
    """Each enumeration, in a property or a parameter, names every code with its label."""
    document = client.get(f"{V1}/openapi.json").json()
    schemas = [(f"{n}.{p}", s) for n, p, s in _properties(document)]
    schemas += [
        (f"param {p['name']}", {**p["schema"], "description": p.get("description")})
        for ops in document["paths"].values()
        for op in ops.values()
        for p in op.get("parameters", [])
    ]
    enums = 0
    for where, schema in schemas:
        codes = _enum(schema)
        if not codes:
            continue
        enums += 1
        for code in codes:
            assert f"（{code}）" in schema["description"], (where, code)
    assert enums >= 25
