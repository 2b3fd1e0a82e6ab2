"""The case form: every field of the contract's case, in its order, with the vocabulary's labels.

Scores are not on it (the score matrix of the case page writes them); an edit keeps the stored ones.
An agency given by its credit code alone, or a panel member by its id alone, stands for the registry's
record (as in the API).
"""

from __future__ import annotations

from typing import Any

from api.web.forms.spec import Input, Repeat, Section, Values, build, flatten

TOP = (Input("case_id", width="w-20"),)

SECTIONS: tuple[Section, ...] = (
    Section(
        "commission",
        (
            Input("commissioning_party", width="w-30"),
            Input("project_name", width="w-full"),
            Input("project_unit", width="w-30"),
            Input("evaluation_kind", "select", codes="evaluation_kind"),
            Input("commissioned_on", "date", width="w-10"),
            Input("contract_fee", "money", width="w-10"),
            Input("procurement.channel", "select", codes="channel"),
            Input("procurement.order_no", optional=True, width="w-20"),
            Input("contract_clauses", "multi", codes="contract_clause"),
        ),
    ),
    Section(
        "agency",
        (
            Input("name", width="w-30"),
            Input("credit_code", width="w-20"),
            Input("kind", "select", codes="agency_kind"),
            Repeat(
                "designated_list",
                (
                    Input("batch", width="w-10"),
                    Input("valid_from", "date", width="w-10"),
                    Input("valid_to", "date", width="w-10"),
                ),
            ),
            Input("marketplace_status", "select", codes="marketplace_status"),
            Input("affiliations", "lines", width="w-30"),
            Repeat(
                "violations",
                (
                    Input("kind", "select", codes="violation_kind"),
                    Input("date", "date", width="w-10"),
                    Input("note", optional=True, width="w-20"),
                ),
            ),
            Repeat(
                "history",
                (
                    Input("decided_on", "date", width="w-10"),
                    Input("composite", "number", width="w-6"),
                    Input("grade", "select", codes="grade"),
                ),
            ),
        ),
    ),
    Section(
        "panel",
        (
            Input("formed_on", "date", width="w-10"),
            Repeat(
                "members",
                (
                    Input("id", width="w-10"),
                    Input("name", width="w-10"),
                    Input("pool", "select", codes="pool"),
                    Input("domain_expert", "bool"),
                    Repeat(
                        "ties",
                        (
                            Input("org", width="w-20"),
                            Input("relation", "select", codes="relation"),
                            Input("until", "date", optional=True, width="w-10"),
                        ),
                    ),
                ),
            ),
        ),
        optional=True,
    ),
    Section(
        "plan",
        (
            Input("deadline", "date", width="w-10"),
            Input("submitted_on", "date", width="w-10"),
            Input("sections", "multi", codes="plan_section"),
            Repeat(
                "indicators",
                (
                    Input("name", width="w-10"),
                    Input("level1", width="w-6"),
                    Input("weight", "number", width="w-4"),
                    Input("standard", width="w-10"),
                    Input("method", width="w-10"),
                    Input("evidence_ref", optional=True, width="w-6"),
                ),
            ),
        ),
        optional=True,
    ),
    Section(
        "draft",
        (
            Input("deadline", "date", width="w-10"),
            Input("submitted_on", "date", width="w-10"),
            Input("rework_round", "int", width="w-4"),
            Input("sections", "multi", codes="report_section"),
            Repeat(
                "indicator_scores",
                (
                    Input("name", width="w-10"),
                    Input("weight", "number", width="w-4"),
                    Input("score", "number", width="w-4"),
                ),
            ),
            Input("reported_total", "number", width="w-6"),
            Input("reported_grade", "select", codes="grade"),
            Input("opinions_exchanged", "bool"),
            Input("signed_and_sealed", "bool"),
        ),
        optional=True,
    ),
)
CONDUCT = Section("prohibited_conduct", ())
"""The last field, a multiple choice of its own."""


def values_of(body: dict[str, Any]) -> Values:
    """The form's values of a stored case."""
    values = flatten(SECTIONS, body, TOP)
    values.fields["prohibited_conduct"] = [str(c) for c in body.get("prohibited_conduct") or []]
    return values


def body_of(values: Values, keep_scores_of: dict[str, Any] | None = None) -> dict[str, Any]:
    """The case body of posted values; ``keep_scores_of`` (the stored case) gives the nodes' scores."""
    body = build(SECTIONS, values, TOP)
    body["prohibited_conduct"] = values.chosen("prohibited_conduct")
    for node in ("plan", "draft"):
        stored = (keep_scores_of or {}).get(node)
        if isinstance(body.get(node), dict) and isinstance(stored, dict) and stored.get("scores"):
            body[node]["scores"] = stored["scores"]
    return _references(body)


def _references(body: dict[str, Any]) -> dict[str, Any]:
    """An agency of a credit code alone, a member of an id alone: references to the registry."""
    agency = body.get("agency")
    lists = ("affiliations", "designated_list", "violations", "history")
    if (
        isinstance(agency, dict)
        and set(agency) - set(lists) == {"credit_code"}
        and not any(agency.get(k) for k in lists)
    ):
        body["agency"] = {"credit_code": agency["credit_code"]}
    panel = body.get("panel")
    if isinstance(panel, dict):
        for index, member in enumerate(panel.get("members") or []):
            if (
                set(member) - {"domain_expert", "ties"} == {"id"}
                and not member.get("domain_expert")
                and not member.get("ties")
            ):
                panel["members"][index] = {"id": member["id"]}
    return body
