"""HTTP plumbing: exact-decimal JSON bodies, the body-size limit and the contract's error list."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.routing import APIRoute

from api import jsonio
from api.jsondoc import MAX_DEPTH, depth
from engine.errors import CaseError
from engine.validate import contract_error

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine, Sequence

    from starlette.types import ASGIApp, Message, Receive, Scope, Send


def parse_json(raw: bytes) -> Any:
    """Parse a request body with exact decimals; ``ValueError`` for bad JSON or too deep nesting."""
    try:
        data = jsonio.loads(raw)
    except RecursionError:
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels") from None
    if depth(data) > MAX_DEPTH:
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
    return data


class JsonRequest(Request):
    """A request whose JSON keeps decimals exact (``88.5`` is ``Decimal("88.5")``) and refuses NaN."""

    async def json(self) -> Any:
        """The parsed body; bad JSON is a :class:`json.JSONDecodeError` (FastAPI answers 422)."""
        if not hasattr(self, "_json"):
            raw = await self.body()
            try:
                self._json = parse_json(raw)
            except ValueError as exc:
                raise json.JSONDecodeError(str(exc), raw.decode("utf-8", "replace"), 0) from None
        return self._json


class KaopingRoute(APIRoute):
    """Every route parses JSON bodies with :class:`JsonRequest`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap FastAPI's handler so it sees a :class:`JsonRequest`."""
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            return await handler(JsonRequest(request.scope, request.receive))

        return route


def make_router(tag: str, **kwargs: Any) -> APIRouter:
    """A router of one OpenAPI tag whose routes parse JSON exactly."""
    return APIRouter(tags=[tag], route_class=KaopingRoute, **kwargs)


async def json_body(request: Request) -> Any:
    """The body of a route that validates it itself (a case): any JSON value, or a 422 error list."""
    try:
        return parse_json(await request.body())
    except ValueError as exc:
        raise CaseError(
            [{"loc": [], "msg": f"the body is not valid JSON: {exc}", "type": "json_invalid"}]
        ) from None


class BodyLimitMiddleware:
    """Answer 413 for a body over ``max_bytes`` (by ``Content-Length`` at once, else while reading)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the declared length, then count what arrives."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await _too_large(self.max_bytes, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(413, detail=_too_large_text(self.max_bytes))
            return message

        await self.app(scope, limited, send)


def _too_large_text(max_bytes: int) -> str:
    return f"the request body is larger than {max_bytes} bytes"


async def _too_large(max_bytes: int, send: Send) -> None:
    body = json.dumps({"detail": _too_large_text(max_bytes)}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def contract_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """FastAPI/pydantic errors as the contract's list: ``loc`` without ``body``, no input echoed."""
    out: list[dict[str, Any]] = []
    for err in errors:
        entry = contract_error(err, prefix=("body",))
        if entry["type"] == "json_invalid":
            entry["loc"] = []
            entry["msg"] = f"the body is not valid JSON: {(err.get('ctx') or {}).get('error', entry['msg'])}"
        out.append(entry)
    return out


def json_request_body(
    schema: str, *, example: Any = None, media_type: str = "application/json"
) -> dict[str, Any]:
    """``openapi_extra`` documenting a body a route parses itself as ``#/components/schemas/<schema>``."""
    content: dict[str, Any] = {"schema": {"$ref": f"#/components/schemas/{schema}"}}
    if example is not None:
        content["example"] = example
    return {"requestBody": {"required": True, "content": {media_type: content}}}
