"""The expert draw: a panel of the rules' minimum size, uniform over every valid panel, verifiable.

:func:`draw_panel` takes the registry's experts as they stand (the snapshot), the case's agency and
project unit, the formation date, the rule version in force and a seed; the same inputs give the same
panel on any machine (:mod:`engine.draw.stream`). The result records everything needed to re-derive it
-- seed, snapshot and its hash, candidates, each excluded expert with its reasons, the counts -- and
:func:`verify` re-derives a recorded draw and names every part that differs. Algorithm:
:mod:`engine.draw.sample`; who may be drawn: :mod:`engine.draw.pool`.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from engine.draw import sample
from engine.draw.pool import Pool, candidates
from engine.draw.stream import SeedStream
from rules import RuleSet, load_rulebook
from rules.errors import KaopingError
from rules.messages import Lang, message

__all__ = ["ALGORITHM", "DrawShortError", "Pool", "draw_panel", "snapshot_hash", "verify"]

ALGORITHM = "count-then-choose/sha256-ctr/v1"
"""The name of the sampling algorithm and its random stream, recorded with every draw."""


class DrawShortError(KaopingError):
    """The registry cannot satisfy the panel rules: per rule, how many candidates are short."""

    def __init__(self, shortfalls: list[dict[str, Any]], pool: Pool) -> None:
        self.shortfalls = shortfalls
        self.pool = pool
        super().__init__(self.text("en"))

    def lines(self, lang: Lang = "zh") -> list[str]:
        """One sentence per rule that cannot be met, then the exclusions behind it."""
        out = [message(f"draw.short.{s['rule']}", lang, **s) for s in self.shortfalls]
        out += [excluded_text(e, lang) for e in self.pool.excluded]
        return out

    def text(self, lang: Lang = "zh") -> str:
        """The refusal as one text."""
        return message("join.clauses", lang).join(self.lines(lang))


def excluded_text(entry: dict[str, Any], lang: Lang = "zh") -> str:
    """Why one expert was not a candidate, e.g. ``E7 王五：不属于规定的专家库（库外专家）``."""
    vocabulary = load_rulebook().vocabulary
    reasons = []
    for reason in entry["reasons"]:
        values = dict(reason)
        if "pool" in values:
            values["pool"] = vocabulary.label("pool", values["pool"], lang)
        if "relation" in values:
            values["relation"] = vocabulary.label("relation", values["relation"], lang)
            values["until"] = values.get("until") or message("whatif.none", lang)
        reasons.append(message(f"draw.reason.{reason['rule']}", lang, **values))
    joined = message("join.clauses", lang).join(reasons)
    return message("draw.excluded", lang, id=entry["id"], name=entry["name"], reasons=joined)


def snapshot_hash(records: list[dict[str, Any]]) -> str:
    """SHA-256 of the registry snapshot: the records sorted by id, canonical JSON (sorted keys, UTF-8)."""
    ordered = sorted(records, key=lambda r: str(r["id"]))
    text = json.dumps(ordered, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def draw_panel(  # noqa: PLR0913 - the draw's inputs, each recorded
    records: list[dict[str, Any]],
    *,
    agency: str,
    project_unit: str,
    formed_on: date,
    rs: RuleSet,
    seed: bytes,
) -> dict[str, Any]:
    """Draw a panel; the record of the draw (JSON-ready), its ``panel`` the member ids, sorted.

    Raises:
        DrawShortError: no valid panel can be formed from these experts.
    """
    pool = candidates(records, agency=agency, project_unit=project_unit, formed_on=formed_on, rs=rs)
    size: int = rs.param("panel.min_members")
    share = rs.param("panel.min_domain_share")
    by_domain = sample.counts(len(pool.domain), len(pool.other), size, share)
    if sum(by_domain.values()) == 0:
        raise DrawShortError(sample.shortfalls(len(pool.domain), len(pool.other), size, share), pool)
    drawn = sample.draw(SeedStream(seed), pool.domain, pool.other, size, share)
    ordered = sorted(records, key=lambda r: str(r["id"]))
    return {
        "algorithm": ALGORITHM,
        "seed": seed.hex(),
        "rule_version": rs.version,
        "rule_hash": rs.content_hash,
        "formed_on": formed_on.isoformat(),
        "agency": agency,
        "project_unit": project_unit,
        "size": size,
        "registry_hash": snapshot_hash(ordered),
        "snapshot": ordered,
        "candidates": {"domain": pool.domain, "other": pool.other},
        "excluded": pool.excluded,
        "counts": {str(d): count for d, count in by_domain.items()},
        "total": sum(by_domain.values()),
        "drawn": drawn,
        "panel": sorted(drawn),
    }


_COMPARED = ("registry_hash", "candidates", "excluded", "counts", "total", "drawn", "panel")


def verify(record: dict[str, Any], rs: RuleSet) -> list[str]:
    """Re-derive a recorded draw from its seed and snapshot; the fields that differ (none: verified).

    ``rs`` is the recorded rule version as loaded now; whether its content changed since the draw
    (``rule_hash``) is for the caller to say: the draw reads only the panel parameters.
    """
    differences = []
    if snapshot_hash(record["snapshot"]) != record["registry_hash"]:
        differences.append("snapshot")
    try:
        again = draw_panel(
            record["snapshot"],
            agency=record["agency"],
            project_unit=record["project_unit"],
            formed_on=date.fromisoformat(record["formed_on"]),
            rs=rs,
            seed=bytes.fromhex(record["seed"]),
        )
    except DrawShortError:
        return [*differences, "panel"]
    differences += [name for name in _COMPARED if again[name] != record.get(name)]
    return differences
