"""A route that reads its request itself (``GET /cases``) answers as FastAPI's dependencies would.

``QueryModel.read`` against ``Annotated[CaseQuery, Query()]``, and ``caller_of`` against the role
dependencies, each pair on one app, compared response for response (status, body, headers) over a
table of query strings and headers and over generated ones; and the list's OpenAPI operation against
the one FastAPI writes for the dependencies.
"""

from __future__ import annotations

import collections
import enum
import inspect
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import quote, urlencode

import pytest
from fastapi import FastAPI, Query, Request
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pydantic import BaseModel, Field, create_model

from api.http.app import create_app, operation_id
from api.http.deps import AnyRole, FinanceOffice, caller_of
from api.http.openapi import describe
from api.http.query import QueryModel
from api.http.routes import cases as cases_routes
from api.http.routes._common import PROTECTED
from api.http.routing import make_router
from api.roles import EVERYONE, OFFICE
from api.store.access import Principal
from api.store.schemas import CasePage, CaseQuery
from rules import load_rulebook
from tests.api.conftest import V1

if TYPE_CHECKING:
    from collections.abc import Iterator

    from api.settings import Settings

_READ = QueryModel(CaseQuery)

# FastAPI's own error handler (input and ctx echoed): a stricter comparison than the contract's 422.
query_app = FastAPI()


@query_app.get("/fastapi")
async def _by_fastapi(query: Annotated[CaseQuery, Query()]) -> dict[str, Any]:
    return query.model_dump(mode="json")


@query_app.get("/read")
async def _by_read(request: Request) -> dict[str, Any]:
    return _READ.read(request).model_dump(mode="json")


QUERIES = [
    "",
    "limit=5",
    "limit=0",
    "limit=501",
    "limit=abc",
    "limit=",
    "limit=5&limit=7",
    "limit=x&limit=7",
    "offset=-1",
    "offset=10",
    "year=2024",
    "year=1800",
    "year=2024.0",
    "year=",
    "grade=" + quote("良"),
    "grade=x",
    "grade=",
    "eligibility=eligible",
    "assessment=incomplete",
    "fee=withheld",
    "fee=paid",
    "agency=91310112MA1GBFDX2R",
    "agency=91310112ma1gbfdx2r",
    "agency=%00",
    "archived=true",
    "archived=1",
    "archived=yes",
    "archived=maybe",
    "after=QB-1",
    "after=QB-1&offset=5",
    "after=&offset=0",
    "after=" + "a" * 65,
    "after=a%20b",
    "count=exact",
    "count=capped",
    "count=all",
    "bogus=1",
    "bogus=1&bogus=2",
    "bogus=1&year=x&other=2&bogus=3",
    "Year=2024",
    "year=2024&grade=" + quote("良") + "&after=QB-9&count=exact&archived=false&limit=3",
    "limit=0&offset=-1&year=1&grade=z&agency=z&after=%00&count=z&archived=z&x=1",
]


@pytest.fixture(scope="module")
def query_client() -> Iterator[TestClient]:
    with TestClient(query_app) as client:
        yield client


def _same(client: TestClient, first: str, second: str, **kwargs: Any) -> None:
    one, other = client.get(first, **kwargs), client.get(second, **kwargs)
    assert (one.status_code, one.json()) == (other.status_code, other.json())
    assert one.headers.get("www-authenticate") == other.headers.get("www-authenticate")


@pytest.mark.parametrize("query", QUERIES)
def test_the_query_model_reads_as_fastapi(query_client: TestClient, query: str) -> None:
    """Each query string: the same model, or the same 422 (every error, its loc, message and input)."""
    _same(query_client, f"/fastapi?{query}", f"/read?{query}")


_NAMES = st.sampled_from([*CaseQuery.model_fields, "bogus", "LIMIT", ""])
_VALUES = st.one_of(
    st.text(max_size=12),
    st.integers(min_value=-5, max_value=10_001).map(str),
    st.sampled_from(["true", "false", "exact", "capped", "良", "优", "eligible", "payable", "QB-1"]),
)


@hypothesis_settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(_NAMES, _VALUES), max_size=6))
def test_generated_query_strings_read_as_fastapi(
    query_client: TestClient, pairs: list[tuple[str, str]]
) -> None:
    """Any mix of names (known, unknown, repeated) and values."""
    query = urlencode(pairs)
    _same(query_client, f"/fastapi?{query}", f"/read?{query}")


class _Listed(BaseModel):
    ids: list[str] = []


class _AbstractSequence(BaseModel):
    ids: Sequence[str] | None = None


class _AnnotatedList(BaseModel):
    ids: Annotated[list[str], Field(max_length=3)] | None = None


class _Aliased(BaseModel):
    name: str = Field(default="", alias="n")


@pytest.mark.parametrize("model", [_Listed, _AbstractSequence, _AnnotatedList, _Aliased])
def test_a_model_with_list_fields_or_aliases_is_refused(model: type[BaseModel]) -> None:
    """FastAPI reads those differently (getlist, aliases): declared with dependencies, not read here."""
    with pytest.raises(TypeError, match=model.__name__):
        QueryModel(model)


_MANY = [
    list[str],
    set[str],
    frozenset[str],
    tuple[str, ...],
    Sequence[str],
    collections.deque[str],
    list[str] | None,
    Annotated[list[str], Field(max_length=3)] | None,
]
_ONE = [
    str,
    str | None,
    int | None,
    bool,
    Literal["a", "b"] | None,
    Annotated[str, Field(max_length=3)] | None,
]


def _read_by_fastapi(model: type[BaseModel], query: str) -> Any:
    """The ``ids`` FastAPI reads for ``Annotated[model, Query()]`` from ``query``."""

    async def endpoint(given: BaseModel) -> Any:
        return given.model_dump(mode="json")

    endpoint.__annotations__["given"] = Annotated[model, Query()]  # the model itself, not a name to resolve
    app = FastAPI()
    app.get("/")(endpoint)
    with TestClient(app) as client:
        return client.get(f"/?{query}").json()["ids"]


@pytest.mark.parametrize("annotation", _MANY, ids=str)
def test_a_field_fastapi_reads_as_a_list_is_refused(annotation: Any) -> None:
    """Every field FastAPI reads with getlist (all of a repeated name) is one QueryModel refuses."""
    model = create_model("_Many", ids=(annotation, ...))
    assert sorted(_read_by_fastapi(model, "ids=a&ids=b")) == ["a", "b"]
    with pytest.raises(TypeError, match="single values only"):
        QueryModel(model)


@pytest.mark.parametrize("annotation", _ONE, ids=str)
def test_a_field_fastapi_reads_as_one_value_is_read(annotation: Any) -> None:
    """A single-value field: FastAPI takes the last of a repeated name, and so does QueryModel."""
    model = create_model("_One", ids=(annotation, ...))
    value = "b" if annotation is not bool and "int" not in str(annotation) else "1"
    assert _read_by_fastapi(model, f"ids=a&ids={value}") == _read_by_fastapi(model, f"ids={value}")
    QueryModel(model)


class _Colour(enum.Enum):
    RED = "red"


class _Coloured(BaseModel):
    colour: _Colour | None = None


def test_a_field_documented_by_reference_is_refused_and_parameters_are_the_models() -> None:
    """A named Enum's schema would be a $ref into a throwaway document; extra parameters would replace
    the model's; each route gets its own copy of the documentation."""
    with pytest.raises(TypeError, match="_Coloured"):
        QueryModel(_Coloured).openapi()
    with pytest.raises(ValueError, match="parameters"):
        _READ.openapi(parameters=[])
    first, second = _READ.openapi(), _READ.openapi()
    assert first == second
    assert first["parameters"] is not second["parameters"]


@pytest.fixture(scope="module")
def callers_app(settings: Settings, migrated: str) -> Iterator[TestClient]:
    """The app with four probes: each role check as a dependency and through ``caller_of``."""
    app = create_app(settings)

    def role(caller: Principal) -> dict[str, Any]:
        return {"role": caller.role, "expert_id": caller.expert_id, "unit_name": caller.unit_name}

    async def any_dependency(caller: AnyRole) -> dict[str, Any]:
        return role(caller)

    async def any_read(request: Request) -> dict[str, Any]:
        return role(await caller_of(request, EVERYONE))

    async def office_dependency(caller: FinanceOffice) -> dict[str, Any]:
        return role(caller)

    async def office_read(request: Request) -> dict[str, Any]:
        return role(await caller_of(request, OFFICE))

    probes: list[tuple[str, Callable[..., Any]]] = [
        ("any-dependency", any_dependency),
        ("any-read", any_read),
        ("office-dependency", office_dependency),
        ("office-read", office_read),
    ]
    for name, endpoint in probes:
        app.add_api_route(f"/probe/{name}", endpoint, tags=["probe"])
    with TestClient(app) as client:
        yield client


def _headers(tokens: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    token = tokens["office"]["Authorization"].removeprefix("Bearer ")
    return [
        {},
        {"Authorization": ""},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer "},
        {"Authorization": f"bearer {token}"},
        {"Authorization": f"BEARER  {token} "},
        {"Authorization": f"Basic {token}"},
        {"Authorization": "Bearer kp_unknown"},
        {"Authorization": "Bearer " + "k" * 300},
        *tokens.values(),
    ]


@pytest.mark.parametrize("roles", ["any", "office"])
def test_caller_of_answers_as_the_role_dependencies(
    callers_app: TestClient, tokens: dict[str, dict[str, str]], roles: str
) -> None:
    """No token, malformed ones, unknown ones, each party's: the same 200, 401 or 403, body and challenge."""
    for headers in _headers(tokens):
        _same(callers_app, f"/probe/{roles}-dependency", f"/probe/{roles}-read", headers=headers)


@pytest.mark.parametrize("query", ["limit=0&bogus=1", "after=%00&offset=5", "grade=x&grade=y"])
def test_the_list_asks_for_a_token_before_it_reads_the_query(
    client: TestClient, tokens: dict[str, dict[str, str]], query: str
) -> None:
    """No token, an unknown one, another scheme: 401 with the challenge, whatever the query's errors
    (as with the dependencies, which FastAPI solves before the query); a valid token then gets the 422."""
    for headers in [{}, {"Authorization": "Bearer kp_unknown"}, {"Authorization": "Basic eDp5"}]:
        response = client.get(f"{V1}/cases?{query}", headers=headers)
        assert response.status_code == 401, response.text
        assert response.headers["www-authenticate"] == "Bearer"
    assert client.get(f"{V1}/cases?{query}", headers=tokens["office"]).status_code == 422


def test_the_list_documents_what_the_dependencies_documented(client: TestClient) -> None:
    """The list's whole operation (parameters, security, responses, ids, texts) is what FastAPI writes
    for the same route declared with the query model and the token dependency it reads itself instead
    (both described in Chinese by api.http.openapi)."""
    router = make_router("cases", responses=PROTECTED)

    @router.get("/cases", response_model=CasePage, description=inspect.getdoc(cases_routes.list_cases))
    async def list_cases(query: Annotated[CaseQuery, Query()], caller: AnyRole) -> None:
        """Only declared."""

    reference = FastAPI(generate_unique_id_function=operation_id, separate_input_output_schemas=False)
    reference.include_router(router, prefix=V1)

    described = describe(reference.openapi(), load_rulebook().vocabulary)  # as the app's document is
    expected = described["paths"][f"{V1}/cases"]["get"]
    operation = client.get(f"{V1}/openapi.json").json()["paths"][f"{V1}/cases"]["get"]
    assert operation == expected
    assert operation["security"] == [{"token": []}]
