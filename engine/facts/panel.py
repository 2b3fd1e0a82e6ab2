"""Facts of the expert-panel checks EXP-01..04 (rulebook §2), as of the panel's formation date."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from engine.calendar import WorkingDayCalendar
from engine.facts._common import Facts, derives, join, shown, years_before
from engine.models import Case, Member, Tie
from rules import RuleSet


def tie_cutoff(rs: RuleSet, formed_on: date) -> date:
    """The day a tie must have lasted beyond to still count (EXP-04's look-back from the formation date)."""
    return years_before(formed_on, rs.param("panel.recusal")["lookback_years"])


def recusal_ties(member: Member, orgs: Collection[str], rs: RuleSet, formed_on: date) -> list[Tie]:
    """A member's ties that require recusal (EXP-04).

    Those to one of ``orgs``, of a listed relation, ongoing or ended after the look-back cutoff.
    """
    if not member.ties:
        return []
    relations = rs.param("panel.recusal")["relations"]
    cutoff = tie_cutoff(rs, formed_on)
    return [
        t
        for t in member.ties
        if t.org in orgs and t.relation in relations and (t.until is None or t.until > cutoff)
    ]


_COUNTS = ("member_count", "exp02_domain_scaled", "exp02_members_scaled", "exp03_outside", "exp04_conflicted")


@derives("panel_formed", *_COUNTS)
def panel(case: Case, rs: RuleSet, f: Facts, _calendar: WorkingDayCalendar) -> None:
    """Size, domain share, pools and recusal; every count 0 while no panel is formed."""
    formed = case.panel
    f.engine["panel_formed"] = formed is not None
    if formed is None:
        not_formed = rs.label("panel_status", "not_formed")
        for rule in ("EXP-01", "EXP-02", "EXP-03", "EXP-04"):
            f.trace[rule] = {"panel": not_formed}
        for key in _COUNTS:
            f.engine[key] = 0
        return
    members = formed.members
    count = len(members)
    domain = sum(1 for m in members if m.domain_expert)
    # EXP-02 compares domain x denominator with members x numerator of the share: exact, in integers.
    numerator, denominator = rs.param("panel.min_domain_share").as_integer_ratio()
    f.engine["member_count"] = count
    f.engine["exp02_domain_scaled"] = domain * denominator
    f.engine["exp02_members_scaled"] = count * numerator
    f.trace["EXP-01"] = {"member_count": count, "min_members": rs.param("panel.min_members")}
    f.trace["EXP-02"] = {
        "member_count": count,
        "domain_count": domain,
        "min_domain_share": shown(rs)["min_domain_share"],
    }
    pools = rs.param("panel.allowed_pools")
    outside = [f"{m.id} {m.name}（{rs.label('pool', m.pool)}）" for m in members if m.pool not in pools]
    f.engine["exp03_outside"] = len(outside)
    f.trace["EXP-03"] = {"outside_pool": join(outside), "allowed_pools": shown(rs)["allowed_pools"]}
    cutoff = tie_cutoff(rs, formed.formed_on)
    orgs = (case.agency.name, case.commission.project_unit)
    conflicted, described = [], []
    for m in members:
        ties = recusal_ties(m, orgs, rs, formed.formed_on)
        if ties:
            conflicted.append(m.id)
            links = "；".join(f"{t.org}{rs.label('relation', t.relation)}，至{t.until or '今'}" for t in ties)
            described.append(f"{m.id} {m.name}（{links}）")
    f.conflicted_members = sorted(conflicted)
    f.engine["exp04_conflicted"] = len(conflicted)
    f.trace["EXP-04"] = {
        "formed_on": formed.formed_on.isoformat(),
        "tie_cutoff": cutoff.isoformat(),
        "conflicted_members": f.conflicted_members,
        "conflicts": join(described),
    }
