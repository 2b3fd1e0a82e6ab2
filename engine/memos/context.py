"""The explicit, flat context of a memo, built from a case and its decision by the memo's kind.

Templates only fill blanks (as docassemble's): the context holds values, codes and labels, never a sentence.
A template chooses among its own fixed sentences by the status codes the context holds, prints numbers
and dates through filters (:mod:`engine.memos.filters`), and may use exactly the fields of its contract
(``rules/memos.yaml``, :data:`engine.memos.fields.TEMPLATE_FIELDS`). Each finding carries a footnote mark
(``note``) that the renderer turns into a Word footnote citing the rule id, the document and article (the
trace ``cite``) and the values used (the trace ``facts``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from engine.memos.errors import MemoNotApplicableError
from engine.memos.kinds import memo_kind
from engine.memos.marks import clean
from engine.memos.source import Source

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping

__all__ = ["MemoContext", "OfficeInfo", "build_context"]


@dataclass(frozen=True)
class OfficeInfo:
    """The issuing office, from configuration (never from code or templates)."""

    name: str
    """The office, e.g. 七宝镇财政所."""
    number_prefix: str
    """The document-number prefix, e.g. 七财评 (七财评〔2024〕7号)."""
    district_bureau: str
    """The district finance bureau referrals go to, e.g. 闵行区财政局."""


@dataclass
class MemoContext:
    """What a template is rendered with: the flat ``values`` and the footnote texts by number."""

    kind: str
    template: str
    values: dict[str, Any]
    footnotes: dict[int, str] = field(default_factory=dict)


def _number_line(office: OfficeInfo, number: int | None, date: dt.date) -> str:
    """The document number as GB/T 9704 writes it, e.g. 七财评〔2024〕7号; without a number, a blank."""
    shown = str(number) if number is not None else "\u3000\u3000\u3000"
    return f"{clean(office.number_prefix)}〔{date.year}〕{shown}号"


def _common(src: Source, office: OfficeInfo, number: int | None, date: dt.date) -> dict[str, Any]:
    """The fields every template has: the case particulars and the issuing office."""
    commission = src.case["commission"]
    agency = src.case["agency"]
    return {
        "case_id": clean(src.decision["case_id"]),
        "rule_version": clean(src.decision["rule_version"]),
        "office_name": clean(office.name),
        "district_bureau": clean(office.district_bureau),
        "document_number_line": _number_line(office, number, date),
        "document_date": date.isoformat(),
        "commissioning_party": clean(commission["commissioning_party"]),
        "project_name": clean(commission["project_name"]),
        "project_unit": clean(commission["project_unit"]),
        "evaluation_kind": src.label("evaluation_kind", commission["evaluation_kind"]),
        "commissioned_on": str(commission["commissioned_on"]),
        "contract_fee": f"{Decimal(str(commission['contract_fee'])):.2f}",
        "agency_name": clean(agency["name"]),
        "agency_credit_code": clean(agency["credit_code"]),
        "agency_kind": src.label("agency_kind", agency["kind"]),
    }


def build_context(  # noqa: PLR0913 - the case, its decision, the kind, and what the office puts on a memo
    case: Mapping[str, Any],
    decision: Mapping[str, Any],
    kind: str,
    *,
    office: OfficeInfo,
    document_number: int | None,
    document_date: dt.date,
) -> MemoContext:
    """The context of one memo, or an error when the case cannot support it.

    Raises:
        UnknownMemoKindError: ``kind`` is not one of :data:`engine.memos.kinds.MEMO_KINDS`.
        MemoNotApplicableError: the kind does not apply to this case yet (a fee sheet while the fee is
            pending, a review of a deliverable not submitted or with no panel, a referral without
            FLW-02/FLW-03); the reason is the kind's, worded in ``rules/messages.yaml``.
    """
    spec = memo_kind(kind)
    src = Source(case, decision)
    refusal = spec.refusal(src)
    if refusal is not None:
        raise MemoNotApplicableError(kind, refusal.text("zh"), refusal.text("en"))
    values = _common(src, office, document_number, document_date) | spec.build(src)
    return MemoContext(kind=kind, template=spec.template, values=values, footnotes=src.notes.texts)
