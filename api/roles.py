"""The parties of the API and which may do what; a leaf module, so the CLI can list them cheaply."""

from __future__ import annotations

from typing import Final

ROLES: Final = ("finance_office", "expert", "project_unit", "auditor")
EVERYONE: Final = frozenset(ROLES)
READ_ALL: Final = frozenset({"finance_office", "auditor"})
OFFICE: Final = frozenset({"finance_office"})
SCORERS: Final = frozenset({"finance_office", "expert", "project_unit"})
