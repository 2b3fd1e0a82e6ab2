"""The difference between two decisions of a case: which results change, and by how much.

What-if (one case, changed) and replay (every stored case, under other rule data) both report it in one
shape, a list of changes in the decision's field order::

    {"field": "fee.payable", "before": "74400.00", "after": "78400.00", "by": "+4000.00",
     "added": null, "removed": null}
    {"field": "flags", "before": [], "after": ["FLW-04"], "by": null, "added": ["FLW-04"], "removed": []}

``by`` is the signed difference of a number (``null`` when either side has none, or for other fields);
``added`` and ``removed`` say what a list gained and lost (``null`` for other fields).
:func:`describe` words a change for people, with the vocabulary's labels.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rules.messages import Lang, message
from rules.rulebook import Rulebook

PARTIES = ("expert_panel", "project_unit", "finance_office")
NUMBERS = frozenset(
    {
        *(f"assessment.party_scores.{p}" for p in PARTIES),
        "assessment.composite",
        "fee.coefficient",
        "fee.late_working_days",
        "fee.deduction",
        "fee.payable",
    }
)
LISTS = frozenset(
    {
        "eligibility.failed",
        "panel.failed",
        "panel.conflicted_members",
        "plan_review.failed",
        "draft_review.failed",
        "assessment.missing",
        "flags",
    }
)
FIELDS: tuple[str, ...] = (
    "rule_version",
    "eligibility.status",
    "eligibility.failed",
    "panel.status",
    "panel.failed",
    "panel.conflicted_members",
    "plan_review.verdict",
    "plan_review.failed",
    "draft_review.verdict",
    "draft_review.failed",
    "assessment.status",
    "assessment.missing",
    *(f"assessment.party_scores.{p}" for p in PARTIES),
    "assessment.composite",
    "assessment.grade",
    "fee.status",
    "fee.coefficient",
    "fee.late_working_days",
    "fee.deduction",
    "fee.payable",
    "flags",
)
"""The compared fields, in the decision's order (the payable's words follow the payable)."""

# The code list of each coded field (its values are shown with their labels).
_CODED = {
    "eligibility.status": "eligibility_status",
    "panel.status": "panel_status",
    "plan_review.verdict": "verdict",
    "draft_review.verdict": "verdict",
    "assessment.status": "assessment_status",
    "assessment.grade": "grade",
    "fee.status": "fee_status",
    "flags": "follow_up",
}


def value_at(decision: dict[str, Any], field: str) -> Any:
    """The value of a dotted field of a decision (``None`` where a part is missing or null)."""
    value: Any = decision
    for part in field.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def signed(value: Decimal | int) -> str:
    """A difference with its sign: ``+4000.00``, ``-0.05``, ``+2``."""
    return f"+{value}" if value > 0 else str(value)


def _by(before: Any, after: Any) -> str | None:
    if before is None or after is None:
        return None
    if isinstance(before, int) and isinstance(after, int):
        return signed(after - before)
    return signed(Decimal(str(after)) - Decimal(str(before)))


def compare(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """The fields whose values differ, each with both values and the difference."""
    changes: list[dict[str, Any]] = []
    for field in FIELDS:
        old, new = value_at(before, field), value_at(after, field)
        if field in NUMBERS and old is not None and new is not None:
            if Decimal(str(old)) == Decimal(str(new)):
                continue
        elif old == new:
            continue
        change: dict[str, Any] = {"field": field, "before": old, "after": new, "by": None}
        change["added"] = change["removed"] = None
        if field in NUMBERS:
            change["by"] = _by(old, new)
        elif field in LISTS:
            change["added"] = [x for x in (new or []) if x not in (old or [])]
            change["removed"] = [x for x in (old or []) if x not in (new or [])]
        changes.append(change)
    return changes


def payable_of(decision: dict[str, Any] | None) -> Decimal:
    """The fee payable by a decision, ``0`` where none is (pending, or no decision at all)."""
    value = value_at(decision or {}, "fee.payable")
    return Decimal(value) if value is not None else Decimal("0.00")


# ---------------------------------------------------------------- wording


# The declared fact (rules/facts.yaml) whose label names each field that is neither coded nor a list of
# failed rules.
_FACT_OF = {
    "panel.conflicted_members": "conflicted_members",
    "assessment.missing": "missing",
    **{f"assessment.party_scores.{p}": f"{p}_score" for p in PARTIES},
    "assessment.composite": "composite",
    "fee.coefficient": "coefficient",
    "fee.late_working_days": "late_working_days",
    "fee.deduction": "deduction",
    "fee.payable": "payable",
}


def field_label(field: str, rulebook: Rulebook, lang: Lang = "zh") -> str:
    """A decision field's label, from the vocabulary (code lists) and the declared facts' labels.

    The facts are labelled in Chinese only; in English a fact's field is named by its path.
    """
    vocabulary = rulebook.vocabulary
    head = field.split(".", 1)[0]
    if field == "rule_version":
        return message("whatif.field.rule_version", lang)
    if field.endswith(".verdict"):
        node = vocabulary.label("node", head.removesuffix("_review"), lang)
        return message(
            "whatif.field.verdict", lang, node=node, verdict=vocabulary.list_label("verdict", lang)
        )
    if field in _CODED:
        return vocabulary.list_label(_CODED[field], lang)
    if field.endswith(".failed"):
        owner = (
            vocabulary.label("node", head.removesuffix("_review"), lang)
            if head.endswith("_review")
            else vocabulary.list_label(f"{head}_status", lang)
        )
        return message("whatif.field.failed", lang, what=owner)
    name = _FACT_OF[field]
    fact = rulebook.facts.shown.get(name) or rulebook.facts.decided.get(name)
    return fact.label if fact is not None and lang == "zh" else field


def value_text(field: str, value: Any, rulebook: Rulebook, lang: Lang = "zh") -> str:
    """A decision value as people read it: codes as labels, lists joined, nothing as a dash."""
    if value is None:
        return message("whatif.none", lang)
    vocabulary = rulebook.vocabulary
    code_list = _CODED.get(field)
    if isinstance(value, list):
        if not value:
            return message("word.none", lang)
        if code_list is not None:
            return message("join.items", lang).join(
                f"{v} {vocabulary.label(code_list, v, lang)}" for v in value
            )
        return message("join.items", lang).join(str(v) for v in value)
    if code_list is not None:
        return vocabulary.label(code_list, str(value), lang)
    return str(value)


def describe(change: dict[str, Any], rulebook: Rulebook, lang: Lang = "zh") -> str:
    """One change as a sentence, e.g. ``应付服务费：74400.00 → 78400.00（+4000.00）``."""
    field = change["field"]
    label = field_label(field, rulebook, lang)
    before = value_text(field, change["before"], rulebook, lang)
    after = value_text(field, change["after"], rulebook, lang)
    if change.get("by") is not None:
        return message("whatif.change_by", lang, field=label, before=before, after=after, by=change["by"])
    return message("whatif.change", lang, field=label, before=before, after=after)
