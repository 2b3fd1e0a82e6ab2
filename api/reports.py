"""The office tools' results as sentences for people, the same on the command line and over HTTP.

What-if, replay and the expert draw return plain data (:mod:`engine.whatif`, :mod:`engine.replay`,
:mod:`engine.draw`); these functions word them with ``rules/messages.yaml`` and the vocabulary's labels.
"""

from __future__ import annotations

from typing import Any

from engine.compare import describe
from engine.draw import excluded_text
from rules import load_rulebook
from rules.messages import Lang, message


def _who(rise: dict[str, Any], lang: Lang) -> str:
    vocabulary = load_rulebook().vocabulary
    if rise["member"] is not None:
        return message("whatif.next.member", lang, member=rise["member"])
    return vocabulary.label("party", rise["party"], lang)


def changes_lines(changes: list[dict[str, Any]], lang: Lang = "zh") -> list[str]:
    """One sentence per changed field, or one saying nothing changes."""
    rulebook = load_rulebook()
    return [describe(c, rulebook, lang) for c in changes] or [message("whatif.no_change", lang)]


def next_grade_lines(result: dict[str, Any], lang: Lang = "zh") -> list[str]:
    """The next grade and the least score of each single party-node (and member) that reaches it."""
    status = result["status"]
    if status != "computed":
        return [message(f"whatif.next.{status}", lang, grade=result["grade"])]
    vocabulary = load_rulebook().vocabulary
    lines = [
        message(
            "whatif.next.heading",
            lang,
            **{k: result[k] for k in ("grade", "next_grade", "threshold", "coefficient")},
        )
    ]
    for rise in result["rises"]:
        node = vocabulary.label("node", rise["node"], lang)
        if rise["reachable"]:
            lines.append(
                message(
                    "whatif.next.rise",
                    lang,
                    who=_who(rise, lang),
                    node=node,
                    score=rise["score"],
                    needed=rise["needed"],
                    rise=rise["rise"],
                    payable=rise["payable"] or message("whatif.none", lang),
                )
            )
        else:
            lines.append(
                message("whatif.next.unreachable", lang, who=_who(rise, lang), node=node, score=rise["score"])
            )
    return lines


def whatif_lines(result: dict[str, Any], lang: Lang = "zh") -> list[str]:
    """A what-if result: the changes, then the next grade."""
    return [
        message("whatif.heading_changes", lang),
        *changes_lines(result["changes"], lang),
        *next_grade_lines(result["next_grade"], lang),
    ]


def replay_lines(report: dict[str, Any], lang: Lang = "zh") -> list[str]:
    """A replay report: the totals, then each case that changes."""
    totals = report["totals"]
    lines = [message("replay.totals", lang, **totals)]
    for part, count in totals["by_part"].items():
        if count:
            lines.append(message("replay.part", lang, part=message(f"replay.part.{part}", lang), count=count))
    for move, count in totals["grades"].items():
        lines.append(message("replay.grade_move", lang, move=move, count=count))
    lines.append(message("replay.money", lang, **totals))
    for case in report["cases"]:
        if case["error_before"] is not None or case["error_after"] is not None:
            lines.append(
                message(
                    "replay.case_error",
                    lang,
                    case_id=case["case_id"],
                    before=_errors(case["error_before"], lang),
                    after=_errors(case["error_after"], lang),
                )
            )
            continue
        lines.append(message("replay.case", lang, case_id=case["case_id"], payable_by=case["payable_by"]))
        lines += [f"  {line}" for line in changes_lines(case["changes"], lang)]
    return lines


def _errors(errors: list[dict[str, Any]] | None, lang: Lang) -> str:
    if errors is None:
        return message("replay.decided", lang)
    return message("join.items", lang).join(
        f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors
    )


def draw_lines(record: dict[str, Any], lang: Lang = "zh") -> list[str]:
    """A draw: the panel, how many valid panels there were, the candidates and the excluded."""
    candidates = record["candidates"]
    lines = [
        message(
            "draw.drawn",
            lang,
            panel=message("join.items", lang).join(record["panel"]),
            total=record["total"],
            size=record["size"],
        ),
        message(
            "draw.candidates",
            lang,
            domain=len(candidates["domain"]),
            other=len(candidates["other"]),
            excluded=len(record["excluded"]),
        ),
        message(
            "draw.seed",
            lang,
            seed=record["seed"],
            registry_hash=record["registry_hash"],
            algorithm=record["algorithm"],
        ),
    ]
    return lines + [excluded_text(entry, lang) for entry in record["excluded"]]


def verify_lines(result: dict[str, Any], lang: Lang = "zh") -> list[str]:
    """A draw's verification: verified, or what differs."""
    if result["verified"]:
        lines = [
            message(
                "draw.verified",
                lang,
                case_id=result["case_id"],
                panel=message("join.items", lang).join(result["panel"] or []),
                seed=result["seed"],
            )
        ]
    else:
        differences = message("join.items", lang).join(
            message(f"draw.difference.{d}", lang) for d in result["differences"]
        )
        lines = [message("draw.not_verified", lang, case_id=result["case_id"], differences=differences)]
    if result["rules_changed"]:
        lines.append(message("draw.rules_changed", lang))
    return lines
