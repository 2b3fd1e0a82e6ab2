"""``POST /evaluate``: a case in, a decision out; nothing is stored."""

from __future__ import annotations

from fastapi import Response

from api import jsonio
from api.http.deps import AnyRole, JsonBody
from api.http.routes._common import PROTECTED, example_case
from api.http.routing import json_request_body, make_router
from engine import evaluate as decide
from engine.models import Decision

router = make_router("evaluate", responses=PROTECTED)


@router.post(
    "/evaluate",
    response_model=Decision,
    openapi_extra=json_request_body("Case", example=example_case()),
)
async def evaluate(data: JsonBody, _caller: AnyRole) -> Response:
    """Decide a case (the contract's Case) and return its Decision with the trace; stores nothing.

    The engine builds the decision in the contract's shape (tests check it against ``Decision``), so
    it is written out directly instead of being validated a second time on the way out.

    ``async`` on purpose: the decision is pure CPU (under 1 ms) behind the engine's process-wide lock,
    so a worker thread adds a hop and buys no parallelism; it runs inline on the event loop (scale out
    with ``kaoping serve --workers``).
    """
    return Response(content=jsonio.encode(decide(data)), media_type="application/json")
