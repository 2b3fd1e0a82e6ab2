"""Who may be drawn: the registry's experts less those the panel rules exclude (EXP-03, EXP-04).

An expert outside the allowed pools (EXP-03) or with a tie to the agency or the project unit that the
look-back window still counts (EXP-04) is excluded, with each reason; the rest are the candidates,
split into domain experts and the others (EXP-02 counts the first).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from engine.facts.panel import recusal_ties
from engine.models import Member
from rules import RuleSet


@dataclass(frozen=True)
class Pool:
    """The candidates by kind (ids, sorted) and the excluded experts with their reasons."""

    domain: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    excluded: list[dict[str, Any]] = field(default_factory=list)


def candidates(
    records: list[dict[str, Any]], *, agency: str, project_unit: str, formed_on: date, rs: RuleSet
) -> Pool:
    """Split registry records (the panel member shape with an id) into candidates and the excluded."""
    pools = rs.param("panel.allowed_pools")
    orgs = (agency, project_unit)
    pool = Pool()
    for record in sorted(records, key=lambda r: str(r["id"])):
        member = Member.model_validate(record)
        reasons: list[dict[str, Any]] = []
        if member.pool not in pools:
            reasons.append({"rule": "EXP-03", "pool": member.pool})
        reasons.extend(
            {
                "rule": "EXP-04",
                "org": tie.org,
                "relation": tie.relation,
                "until": tie.until.isoformat() if tie.until else None,
            }
            for tie in recusal_ties(member, orgs, rs, formed_on)
        )
        if reasons:
            pool.excluded.append({"id": member.id, "name": member.name, "reasons": reasons})
        elif member.domain_expert:
            pool.domain.append(member.id)
        else:
            pool.other.append(member.id)
    return pool
