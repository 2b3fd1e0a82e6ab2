"""Build the explicit, flat context of each memo kind from a case and its decision (issue 3).

Templates only fill blanks (style.md §3.5): every sentence, label and choice is made here, every
number and date is formatted by a filter (:mod:`engine.memos.filters`), and the fields are exactly
those of :data:`engine.memos.fields.TEMPLATE_FIELDS`. Each finding carries a footnote mark (``note``)
that the renderer turns into a Word footnote citing the rule id, the document and article (the trace
``cite``) and the values used (the trace ``facts``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from engine.errors import KaopingError
from engine.memos.fields import KIND_TEMPLATES
from rules import load_rulebook

if TYPE_CHECKING:
    import datetime as dt

__all__ = [
    "MARK_CLOSE",
    "MARK_OPEN",
    "MEMO_KINDS",
    "MemoContext",
    "MemoError",
    "MemoNotApplicableError",
    "OfficeInfo",
    "UnknownMemoKindError",
    "build_context",
]

MEMO_KINDS: tuple[str, ...] = tuple(KIND_TEMPLATES)
"""The memo kinds, in the order of issue 3."""

MARK_OPEN = "\ue000"
MARK_CLOSE = "\ue001"
"""Private-use characters around a footnote number in rendered text; stripped from case text."""

_PARTIES = ("expert_panel", "project_unit", "finance_office")
_PARTY_NAMES = {"expert_panel": "专家组（平均分）", "project_unit": "项目单位", "finance_office": "财政所"}
_NODE_TITLES = {"plan": "评价方案", "draft": "评价报告初稿"}
_NONE = "—"

_EVALUATION_KINDS = {"pre": "事前评价", "tracking": "跟踪评价", "post": "事后评价", "self": "单位自评"}
_AGENCY_KINDS = {
    "consultancy": "咨询机构",
    "cpa_firm": "会计师事务所",
    "appraisal_firm": "资产评估机构",
    "law_firm": "律师事务所",
    "research_institute": "科研院所",
    "university": "高等院校",
}
_CHANNELS = {"e_marketplace": "电子卖场", "public_tender": "公开招标", "direct": "直接委托", "other": "其他"}
_POOLS = {"municipal": "市级财政专家库", "district": "区级财政专家库", "other": "其他"}
_RELATIONS = {
    "employee": "任职",
    "director": "担任董事",
    "supervisor": "担任监事",
    "controller": "实际控制",
    "relative_of_head": "系负责人近亲属",
}
_CONDUCT = {
    "fabrication": "弄虚作假",
    "collusion": "串通",
    "unauthorised_subcontracting": "擅自转包或分包",
    "improper_gain": "谋取不正当利益",
    "leak": "泄露有关信息",
    "undisclosed_conflict": "隐瞒利益冲突",
}


class MemoError(KaopingError):
    """Base of the memo errors (a :class:`engine.errors.KaopingError`)."""


class MemoNotApplicableError(MemoError):
    """The case cannot support the memo asked for yet (issue 3: a clear error, exit 2, no file)."""

    def __init__(self, kind: str, reason_zh: str, reason_en: str) -> None:
        self.kind = kind
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        super().__init__(f"不能出具{kind}文书：{reason_zh} / cannot issue a {kind} memo: {reason_en}")


class UnknownMemoKindError(MemoError, ValueError):
    """A memo kind that does not exist; the message lists the kinds."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        super().__init__(f"unknown memo kind {kind!r}; the kinds are: {', '.join(MEMO_KINDS)}")


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


class _Notes:
    """Hands out footnote marks and keeps their texts (one footnote per finding)."""

    def __init__(self) -> None:
        self.texts: dict[int, str] = {}

    def mark(self, text: str) -> str:
        number = len(self.texts) + 1
        self.texts[number] = text
        return f"{MARK_OPEN}{number}{MARK_CLOSE}"


def _clean(value: Any) -> str:
    """Text from a case or a trace, with the footnote-mark characters removed."""
    return str(value).replace(MARK_OPEN, "").replace(MARK_CLOSE, "")


def _fact_text(value: Any) -> str:
    """One fact value in a footnote: strings as they are, the rest as compact JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None:
        return "无"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "、".join(value) or "无"
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _flat_facts(facts: Mapping[str, Any]) -> list[str]:
    """``key=value`` items of trace facts; a nested object gives one per key (``node_weights.plan=0.4``)."""
    items = []
    for key, value in facts.items():
        if isinstance(value, Mapping) and value:
            items += [f"{key}.{sub}={_fact_text(inner)}" for sub, inner in value.items()]
        else:
            items.append(f"{key}={_fact_text(value)}")
    return items


def _footnote(entry: Mapping[str, Any], title: str) -> str:
    """The footnote of a trace entry: rule id and title, citation, and the values used."""
    rule = str(entry["rule"])
    used = "；".join(_flat_facts(entry.get("facts") or {})) or "无"
    if entry.get("outcome") == "not_applicable":
        title += "（本案不适用）"
    return _clean(f"{rule} {title}。依据：{entry['cite']}。所用数据：{used}。")


def _num(value: Any) -> str:
    """A score as given (``88`` stays ``88``, ``88.5`` stays ``88.5``); ``None`` → —."""
    return _NONE if value is None else f"{Decimal(str(value)):f}"


class _Source:
    """Typed reading of the case and decision dicts (contract shapes)."""

    def __init__(self, case: Mapping[str, Any], decision: Mapping[str, Any]) -> None:
        self.case = case
        self.decision = decision
        self.trace: dict[str, Mapping[str, Any]] = {str(e["rule"]): e for e in decision.get("trace", [])}
        self.notes = _Notes()
        # Titles and severities come from the catalogue of the decision's own rule version.
        rules = load_rulebook().at(str(decision["rule_version"])).rules
        self.titles = {r.id: r.title for r in rules}
        self.warn_rules = frozenset(r.id for r in rules if r.severity == "WARN")

    def entry(self, rule: str) -> Mapping[str, Any]:
        try:
            return self.trace[rule]
        except KeyError:
            raise ValueError(f"the decision's trace has no entry for {rule}") from None

    def note(self, rule: str) -> str:
        return self.notes.mark(_footnote(self.entry(rule), self.titles.get(rule, "")))

    def row(self, rule: str) -> dict[str, Any]:
        entry = self.entry(rule)
        result = str(entry["outcome"])
        if result == "failed" and rule in self.warn_rules:
            result = "needs_approval"
        return {
            "rule": rule,
            "title": self.titles.get(rule, rule),
            "result": result,
            "detail": _clean(entry["detail"]),
            "note": self.note(rule),
        }

    def family(self, prefix: str) -> list[dict[str, Any]]:
        return [self.row(rule) for rule in self.trace if rule.startswith(prefix)]

    def flag_row(self, rule: str) -> dict[str, Any]:
        return {
            "rule": rule,
            "title": self.titles.get(rule, rule),
            "detail": _clean(self.entry(rule)["detail"]),
            "note": self.note(rule),
        }


def _number_line(office: OfficeInfo, number: int | None, date: dt.date) -> str:
    """The document-number line, e.g. 七财评〔2024〕7号; without a number the number is left blank."""
    shown = str(number) if number is not None else "\u3000\u3000\u3000"
    return f"{_clean(office.number_prefix)}〔{date.year}〕{shown}号"


def _common(src: _Source, office: OfficeInfo, number: int | None, date: dt.date) -> dict[str, Any]:
    commission = src.case["commission"]
    agency = src.case["agency"]
    kind = str(agency["kind"])
    return {
        "case_id": _clean(src.decision["case_id"]),
        "rule_version": _clean(src.decision["rule_version"]),
        "office_name": _clean(office.name),
        "district_bureau": _clean(office.district_bureau),
        "document_number_line": _number_line(office, number, date),
        "document_date": date.isoformat(),
        "commissioning_party": _clean(commission["commissioning_party"]),
        "project_name": _clean(commission["project_name"]),
        "project_unit": _clean(commission["project_unit"]),
        "evaluation_kind": _EVALUATION_KINDS.get(str(commission["evaluation_kind"]), "其他"),
        "commissioned_on": str(commission["commissioned_on"]),
        "contract_fee": f"{Decimal(str(commission['contract_fee'])):.2f}",
        "agency_name": _clean(agency["name"]),
        "agency_credit_code": _clean(agency["credit_code"]),
        "agency_kind": _AGENCY_KINDS.get(kind, _clean(kind)),
    }


def _eligibility(src: _Source) -> dict[str, Any]:
    """资格审查意见书 (rulebook §1, ELG-01…09)."""
    procurement = src.case["commission"]["procurement"]
    order_no = procurement.get("order_no")
    status = str(src.decision["eligibility"]["status"])
    rows = src.family("ELG-")
    agency = _clean(src.case["agency"]["name"])
    blocking = "；".join(f"{r['rule']} {r['title']}" for r in rows if r["result"] == "failed")
    approval = "；".join(f"{r['rule']} {r['title']}" for r in rows if r["result"] == "needs_approval")
    if status == "eligible":
        conclusion = f"经审查，{agency}符合承接本项目第三方绩效评价业务的各项资格条件。"
    elif status == "needs_approval":
        conclusion = (
            f"经审查，{agency}符合承接本项目的基本资格条件，但下列事项未达要求：{approval}。"
            "须经财政所负责人审批同意后方可委托。"
        )
    else:
        conclusion = f"经审查，{agency}不具备承接本项目第三方绩效评价业务的资格。不符合事项：{blocking}。"
        if approval:
            conclusion += f"另有须经审批的事项：{approval}。"
    return {
        "procurement_channel": _CHANNELS.get(str(procurement["channel"]), "其他"),
        "order_no": _clean(order_no) if order_no and str(order_no).strip() else "未填写",
        "eligibility_status": status,
        "rules": rows,
        "conclusion": conclusion,
    }


def _node_score(src: _Source, node: str, party: str) -> str:
    """A party's score at a node as the engine derived it (ASM-01 ``node_scores``; the panel's: the mean)."""
    scores = _fact(src.entry("ASM-01"), "node_scores") or {}
    return _num(scores.get(f"{node}.{party}"))


def _review(src: _Source, node: str) -> dict[str, Any]:
    """专家组评审意见 for the plan or the draft (rulebook §2, §3a/§3b, §4)."""
    panel = src.case.get("panel")
    deliverable = src.case.get(node)
    review = src.decision[f"{node}_review"]
    title = _NODE_TITLES[node]
    if deliverable is None or review["verdict"] == "not_submitted":
        raise MemoNotApplicableError(
            f"review-{node}",
            f"{title}尚未提交",
            f"the {'plan' if node == 'plan' else 'draft'} is not submitted",
        )
    if panel is None:
        raise MemoNotApplicableError(f"review-{node}", "专家组尚未组建", "no expert panel has been formed")
    conflicted = set(src.decision["panel"]["conflicted_members"])
    scores = (deliverable.get("scores") or {}).get("expert_panel") or {}
    members = []
    for no, member in enumerate(panel["members"], start=1):
        ties = "；".join(
            f"与{_clean(t['org'])}{_RELATIONS.get(str(t['relation']), '')}"
            + (f"（至{t['until']}）" if t.get("until") else "（至今）")
            for t in member.get("ties", [])
        )
        is_conflicted = member["id"] in conflicted
        members.append(
            {
                "no": no,
                "id": _clean(member["id"]),
                "name": _clean(member["name"]),
                "pool": _POOLS.get(str(member["pool"]), "其他"),
                "domain_expert": bool(member["domain_expert"]),
                "conflicted": is_conflicted,
                "conflict": (ties or "存在利益关联") if is_conflicted else "无",
                "score": _num(scores.get(member["id"])) if member["id"] in scores else "未评分",
            }
        )
    panel_status = str(src.decision["panel"]["status"])
    names = "、".join(f"{m['name']}（{m['id']}）" for m in members if m["conflicted"])
    failed_exp = "、".join(src.decision["panel"]["failed"])
    if panel_status == "valid":
        panel_conclusion = "专家组组成符合要求，评审有效。"
    else:
        panel_conclusion = f"专家组组成不符合要求（{failed_exp}）。"
        if names:
            panel_conclusion += (
                f"{names}与被评价机构或项目单位存在利益关联，应当回避；其评分仍计入专家组平均分。"
            )
        panel_conclusion += "请委托方调整专家组后复核本意见。"
    checks = src.family("PLN-" if node == "plan" else "RPT-")
    verdict = str(review["verdict"])
    failed = [c for c in checks if c["result"] == "failed"]
    if verdict == "pass":
        verdict_conclusion = f"经审查，{title}各项审查均符合要求，评审意见为：通过。"
    else:
        issues = "；".join(f"{c['rule']} {c['title']}：{c['detail']}" for c in failed)
        verdict_conclusion = (
            f"经审查，{title}存在以下问题：{issues}。评审意见为：退回修改，请评价机构修改完善后重新提交。"
        )
    used = "；".join(f"{m['id']}={m['score']}" for m in members)
    mean_note = src.notes.mark(
        _clean(
            f"ASM-01 专家组{title}环节得分：全体成员评分的算术平均数，四舍五入保留两位小数。"
            f"依据：{src.entry('ASM-01')['cite']}。所用数据：{used}。"
        )
    )
    return {
        "node": node,
        "node_title": title,
        "deadline": str(deliverable["deadline"]),
        "submitted_on": str(deliverable["submitted_on"]),
        "panel_formed_on": str(panel["formed_on"]),
        "panel_status": panel_status,
        "members": members,
        "panel_checks": src.family("EXP-"),
        "panel_conclusion": panel_conclusion,
        "checks": checks,
        "verdict": verdict,
        "verdict_conclusion": verdict_conclusion,
        "panel_mean": _node_score(src, node, "expert_panel"),
        "panel_mean_note": mean_note,
    }


def _fact(entry: Mapping[str, Any], *path: str) -> Any:
    """A fact of a trace entry by its key path, e.g. ``("party_weights", "expert_panel")``."""
    node: Any = entry.get("facts") or {}
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            raise ValueError(f"{entry['rule']}: the trace facts have no {'.'.join(path)}")
        node = node[key]
    return node


def _conduct(src: _Source) -> str:
    kinds = [str(k) for k in src.case.get("prohibited_conduct", [])]
    return "、".join(_CONDUCT.get(k, _clean(k)) for k in kinds) or "无"


def _fee(src: _Source) -> dict[str, Any]:
    """第三方评价机构工作质量考评结果及服务费核定单 (rulebook §4, §5, §6)."""
    fee = src.decision["fee"]
    assessment = src.decision["assessment"]
    if fee["status"] == "pending":
        missing = "、".join(assessment.get("missing") or [])
        raise MemoNotApplicableError(
            "fee",
            f"服务费尚待核定（考评未完成，缺少：{missing}）",
            f"the fee is pending (assessment incomplete, missing: {missing})",
        )
    asm01, asm02 = src.entry("ASM-01"), src.entry("ASM-02")
    party_scores = assessment.get("party_scores") or {}
    matrix = [
        {
            "party": party,
            "party_name": _PARTY_NAMES[party],
            "plan": _node_score(src, "plan", party),
            "draft": _node_score(src, "draft", party),
            "party_score": _num(party_scores.get(party)),
            "weight": str(_fact(asm02, "party_weights", party)),
        }
        for party in _PARTIES
    ]
    grade_rule = "ASM-04" if src.entry("ASM-04")["outcome"] == "applied" else "ASM-03"
    pay_rule = {"withheld": "FEE-05", "suspended": "FEE-06"}.get(str(fee["status"]), "FEE-04")
    draft = src.case.get("draft") or {}
    return {
        "assessment_status": str(assessment["status"]),
        "matrix": matrix,
        "plan_weight": str(_fact(asm01, "node_weights", "plan")),
        "draft_weight": str(_fact(asm01, "node_weights", "draft")),
        "party_scores_note": src.note("ASM-01"),
        "composite": assessment.get("composite") or _NONE,
        "composite_note": src.note("ASM-02"),
        "grade": assessment.get("grade") or _NONE,
        "grade_note": src.note(grade_rule),
        "conduct": _conduct(src),
        "rework_round": int(draft.get("rework_round", 0)),
        "coefficient": fee.get("coefficient") or _NONE,
        "coefficient_note": src.note("FEE-01"),
        "late_working_days": int(fee.get("late_working_days") or 0),
        "late_detail": _clean(src.entry("FEE-02")["detail"]),
        "late_note": src.note("FEE-02"),
        "deduction": fee.get("deduction"),
        "deduction_note": src.note("FEE-03"),
        "payable": fee.get("payable"),
        "payable_note": src.note(pay_rule),
        "fee_status": str(fee["status"]),
        "follow_ups": [src.flag_row(rule) for rule in src.decision.get("flags", [])],
    }


def _referral(src: _Source) -> dict[str, Any]:
    """移送函 to the district finance bureau (FLW-02, FLW-03)."""
    flags = [f for f in src.decision.get("flags", []) if f in {"FLW-02", "FLW-03"}]
    if not flags:
        raise MemoNotApplicableError(
            "referral",
            "未触发 FLW-02 或 FLW-03，无需移送区财政局",
            "neither FLW-02 nor FLW-03 is raised; there is nothing to refer",
        )
    agency = _clean(src.case["agency"]["name"])
    if "FLW-03" in flags:
        # The citation is the one FLW-03 carries in this decision's rule version (rules/catalogue).
        cite = src.entry("FLW-03")["cite"]
        request = (
            f"该机构存在{_conduct(src)}行为，根据{cite}，对第三方机构的处理由县级以上财政部门实施，"
            "现将有关情况移送贵局，请依法依规处理。"
        )
    else:
        grade = src.decision["assessment"]["grade"]
        request = (
            f"该机构整改后工作质量考评等级仍为“{grade}”，"
            "现将有关情况移送贵局，请对其定点服务机构资格进行复核。"
        )
    fee = src.decision["fee"]
    assessment = src.decision["assessment"]
    return {
        "subject": f"关于移送{agency}有关情况的函",
        "reasons": [src.flag_row(rule) for rule in flags],
        "conduct": _conduct(src),
        "composite": assessment.get("composite") or _NONE,
        "grade": assessment.get("grade") or _NONE,
        "rework_round": int((src.case.get("draft") or {}).get("rework_round", 0)),
        "payable": fee.get("payable"),
        "fee_status": str(fee["status"]),
        "request": request,
    }


def build_context(  # noqa: PLR0913 - the memo inputs of issue 3
    case: Mapping[str, Any],
    decision: Mapping[str, Any],
    kind: str,
    *,
    office: OfficeInfo,
    document_number: int | None,
    document_date: dt.date,
) -> MemoContext:
    """The context of one memo (issue 3), or an error when the case cannot support it.

    Raises:
        UnknownMemoKindError: ``kind`` is not one of :data:`MEMO_KINDS`.
        MemoNotApplicableError: a fee sheet while the fee is pending, a review of a deliverable not
            submitted (or with no panel), a referral without FLW-02/FLW-03.
    """
    if kind not in KIND_TEMPLATES:
        raise UnknownMemoKindError(kind)
    src = _Source(case, decision)
    values = _common(src, office, document_number, document_date)
    if kind == "eligibility":
        values |= _eligibility(src)
    elif kind == "review-plan":
        values |= _review(src, "plan")
    elif kind == "review-draft":
        values |= _review(src, "draft")
    elif kind == "fee":
        values |= _fee(src)
    else:
        values |= _referral(src)
    return MemoContext(kind=kind, template=KIND_TEMPLATES[kind], values=values, footnotes=src.notes.texts)
