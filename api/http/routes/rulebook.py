"""``GET /rules``: the rule versions with their rules, texts and citations."""

from functools import cache
from typing import Any

from api.errors import NotFoundError
from api.http.deps import AnyRole
from api.http.routes._common import NOT_FOUND, PROTECTED
from api.http.routing import make_router
from api.http.schemas import RuleVersionOut
from api.rulebook import rules_as_json
from engine import start
from rules import Rulebook

router = make_router("rules", responses=PROTECTED)


@cache
def _rules(rulebook: Rulebook) -> dict[str, dict[str, Any]]:
    return {v["version"]: v for v in rules_as_json(rulebook)}


def _versions() -> dict[str, dict[str, Any]]:
    return _rules(start().rulebook)


@router.get("/rules", response_model=list[RuleVersionOut])
def list_rules(_caller: AnyRole) -> list[dict[str, Any]]:
    """Every rule version, oldest first, with its rules."""
    return list(_versions().values())


@router.get("/rules/{version}", response_model=RuleVersionOut, responses=NOT_FOUND)
def get_rules(version: str, _caller: AnyRole) -> dict[str, Any]:
    """One rule version (its id is its effective date, e.g. 2024-01-01)."""
    try:
        return _versions()[version]
    except KeyError:
        raise NotFoundError("api.no_version", version=version, known=", ".join(_versions())) from None
