"""The template contract: which context fields each memo template may use (issue 3, style.md §3.5).

docassemble narrows a template's view to an explicit ``fields`` mapping; so do we. Each template gets a
flat mapping of blanks; a list field is a list of rows, each row a flat mapping. This module is the one
statement of that contract: :mod:`engine.memos.context` builds exactly these fields,
:mod:`engine.memos.lint` refuses a template that uses any other, and ``scripts/build_templates.py``
writes ``docs_templates/README.md`` from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["KIND_TEMPLATES", "LOOP_FIELDS", "TEMPLATE_FIELDS", "Field"]


@dataclass(frozen=True)
class Field:
    """One context field: a blank (``row is None``) or a list of rows with the fields in ``row``."""

    doc: str
    row: Mapping[str, Field] | None = None


KIND_TEMPLATES: dict[str, str] = {
    "eligibility": "eligibility",
    "review-plan": "review",
    "review-draft": "review",
    "fee": "fee",
    "referral": "referral",
}
"""Memo kind → template file stem in the template directory (``<stem>.docx``)."""

LOOP_FIELDS: frozenset[str] = frozenset(
    {"index", "index0", "revindex", "revindex0", "first", "last", "length", "previtem", "nextitem"}
)
"""Attributes of Jinja's ``loop`` variable a template may read inside ``{% for %}``."""

_NOTE = "脚注标记：放在该项结论之后，渲染时替换为 Word 脚注（规则编号、依据文件及条款、所用数据）"

_RULE_ROW: Mapping[str, Field] = {
    "rule": Field("规则编号，如 ELG-01"),
    "title": Field("审查事项（中文）"),
    "result": Field("结果代码 held / failed / needs_approval / not_applicable，用 result_label 过滤器显示"),
    "detail": Field("具体情况（引擎给出的一句中文）"),
    "note": Field(_NOTE),
}

_FLAG_ROW: Mapping[str, Field] = {
    "rule": Field("规则编号，如 FLW-04"),
    "title": Field("后续事项（中文）"),
    "detail": Field("具体情况（引擎给出的一句中文）"),
    "note": Field(_NOTE),
}

_COMMON: Mapping[str, Field] = {
    "case_id": Field("案件编号，如 QB-2024-007"),
    "rule_version": Field("适用的规则版本（生效日期），如 2024-01-01"),
    "office_name": Field("发文机关（配置项），如 七宝镇财政所"),
    "district_bureau": Field("区财政局（配置项），如 闵行区财政局"),
    "document_number_line": Field("发文字号，如 七财评〔2024〕7号；未给编号时留空待手填"),
    "document_date": Field("成文日期（ISO），用 date_zh 过滤器显示"),
    "commissioning_party": Field("委托方"),
    "project_name": Field("项目名称"),
    "project_unit": Field("项目单位"),
    "evaluation_kind": Field("评价类型（中文），如 事后评价"),
    "commissioned_on": Field("委托日期（ISO），用 date_zh 过滤器显示"),
    "contract_fee": Field("合同金额（两位小数），用 yuan / yuan_in_words 过滤器显示"),
    "agency_name": Field("第三方评价机构名称"),
    "agency_credit_code": Field("统一社会信用代码"),
    "agency_kind": Field("机构类型（中文），如 会计师事务所"),
}

_ELIGIBILITY: Mapping[str, Field] = {
    **_COMMON,
    "procurement_channel": Field("采购方式（中文），如 电子卖场"),
    "order_no": Field("电子卖场订单号；未填写时为“未填写”"),
    "eligibility_status": Field("审查结论代码 eligible / needs_approval / ineligible，用 status_label 显示"),
    "rules": Field("资格审查各项（ELG-01…ELG-09）", _RULE_ROW),
    "conclusion": Field("审查结论（一段中文）"),
}

_MEMBER_ROW: Mapping[str, Field] = {
    "no": Field("序号（1 起）"),
    "id": Field("专家编号，如 E1"),
    "name": Field("姓名"),
    "pool": Field("来源专家库（中文），如 市级财政专家库"),
    "domain_expert": Field("是否领域专家（布尔），用 yes_no 显示"),
    "conflicted": Field("是否存在利益关联（布尔），用 yes_no 显示"),
    "conflict": Field("利益关联说明；无则为“无”"),
    "score": Field("本环节评分；未评分时为“未评分”"),
}

_REVIEW: Mapping[str, Field] = {
    **_COMMON,
    "node": Field("评审环节代码 plan / draft"),
    "node_title": Field("评审对象（中文）：评价方案 或 评价报告初稿"),
    "deadline": Field("提交期限（ISO），用 date_zh 显示"),
    "submitted_on": Field("提交日期（ISO），用 date_zh 显示"),
    "panel_formed_on": Field("专家组组建日期（ISO），用 date_zh 显示"),
    "panel_status": Field("专家组状态代码 valid / invalid，用 status_label 显示"),
    "members": Field("专家组成员", _MEMBER_ROW),
    "panel_checks": Field("专家组组成审查各项（EXP-01…EXP-04）", _RULE_ROW),
    "panel_conclusion": Field("专家组组成结论（一段中文，含须回避的成员）"),
    "checks": Field("本环节自动审查各项（PLN-01…06 或 RPT-01…06）", _RULE_ROW),
    "verdict": Field("评审结论代码 pass / return，用 status_label 显示"),
    "verdict_conclusion": Field("评审结论（一段中文）"),
    "panel_mean": Field("专家组本环节平均分（两位小数）；有成员未评分时为“—”"),
    "panel_mean_note": Field(_NOTE),
}

_MATRIX_ROW: Mapping[str, Field] = {
    "party": Field("考评方代码 expert_panel / project_unit / finance_office"),
    "party_name": Field("考评方（中文）：专家组（平均分）/ 项目单位 / 财政所"),
    "plan": Field("评价方案环节得分；缺失时为“—”"),
    "draft": Field("报告初稿环节得分；缺失时为“—”"),
    "party_score": Field("该方得分（方案、初稿加权）；考评未完成时为“—”"),
    "weight": Field("该方在综合得分中的权重（比例），用 percent 显示"),
}

_FEE: Mapping[str, Field] = {
    **_COMMON,
    "assessment_status": Field("考评状态代码 complete / incomplete，用 status_label 显示"),
    "matrix": Field("三方 × 两环节评分表（专家组、项目单位、财政所）", _MATRIX_ROW),
    "plan_weight": Field("评价方案环节权重（比例），用 percent 显示"),
    "draft_weight": Field("报告初稿环节权重（比例），用 percent 显示"),
    "party_scores_note": Field(_NOTE + "（ASM-01）"),
    "composite": Field("综合得分（两位小数）；未完成时为“—”"),
    "composite_note": Field(_NOTE + "（ASM-02）"),
    "grade": Field("综合评价等级 优 / 良 / 中 / 差"),
    "grade_note": Field(_NOTE + "（ASM-03 或 ASM-04）"),
    "conduct": Field("查实的禁止行为（中文，顿号分隔）；无则为“无”"),
    "rework_round": Field("报告初稿整改轮次（0 为首轮）"),
    "coefficient": Field("质量系数（两位小数）；暂停支付时为“—”"),
    "coefficient_note": Field(_NOTE + "（FEE-01）"),
    "late_working_days": Field("逾期工作日合计（整数）"),
    "late_detail": Field("逾期情况说明（引擎给出的一句中文）"),
    "late_note": Field(_NOTE + "（FEE-02）"),
    "deduction": Field("逾期扣减金额（两位小数）或空值，用 yuan / yuan_in_words 显示"),
    "deduction_note": Field(_NOTE + "（FEE-03）"),
    "payable": Field("核定应付服务费（两位小数），用 yuan / yuan_in_words 显示"),
    "payable_note": Field(_NOTE + "（FEE-04、FEE-05 或 FEE-06）"),
    "fee_status": Field("服务费状态代码 payable / withheld / suspended，用 status_label 显示"),
    "follow_ups": Field("后续事项（已触发的 FLW 规则）；无则为空列表", _FLAG_ROW),
}

_REFERRAL: Mapping[str, Field] = {
    **_COMMON,
    "subject": Field("函的标题，如 关于移送上海某甲会计师事务所有限公司有关情况的函"),
    "reasons": Field("移送事由（FLW-02 / FLW-03）", _FLAG_ROW),
    "conduct": Field("查实的禁止行为（中文，顿号分隔）；无则为“无”"),
    "composite": Field("综合得分（两位小数）；未完成时为“—”"),
    "grade": Field("综合评价等级"),
    "rework_round": Field("报告初稿整改轮次"),
    "payable": Field("核定应付服务费（两位小数），用 yuan / yuan_in_words 显示"),
    "fee_status": Field("服务费状态代码，用 status_label 显示"),
    "request": Field("请求事项（一段中文）"),
}

TEMPLATE_FIELDS: dict[str, Mapping[str, Field]] = {
    "eligibility": _ELIGIBILITY,
    "review": _REVIEW,
    "fee": _FEE,
    "referral": _REFERRAL,
}
"""Template stem → the fields its context holds (and the only ones it may use)."""
