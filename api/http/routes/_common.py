"""What several routers share: documented error responses and the example case."""

from functools import cache
from pathlib import Path
from typing import Any

from api import jsonio
from api.http.schemas import ErrorResponse, Message

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

PROTECTED: dict[int | str, dict[str, Any]] = {
    401: {"model": Message, "description": "no bearer token, or an unknown one"},
    403: {"model": Message, "description": "the token's role (or party) may not do this"},
    422: {"model": ErrorResponse, "description": "bad input: one entry per bad field"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Message, "description": "no such thing"}}
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": Message, "description": "stale If-Match, duplicate id, archived case"}
}


@cache
def example_case() -> dict[str, Any]:
    """The rulebook's worked example (QB-2024-007), shipped with the package."""
    data: dict[str, Any] = jsonio.loads((EXAMPLES / "QB-2024-007.case.json").read_bytes())
    return data
