"""One hierarchy of kaoping errors, rooted in :mod:`rules.errors`.

Every error a user can cause is a :class:`CaseError` carrying the contract's error list
(``[{"loc": [...], "msg": "...", "type": "..."}]``); everything else is a bug or a broken
rule data file and is raised loudly.
"""

from __future__ import annotations

from typing import Any

from rules.errors import KaopingError, RulebookError

__all__ = ["CaseError", "EngineError", "KaopingError", "RulebookError"]


class CaseError(KaopingError):
    """A case cannot be decided: bad input, out of scope, or a calendar gap (contract "Errors")."""

    def __init__(self, errors: list[dict[str, Any]], case_id: str | None = None) -> None:
        self.errors = errors
        self.case_id = case_id
        summary = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors)
        super().__init__(summary or "invalid case")

    def to_json(self) -> dict[str, Any]:
        """The CLI's error object: ``{"case_id": ..., "errors": [...]}``."""
        return {"case_id": self.case_id, "errors": self.errors}


class EngineError(KaopingError):
    """durable_rules failed or returned no state (docs/durable-rules.md adapter rule 7)."""
