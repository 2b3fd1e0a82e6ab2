"""Bad input is never a 500, and an internal error never shows a traceback."""

from __future__ import annotations

import pytest

from api.http.app import create_app
from api.http.deps import get_principal
from tests.api.conftest import V1, TestClient, create_case, example, unique

JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    "body",
    [
        b"null",
        b"42",
        b'"case"',
        b"[" * 5000 + b"]" * 5000,
        b'{"a":' * 40 + b"1" + b"}" * 40,
        b"\xff\xfe\x00",
        b'{"case_id": "A", "case_id": "B"}',
        b'{"case_id": "\\u0000"}',
        b'{"commission": 1e999}',
        b'{"x": Infinity}',
    ],
)
@pytest.mark.parametrize("path", ["/evaluate", "/cases"])
def test_odd_bodies_are_422(client, office, body, path):
    """Scalars, deep nesting, bad encodings, control characters, huge numbers: 422 with a list."""
    response = client.post(V1 + path, content=body, headers={**office, **JSON})
    assert response.status_code == 422, response.text
    assert isinstance(response.json()["detail"], list)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PUT", "/cases/{id}/scores/plan/finance_office", b"[1]"),
        ("PUT", "/cases/{id}/scores/plan/finance_office", b'{"score": true}'),
        ("PUT", "/cases/{id}/scores/plan/finance_office", b'{"score": NaN}'),
        ("PUT", "/cases/{id}/scores/plan/finance_office", b'{"score": "1e1"}'),
        ("PUT", "/cases/{id}/archived", b'{"archived": "yes"}'),
        ("POST", "/cases/{id}/decisions", b'{"document_number": 1.5}'),
        ("POST", "/cases/{id}/decisions", b"{"),
        ("PATCH", "/cases/{id}", b"[]"),
        ("PATCH", "/cases/{id}", b'{"commission": {"procurement": 7}}'),
        ("POST", "/agencies", b'{"credit_code": 1}'),
        ("POST", "/experts", b'{"id": ""}'),
        ("GET", "/cases/{id}/decisions/x", b""),
        ("GET", "/cases/{id}/decisions/99999999999999999999999", b""),
    ],
)
def test_bad_input_on_other_routes_is_422(client, office, method, path, body):
    """Wrong types and shapes on every kind of route: 422, not 500."""
    case_id = unique("E")
    create_case(client, office, example(case_id))
    headers = {**office, **JSON, "If-Match": '"1"'}
    response = client.request(method, V1 + path.format(id=case_id), content=body, headers=headers)
    assert response.status_code == 422, response.text


def test_unknown_paths_and_methods_are_404_and_405(client, office):
    """Routing errors keep their status."""
    assert client.get(f"{V1}/nothing", headers=office).status_code == 404
    assert client.delete(f"{V1}/cases/X", headers=office).status_code == 405


def _broken() -> None:
    raise RuntimeError("secret internals /etc/passwd")


class _BrokenList:
    def page(self, **_arguments: object) -> None:
        _broken()

    def close(self) -> None:
        """Nothing to give back."""


def test_an_internal_error_is_a_500_without_a_traceback(settings, migrated, office):
    """Whatever breaks inside, the client gets a sentence, not the stack: in a dependency, and in the
    list route, which reads its request itself."""
    app = create_app(settings)
    app.dependency_overrides[get_principal] = _broken
    app.state.cases = _BrokenList()
    with TestClient(app, raise_server_exceptions=False) as client:
        responses = [client.get(f"{V1}/cases/X"), client.get(f"{V1}/cases", headers=office)]
    for response in responses:
        assert response.status_code == 500
        assert response.json() == {"detail": "服务器内部错误"}
        assert "secret" not in response.text


def test_the_case_id_path_is_whatever_was_stored(client, office):
    """Dots, dashes and underscores in case ids route normally."""
    case_id = f"QB.{unique('x_y')}"
    create_case(client, office, example(case_id))
    assert client.get(f"{V1}/cases/{case_id}", headers=office).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/cases/%00",
        "/cases/%00/decisions",
        "/cases/%00/decisions/1/memos/fee.docx",
        "/agencies/%00",
        "/experts/%00",
        "/cases?agency=%00",
        "/audit?target=%00",
        "/audit?actor=%00",
        "/cases/" + "x" * 65,
    ],
)
def test_nul_and_malformed_keys_in_paths_and_queries_are_422(client, office, path):
    """PostgreSQL refuses NUL in text: such keys are bad input, never a database error."""
    assert client.get(V1 + path, headers=office).status_code == 422


@pytest.mark.parametrize(
    ("where", "value"),
    [("agency", {"credit_code": "\u0000"}), ("member", {"id": "E\u0000"}), ("member", {"id": "x" * 80})],
)
def test_nul_in_registry_references_is_422(client, office, where, value):
    """References that cannot be registry keys are unknown references or bad fields."""
    case = example(unique("NUL"))
    if where == "agency":
        case["agency"] = value
    else:
        case["panel"]["members"][1] = value
    response = client.post(f"{V1}/cases", json=case, headers=office)
    assert response.status_code == 422, response.text
