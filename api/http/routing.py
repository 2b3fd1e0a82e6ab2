"""Routes that check the caller first and read JSON exactly (exact decimals, a depth limit).

A route's caller is checked before FastAPI reads its body: :class:`KaopingRoute` runs the route's role
dependency's ``before_body`` (:class:`api.http.deps.RoleCheck`) first. A client that goes away while its
body is being read is one line at info level (``kaoping.api``), never an error with a traceback.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.routing import APIRoute
from starlette.requests import ClientDisconnect

from api import jsonio
from engine.errors import CaseError

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Coroutine, Iterator

    from fastapi.dependencies.models import Dependant

_log = logging.getLogger("kaoping.api")
CLIENT_CLOSED = 499
"""The status logged for a request whose client went away (no response reaches it)."""

MAX_DEPTH = jsonio.MAX_DEPTH
_CONTAINERS = (dict, list)


def depth(value: Any) -> int:
    """How deeply objects and arrays nest in a parsed JSON value (``MAX_DEPTH + 1`` for anything deeper).

    Level by level, keeping only the containers of each level in one comprehension: iterative (never a
    RecursionError), and cheap enough to run on every request body.
    """
    level = 0
    current = [value] if isinstance(value, _CONTAINERS) else []
    while current and level <= MAX_DEPTH:
        level += 1
        current = [
            child
            for item in current
            for child in (item.values() if isinstance(item, dict) else item)
            if isinstance(child, _CONTAINERS)
        ]
    return level


def parse_json(raw: bytes) -> Any:
    """Parse a request body with exact decimals.

    Raises:
        JsonError: bad JSON, a repeated key, or nesting deeper than ``MAX_DEPTH``.
    """
    data = jsonio.loads(raw)
    if depth(data) > MAX_DEPTH:
        raise jsonio.JsonError(f"nested deeper than {MAX_DEPTH} levels", "depth", limit=MAX_DEPTH)
    return data


class BodyJsonError(json.JSONDecodeError):
    """Bad JSON in a body FastAPI validates: it answers 422, and the handler words ``cause``'s errors."""

    def __init__(self, cause: jsonio.JsonError, doc: str) -> None:
        super().__init__(str(cause), doc, 0)
        self.cause = cause


class JsonRequest(Request):
    """A request whose JSON keeps decimals exact (``88.5`` is ``Decimal("88.5")``) and refuses NaN."""

    async def json(self) -> Any:
        """The parsed body; bad JSON is a :class:`BodyJsonError` (FastAPI answers 422)."""
        if not hasattr(self, "_json"):
            raw = await self.body()
            try:
                self._json = parse_json(raw)
            except jsonio.JsonError as exc:
                raise BodyJsonError(exc, raw.decode("utf-8", "replace")) from None
        return self._json


def _dependencies(dependant: Dependant) -> Iterator[Dependant]:
    for child in dependant.dependencies:
        yield child
        yield from _dependencies(child)


def _before_body(dependant: Dependant) -> Callable[[Request], Awaitable[None]] | None:
    """The ``before_body`` check of the route's caller dependency, if it has one."""
    for child in _dependencies(dependant):
        check = getattr(child.call, "before_body", None)
        if check is not None:
            return check  # type: ignore[no-any-return]
    return None


def client_gone(request: Request) -> Response:
    """Log a client that went away mid-request (one line, info) and answer what nobody will read."""
    client = request.client
    who = f"{client.host}:{client.port}" if client else "a client"
    _log.info("%s went away during %s %s; request dropped", who, request.method, request.url.path)
    return Response(status_code=CLIENT_CLOSED)


class KaopingRoute(APIRoute):
    """Every route checks its caller before its body is read and parses JSON with :class:`JsonRequest`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap FastAPI's handler: the caller first, then FastAPI's work on a :class:`JsonRequest`."""
        handler = super().get_route_handler()
        found: list[Callable[[Request], Awaitable[None]] | None] = []

        async def route(request: Request) -> Response:
            if not found:
                found.append(_before_body(self.dependant))
            check = found[0]
            if check is not None:
                await check(request)
            try:
                return await handler(JsonRequest(request.scope, request.receive))
            except ClientDisconnect:
                return client_gone(request)
            except HTTPException as exc:  # FastAPI's "error parsing the body" when the client left
                if isinstance(exc.__cause__, ClientDisconnect):
                    return client_gone(request)
                raise

        return route


def make_router(tag: str, **kwargs: Any) -> APIRouter:
    """A router of one OpenAPI tag whose routes parse JSON exactly."""
    return APIRouter(tags=[tag], route_class=KaopingRoute, **kwargs)


async def json_body(request: Request) -> Any:
    """The body of a route that validates it itself (a case): any JSON value, or a 422 error list."""
    try:
        return parse_json(await request.body())
    except jsonio.JsonError as exc:
        raise CaseError(exc.errors()) from None


def json_request_body(
    schema: str, *, example: Any = None, media_type: str = "application/json"
) -> dict[str, Any]:
    """``openapi_extra`` documenting a body a route parses itself as ``#/components/schemas/<schema>``."""
    content: dict[str, Any] = {"schema": {"$ref": f"#/components/schemas/{schema}"}}
    if example is not None:
        content["example"] = example
    return {"requestBody": {"required": True, "content": {media_type: content}}}
