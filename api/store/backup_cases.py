"""What ``kaoping db import`` does to an export's cases: each stored case in today's normal form.

An export from a kaoping before closed code lists may hold a case written with a label where a code now
stands (``"kind": "会计师事务所"``), or a full-width number. Each case body is put in normal form as every
write puts it (:func:`engine.normalise.normalise_case`: only where the meaning is certain). A case that
still is not a valid case (a free-text code that no list knows) is imported as it was and named in the
import's report, to be corrected with ``PATCH``; until then evaluating it is a 422 naming the field and
its allowed codes. Decisions and audit entries are never changed: their hashes and the chain cover them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from api.store.cases import validate_stored
from engine.errors import CaseError
from engine.normalise import normalise_case

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass
class CaseReport:
    """The cases an import rewrote in normal form, and those that are still not valid (with why)."""

    normalised: list[str] = field(default_factory=list)
    unsettled: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _bodies: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)

    def normal(self, row: dict[str, Any]) -> dict[str, Any]:
        """A ``cases`` row with its body in normal form (kept to be checked once the rows are in)."""
        body = row.get("body")
        if isinstance(body, dict):
            normal = normalise_case(body)
            if normal != body:
                self.normalised.append(str(row["case_id"]))
                row["body"] = normal
            self._bodies[str(row["case_id"])] = normal
        return row

    def check(self, session: Session) -> None:
        """Validate every imported case against the registries just imported; note those that fail."""
        for case_id, body in self._bodies.items():
            try:
                validate_stored(session, body)
            except CaseError as exc:
                self.unsettled[case_id] = exc.errors

    def detail(self) -> dict[str, Any]:
        """What the import's audit entry records of it."""
        return {"normalised": self.normalised, "unsettled": sorted(self.unsettled)}
