"""``POST /evaluate``: a case in, a decision out; nothing is stored."""

from typing import Any

from api._http import json_request_body, make_router
from api.deps import AnyRole, JsonBody
from api.routes._common import PROTECTED, example_case
from engine import evaluate as decide
from engine.models import Decision

router = make_router("evaluate", responses=PROTECTED)


@router.post(
    "/evaluate",
    response_model=Decision,
    openapi_extra=json_request_body("Case", example=example_case()),
)
def evaluate(data: JsonBody, _caller: AnyRole) -> dict[str, Any]:
    """Decide a case (the contract's Case) and return its Decision with the trace; stores nothing."""
    return decide(data)
