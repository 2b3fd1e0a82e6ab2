"""The registries read once, to resolve many stored cases (the register, a replay) without a query each.

:class:`RegistrySnapshot` loads every agency, every expert and every live case's latest complete
decision in three queries and resolves a stored case exactly as :func:`api.store.registry.resolve_case`
does (the same :func:`~api.store.registry.resolve_body`, with the same history rules), in memory.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlmodel import Session, select

from api.store import registry
from api.store.tables import AgencyRow, ExpertRow


class RegistrySnapshot:
    """Agencies, experts and derived agency histories as they stand when it is built."""

    def __init__(self, session: Session) -> None:
        self.agencies: dict[str, AgencyRow] = {
            row.credit_code: row for row in session.exec(select(AgencyRow))
        }
        self.experts: dict[str, dict[str, Any]] = {
            row.expert_id: row.record for row in session.exec(select(ExpertRow))
        }
        rows_by_agency: dict[str, list[Any]] = defaultdict(list)
        for row in session.execute(registry.derived_history_statement()):
            rows_by_agency[row[4]].append(row)
        self._derived = {code: registry.derived_entries(rows) for code, rows in rows_by_agency.items()}

    def agency_name(self, code: str) -> str | None:
        """A registered agency's name."""
        row = self.agencies.get(code)
        return row.name if row is not None else None

    def resolve(self, body: dict[str, Any], exclude_case: str | None) -> dict[str, Any]:
        """The contract case a stored case stands for, as evaluation resolves it (registry wins)."""

        def agency(code: str) -> dict[str, Any] | None:
            row = self.agencies.get(code)
            if row is None:
                return None
            entries = registry.history(row.record, self._derived.get(code, {}), exclude_case)
            return registry.resolved_agency(row.record, entries)

        return registry.resolve_body(body, agency=agency, expert=self.experts.get, registry_wins=True)
