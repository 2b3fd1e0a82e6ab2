"""Facts of the assessment ASM-01..04 (rulebook §4) and of the follow-ups FLW-01..03, 05, 06 (§6)."""

from __future__ import annotations

from decimal import Decimal

from engine.calendar import WorkingDayCalendar
from engine.facts._common import NONE_H, Facts, derives, join, shown
from engine.missing import missing_phrases
from engine.models import Case, Scores
from engine.money import quantize
from rules import RuleSet
from rules.facts import hundredths
from rules.messages import message

NODES = ("plan", "draft")
PARTIES = ("expert_panel", "project_unit", "finance_office")
_NODE_PARTY = tuple(
    (n, p, f"{n}.{p}") for n in NODES for p in PARTIES
)  # ("plan", "expert_panel", "plan.expert_panel")
_PARTY_SCORE_PLACES = 3  # contract: party scores are exact, with exactly 3 decimals


def _node_scores(case: Case, scores: Scores | None, places: int) -> dict[str, Decimal | None]:
    """The three parties' scores at one node; the panel's is the members' mean once all have scored."""
    out: dict[str, Decimal | None] = dict.fromkeys(PARTIES)
    if scores is None:
        return out
    members = [m.id for m in case.panel.members] if case.panel else []
    given = scores.expert_panel or {}
    if members and all(m in given for m in members):
        out["expert_panel"] = quantize(sum((given[m] for m in members), Decimal(0)) / len(members), places)
    out["project_unit"] = scores.project_unit
    out["finance_office"] = scores.finance_office
    return out


@derives(
    "complete", "conduct", "composite_h", "plan_div_known", "plan_div_h", "draft_div_known", "draft_div_h"
)
def assessment(case: Case, rs: RuleSet, f: Facts, _calendar: WorkingDayCalendar) -> None:
    """Node scores, party scores, the composite and the unit-panel divergence, exactly, with Decimal."""
    places = rs.param("assessment.panel_mean_places")
    nodes = {
        "plan": _node_scores(case, case.plan.scores if case.plan else None, places),
        "draft": _node_scores(case, case.draft.scores if case.draft else None, places),
    }
    node_facts: dict[str, str | None] = {}
    given: dict[tuple[str, str], Decimal] = {}
    for n, p, key in _NODE_PARTY:
        value = nodes[n][p]
        if value is None:
            node_facts[key] = None
            f.missing.append(key)
        else:
            node_facts[key] = str(value)
            given[n, p] = value
    complete = not f.missing
    node_weights = rs.param("assessment.node_weights")
    party_weights = rs.param("assessment.party_weights")
    if complete:
        f.party_scores = {p: sum((node_weights[n] * given[n, p] for n in NODES), Decimal(0)) for p in PARTIES}
        f.composite = quantize(
            sum((party_weights[p] * f.party_scores[p] for p in PARTIES), Decimal(0)),
            rs.param("assessment.composite_places"),
        )
    conduct = list(case.prohibited_conduct)
    f.engine["complete"] = complete
    f.engine["conduct"] = bool(conduct)
    f.engine["composite_h"] = hundredths(f.composite) if f.composite is not None else NONE_H
    parties = f.party_scores or {}
    composite = str(f.composite) if f.composite is not None else None
    f.trace["ASM-01"] = {
        "node_weights": dict(shown(rs)["node_weights"]),
        "node_scores": node_facts,
        "missing": _missing_words(case, f.missing),
        **{
            f"{p}_score": str(quantize(parties[p], _PARTY_SCORE_PLACES)) if p in parties else None
            for p in PARTIES
        },
    }
    f.trace["ASM-02"] = {"party_weights": dict(shown(rs)["party_weights"]), "composite": composite}
    f.trace["ASM-03"] = {"composite": composite}
    f.trace["ASM-04"] = {"prohibited_conduct": conduct}
    _follow_ups(nodes, rs, f, composite)


def _missing_words(case: Case, missing: list[str]) -> str:
    """The absent scores in words (who has not scored), for the trace's sentence; 无 when none."""
    if not missing:
        return join([])
    members = [(m.id, m.name) for m in case.panel.members] if case.panel else []
    scored = {
        name: list(node.scores.expert_panel or {}) if node and node.scores else []
        for name, node in (("plan", case.plan), ("draft", case.draft))
    }
    return message("join.clauses").join(missing_phrases(missing, members, scored))


def _follow_ups(
    nodes: dict[str, dict[str, Decimal | None]], rs: RuleSet, f: Facts, composite: str | None
) -> None:
    """FLW-06's divergence per node (known once both scores exist) and FLW-05's two composites."""
    divergent: dict[str, str] = {}
    for n in NODES:
        unit, mean = nodes[n]["project_unit"], nodes[n]["expert_panel"]
        f.engine[f"{n}_div_known"] = unit is not None and mean is not None
        f.engine[f"{n}_div_h"] = 0
        if unit is not None and mean is not None:
            f.engine[f"{n}_div_h"] = hundredths(unit - mean)
            divergent[n] = str(unit - mean)
    f.trace["FLW-06"] = {"unit_minus_panel": divergent, "threshold": shown(rs)["divergence_points"]}
    latest = f.engine["hist_c1_h"]
    f.trace["FLW-05"] = {
        "composite": composite,
        "previous_composite": str(Decimal(latest) / 100) if latest != NONE_H else "无",
        "threshold": shown(rs)["low_composite"],
    }
    for rule in ("FLW-01", "FLW-02", "FLW-03"):
        f.trace[rule] = {}
