"""A query-string model a route reads itself, as FastAPI reads ``Annotated[Model, Query()]``.

Why: FastAPI resolves a query model field by field on every request (each field's annotation walked
again); for ``GET /cases`` that and the dependency solver are a large share of a request's CPU
(docs/performance.md). A route that takes the ``Request`` and calls :meth:`QueryModel.read` gets the same
model, or the same 422, for less.

The same, and tested so (``tests/api/test_query.py`` compares both ways on many query strings):

* values: for the model's fields the last of a repeated name (FastAPI's ``QueryParams.get`` for a
  single-value field); every other name too, with all its values when repeated, so that an unknown
  one meets the model's ``extra`` policy (``extra_forbidden``) with the same input;
* errors: pydantic's, each ``loc`` under ``"query"``, raised as FastAPI's ``RequestValidationError``
  (the app's handler writes the contract's 422);
* documentation: the OpenAPI ``parameters`` are FastAPI's own for ``Annotated[Model, Query()]``, asked
  of FastAPI once when the route is declared.

What differs: the dict given to the model is in the query string's order (FastAPI: fields first, then
the other names), which only a model validator reading the raw dict could see; the error carries no
endpoint context for its ``str()`` and FastAPI's telemetry does not record it (neither is used here).

Only models whose fields are single values under their own names, documented inline: a list field
would need ``getlist`` (refused by FastAPI's own test for one), an alias FastAPI's alias rules, an
Enum or model field a ``$ref`` into the app's components.
"""

import collections
import copy
import functools
import types
from collections.abc import Sequence
from typing import Annotated, Any, Generic, TypeVar, Union, get_args, get_origin

from fastapi import Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError

from api import jsonio

M = TypeVar("M", bound=BaseModel)

_SEQUENCES = (Sequence, list, tuple, set, frozenset, collections.deque)
"""What FastAPI reads from a query string as a list of values (``getlist``): these and their subclasses."""


def is_sequence(annotation: Any) -> bool:
    """Whether FastAPI reads a field of this annotation as a list of values rather than one.

    ``Annotated[X, ...]`` is ``X``; a union is a list when any member is; otherwise the annotation or
    its generic origin (``list[str]`` -> ``list``) is one of :data:`_SEQUENCES` or their subclass, text
    (``str``, ``bytes``) excepted.
    """
    origin = get_origin(annotation)
    if origin is Annotated:
        return is_sequence(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return any(is_sequence(member) for member in get_args(annotation))
    return _is_sequence_class(annotation) or _is_sequence_class(origin)


def _is_sequence_class(candidate: Any) -> bool:
    return (
        isinstance(candidate, type)
        and not issubclass(candidate, (str, bytes))
        and issubclass(candidate, _SEQUENCES)
    )


class QueryModel(Generic[M]):
    """``model`` read from the query string by the route itself (see the module's docstring)."""

    __slots__ = ("model", "names")

    def __init__(self, model: type[M]) -> None:
        for name, field in model.model_fields.items():
            if is_sequence(field.annotation):
                raise TypeError(f"{model.__name__}.{name}: a query model read here has single values only")
            if field.alias or field.validation_alias:
                raise TypeError(f"{model.__name__}.{name}: a query model read here has no aliases")
        self.model = model
        self.names = frozenset(model.model_fields)

    def read(self, request: Request) -> M:
        """The model of the request's query string; a ``RequestValidationError`` as FastAPI raises it."""
        params = request.query_params
        values: dict[str, Any] = dict(params)  # the last value of a repeated name
        for name in values.keys() - self.names:
            given = params.getlist(name)
            if len(given) > 1:
                values[name] = given
        try:
            return self.model.model_validate(values)
        except ValidationError as exc:
            errors = [{**error, "loc": ("query", *error["loc"])} for error in exc.errors(include_url=False)]
            raise RequestValidationError(errors) from None

    def openapi(self, **extra: Any) -> dict[str, Any]:
        """``openapi_extra`` for the route: FastAPI's ``parameters`` for the model, and ``extra`` (copies)."""
        if "parameters" in extra:
            raise ValueError("the parameters are the query model's")
        return copy.deepcopy({"parameters": _parameters(self.model), **extra})


@functools.cache
def _parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """The OpenAPI ``parameters`` FastAPI writes for ``Annotated[model, Query()]``."""

    async def endpoint(query: Annotated[model, Query()]) -> None:  # type: ignore[valid-type]
        """Only declared, never called."""

    document = get_openapi(
        title="", version="", routes=[APIRoute("/", endpoint)], separate_input_output_schemas=False
    )
    parameters: list[dict[str, Any]] = document["paths"]["/"]["get"]["parameters"]
    if b'"$ref"' in jsonio.encode(parameters):  # it would point into this throwaway document's components
        raise TypeError(f"{model.__name__}: a query model read here documents its fields inline (no $ref)")
    return parameters
