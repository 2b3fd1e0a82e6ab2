"""The explicit, flat context of a memo, built from a case and its decision by the memo's kind.

Templates only fill blanks (as docassemble's): the context holds values, codes and labels, never a sentence.
A template chooses among its own fixed sentences by the status codes the context holds, prints numbers
and dates through filters (:mod:`engine.memos.filters`), and may use exactly the fields of its contract
(``rules/memos.yaml``, :data:`engine.memos.fields.TEMPLATE_FIELDS`). Each finding carries a footnote mark
(``note``) that the renderer turns into a Word footnote citing the rule id, the document and article (the
trace ``cite``) and the values used (the trace ``facts``).
"""

from __future__ import annotations

import re
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

__all__ = ["NON_BREAKING_HYPHEN", "WORD_JOINER", "MemoContext", "OfficeInfo", "build_context", "unbroken"]

NON_BREAKING_HYPHEN = "\u2011"
"""Written for the hyphens of an ISO date (2024‑01‑01): a line never breaks after it (Word, LibreOffice)."""
WORD_JOINER = "\u2060"
"""Written between the characters of a document number and a date in Chinese: no line break inside."""
_ISO_DATE = re.compile(r"(?<![0-9])([0-9]{4})-([0-9]{2})-([0-9]{2})(?![0-9])")


def unbroken(text: str) -> str:
    """A text whose characters stay on one line (a document number, a date in Chinese numerals)."""
    return WORD_JOINER.join(text)


def _dates_unbroken(value: Any) -> Any:
    """Every ISO date in a context value written with non-breaking hyphens (lists and rows too)."""
    if isinstance(value, str):
        return _ISO_DATE.sub(f"\\1{NON_BREAKING_HYPHEN}\\2{NON_BREAKING_HYPHEN}\\3", value)
    if isinstance(value, list):
        return [_dates_unbroken(v) for v in value]
    if isinstance(value, dict):
        return {k: _dates_unbroken(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class OfficeInfo:
    """The issuing office, from configuration (never from code or templates)."""

    name: str
    """The office, e.g. 七宝镇财政所."""
    number_prefix: str
    """The document-number prefix, e.g. 七财评 (七财评〔2024〕7号)."""
    district_bureau: str
    """The district finance bureau referrals go to, e.g. 闵行区财政局."""
    red_header: bool = False
    """Print the red issuing-office header (红头, GB/T 9704-2012 §7.2) on memos whose template has it."""
    red_header_text: str = ""
    """The header's words (发文机关标志), e.g. 七宝镇财政所文件; empty: the office's name."""


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
    return unbroken(f"{clean(office.number_prefix)}〔{date.year}〕{shown}号")


def _common(src: Source, office: OfficeInfo, number: int | None, date: dt.date) -> dict[str, Any]:
    """The fields every template has: the case particulars and the issuing office."""
    commission = src.case["commission"]
    agency = src.case["agency"]
    return {
        "case_id": clean(src.decision["case_id"]),
        "rule_version": clean(src.decision["rule_version"]),
        "office_name": clean(office.name),
        "district_bureau": clean(office.district_bureau),
        "red_header": bool(office.red_header),
        "red_header_text": clean(office.red_header_text or office.name),
        "document_number_line": _number_line(office, number, date),
        "document_date": date.isoformat(),  # printed through date_zh
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
        raise MemoNotApplicableError(kind, refusal)
    values = _common(src, office, document_number, document_date) | spec.build(src)
    dated = {k: v if k in _ISO_FIELDS else _dates_unbroken(v) for k, v in values.items()}
    notes = {n: _dates_unbroken(text) for n, text in src.notes.texts.items()}
    return MemoContext(kind=kind, template=spec.template, values=dated, footnotes=notes)


_ISO_FIELDS = frozenset({"document_date", "commissioned_on", "deadline", "submitted_on", "panel_formed_on"})
"""Dates a template prints through a filter (date_zh): kept as ISO dates for it."""
