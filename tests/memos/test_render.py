"""Memo content: every kind opened with python-docx, checked for names, figures and findings."""

from __future__ import annotations

import copy
import re

import pytest

from engine import evaluate
from engine.errors import KaopingError
from engine.memos import MemoNotApplicableError, OfficeInfo, UnknownMemoKindError
from tests.memos.conftest import Memo, case, load, memo, misconduct_case, render


def _row(m: Memo, first: str) -> list[str]:
    """The table row whose second (or first) cell starts with ``first``."""
    for row in m.rows:
        if any(cell.startswith(first) for cell in row[:2]):
            return row
    raise AssertionError(f"no row starting with {first!r} in {m.rows}")


def test_eligibility_of_the_worked_example(worked: dict[str, Memo]) -> None:
    """资格审查意见书: particulars, each ELG rule with result and fact, conclusion, office and date."""
    m = worked["eligibility"]
    assert "第三方评价机构资格审查意见书" in m.paragraphs
    assert "七财评〔2024〕7号" in m.paragraphs
    assert "合同金额：80,000.00元（人民币捌万元整）" in m.paragraphs
    assert (
        "评价机构：上海某甲会计师事务所有限公司（会计师事务所，统一社会信用代码 91310112F5PJ96WP43）"
        in m.paragraphs
    )
    for n in range(1, 10):
        assert _row(m, f"ELG-0{n}")[2] == "符合"
    assert "2023-2025批次名单内" in _row(m, "ELG-01")[3]
    assert "审查结论：符合资格。" in m.paragraphs
    assert (
        "经审查，上海某甲会计师事务所有限公司符合承接本项目第三方绩效评价业务的各项资格条件。" in m.paragraphs
    )
    assert m.paragraphs[-2:] == ["七宝镇财政所", "二〇二四年七月一日"]


def test_every_finding_carries_a_word_footnote(worked: dict[str, Memo]) -> None:
    """Each rule row has a real footnote citing the rule id, the document and article, and the values used."""
    m = worked["eligibility"]
    notes = m.footnotes
    assert m.reference_ids == sorted(notes) == list(range(1, 10))
    assert notes[1].startswith("ELG-01 机构在区定点服务机构名单内。依据：")
    assert "定点服务机构名单" in notes[1]
    assert "委托日期：2024-03-15" in notes[1]
    assert "财监〔2021〕4号 第二条" in notes[4]
    assert "机构类型：会计师事务所" in notes[4]
    assert "cpa_firm" not in notes[4]
    xml = m.parts["word/footnotes.xml"].decode()
    assert 'w:type="separator" w:id="-1"' in xml
    assert 'w:type="continuationSeparator" w:id="0"' in xml
    assert "footnotes+xml" in m.parts["[Content_Types].xml"].decode()
    assert 'Target="footnotes.xml"' in m.parts["word/_rels/document.xml.rels"].decode()


def test_plan_review_of_the_worked_example(worked: dict[str, Memo]) -> None:
    """专家组评审意见（评价方案）: panel and validity, each PLN check, verdict, scores, mean, signatures."""
    m = worked["review-plan"]
    assert "（评价方案）" in m.paragraphs
    recusal = "曾与上海某甲会计师事务所有限公司任职（至2019年6月30日），已满三年，无须回避"
    assert ["1", "张立", "市级财政专家库", "是", recusal] in m.rows
    assert ["2", "王芳", "区级财政专家库", "是", "无利益关联，无须回避"] in m.rows
    assert ["4", "赵敏", "区级财政专家库", "否", "无利益关联，无须回避"] in m.rows
    assert "专家组状态：有效。专家组组成符合要求，评审有效。" in m.paragraphs
    for n in range(1, 7):
        assert _row(m, f"PLN-0{n}")[2] == "符合"
    assert "评审意见：通过。" in m.paragraphs
    assert ["2", "王芳", "91"] in m.rows
    assert ["", "专家组平均分", "88.00"] in m.rows
    signatures = [r for r in m.rows if len(r) == 3 and r[2] == "" and r[0].isdigit()]
    assert [r[1] for r in signatures] == ["张立", "王芳", "李强", "赵敏", "陈刚"]
    assert "专家组组长（签字）：＿＿＿＿＿＿＿＿" in m.paragraphs
    assert any(
        text.startswith("ASM-01 专家组评价方案环节得分") and "E2 王芳：91分" in text
        for text in m.footnotes.values()
    )


def test_draft_review_of_the_worked_example(worked: dict[str, Memo]) -> None:
    """The draft review shows the RPT checks and the draft scores (mean 87.20)."""
    m = worked["review-draft"]
    assert "（报告初稿）" in m.paragraphs
    for n in range(1, 7):
        assert _row(m, f"RPT-0{n}")[2] == "符合"
    assert ["", "专家组平均分", "87.20"] in m.rows
    assert "报告初稿提交期限：二〇二四年六月二十八日；实际提交日期：二〇二四年六月二十八日。" in m.paragraphs


def test_fee_sheet_of_the_worked_example(worked: dict[str, Memo]) -> None:
    """核定单: 3 × 2 matrix, party scores, weights, composite, grade, coefficient, lateness, capitals."""
    m = worked["fee"]
    assert ["专家组（平均分）", "88.00", "87.20", "87.520", "50%"] in m.rows
    assert ["项目单位", "90", "88", "88.800", "20%"] in m.rows
    assert ["财政所", "92", "90", "90.800", "30%"] in m.rows
    assert "各方得分＝评价方案得分×40%＋报告初稿得分×60%；综合得分为各方得分按下表权重加权。" in m.paragraphs
    assert ["综合得分", "88.76"] in m.rows
    assert ["综合评价等级", "良"] in m.rows
    assert ["质量系数", "0.95"] in m.rows
    assert _row(m, "逾期工作日")[1].startswith("2个工作日。评价方案逾期2个工作日")
    assert ["逾期扣减", "1,600.00元（人民币壹仟陆佰元整）"] in m.rows
    assert ["核定应付服务费", "74,400.00元"] in m.rows
    assert ["大写金额", "人民币柒万肆仟肆佰元整"] in m.rows
    assert ["支付状态", "按考评结果支付"] in m.rows
    assert "无。" in m.paragraphs
    notes = m.footnotes.values()
    for rule in ("ASM-01", "ASM-02", "ASM-03", "FEE-01", "FEE-02", "FEE-03", "FEE-04"):
        assert any(text.startswith(rule) for text in notes), rule
    assert any("三方权重：专家组50%、财政所30%、项目单位20%" in text for text in notes)
    assert any("节点权重：评价方案40%、报告初稿60%" in text for text in notes)
    assert any("逾期扣款：1,600.00元" in text for text in notes)
    assert not any(re.search(r"[a-z_]+=", text) for text in notes)


def test_weights_come_from_the_trace_not_the_template() -> None:
    """The weights printed are the ones in the decision's ASM-01/ASM-02 facts (fixture decision, edited)."""
    decision = load("worked_example.decision.json")
    for entry in decision["trace"]:
        if entry["rule"] == "ASM-02":
            entry["facts"]["party_weights"] = {
                "expert_panel": "0.6",
                "finance_office": "0.25",
                "project_unit": "0.15",
            }
        if entry["rule"] == "ASM-01":
            entry["facts"]["node_weights"] = {"plan": "0.3", "draft": "0.7"}
    m = Memo(render(case(), "fee", decision=decision))
    assert ["专家组（平均分）", "88.00", "87.20", "87.520", "60%"] in m.rows
    assert ["财政所", "92", "90", "90.800", "25%"] in m.rows
    assert any("评价方案得分×30%＋报告初稿得分×70%" in p for p in m.paragraphs)


def test_failing_eligibility_names_each_failure(failing: dict[str, Memo]) -> None:
    """Failed BLOCK rules read 不符合 and a failed WARN rule 须经审批, each with the concrete fact."""
    m = failing["eligibility"]
    assert _row(m, "ELG-05")[2:] == ["不符合", "机构与七宝镇社区管理办公室存在关联，不具备独立性"]
    assert _row(m, "ELG-08")[2:] == ["不符合", "合同缺少条款：工作时限"]
    assert _row(m, "ELG-09")[2] == "须经审批"
    assert _row(m, "ELG-01")[2] == "符合"
    assert "审查结论：不符合资格。" in m.paragraphs
    conclusion = next(p for p in m.paragraphs if p.startswith("经审查"))
    assert "不具备" in conclusion
    assert "ELG-05" in conclusion
    assert "ELG-08" in conclusion


def test_without_a_number_the_number_line_is_left_blank(failing: dict[str, Memo]) -> None:
    """No document number: the prefix and year stay, the number is blank to fill by hand."""
    assert "七财评〔2024〕\u3000\u3000\u3000号" in failing["eligibility"].paragraphs


def test_failing_plan_review_names_missing_parts_and_the_conflicted_member(failing: dict[str, Memo]) -> None:
    """缺少“评价实施时间安排”; 产出、效益指标权重合计55，低于60; the conflicted member is named; 退回修改."""
    m = failing["review-plan"]
    assert _row(m, "PLN-01")[2:] == ["不符合", "评价方案缺少“评价实施时间安排”"]
    assert _row(m, "PLN-04")[2:] == ["不符合", "产出、效益指标权重合计55，低于60"]
    assert _row(m, "PLN-03")[2] == "符合"
    assert _row(m, "EXP-04")[2] == "不符合"
    recusal = "与上海某乙咨询有限公司任职（至2023年6月30日），结束未满三年，须回避"
    assert ["1", "张立", "市级财政专家库", "是", recusal] in m.rows
    assert ["5", "陈刚", "库外专家", "否", "无利益关联，无须回避"] in m.rows
    status = next(p for p in m.paragraphs if p.startswith("专家组状态"))
    assert status.startswith("专家组状态：无效。专家组组成不符合要求（EXP-03、EXP-04）。张立（E1）")
    assert "评审意见：退回修改。" in m.paragraphs
    verdict = next(p for p in m.paragraphs if p.startswith("经审查"))
    assert "PLN-01" in verdict
    assert "退回修改" in verdict
    assert ["", "专家组平均分", "55.00"] in m.rows


def test_failing_draft_review_and_fee(failing: dict[str, Memo]) -> None:
    """RPT-06 fails; 差 after rework is paid at 0.60 with a capped deduction; the follow-ups are listed."""
    review = failing["review-draft"]
    assert _row(review, "RPT-06")[2:] == ["不符合", "报告未签字盖章"]
    fee = failing["fee"]
    assert ["综合得分", "57.14"] in fee.rows
    assert ["综合评价等级", "差"] in fee.rows
    assert ["质量系数", "0.60"] in fee.rows
    assert ["逾期扣减", "8,000.00元（人民币捌仟元整）"] in fee.rows
    assert ["核定应付服务费", "40,000.00元"] in fee.rows
    assert ["大写金额", "人民币肆万元整"] in fee.rows
    follow = [p for p in fee.paragraphs if re.match(r"\d\. FLW-", p)]
    assert [p.split()[1] for p in follow] == ["FLW-02", "FLW-04", "FLW-05", "FLW-06"]
    assert "逾期17个工作日" in follow[1]


def test_referral_after_rework(failing: dict[str, Memo]) -> None:
    """移送函 to the district bureau when FLW-02 is raised."""
    m = failing["referral"]
    assert "关于移送上海某乙咨询有限公司有关情况的函" in m.paragraphs
    assert "闵行区财政局：" in m.paragraphs
    assert any(p.startswith("1. FLW-02 返工后仍为差，移送区财政局") for p in m.paragraphs)
    assert any("请对其定点服务机构资格进行复核" in p for p in m.paragraphs)
    assert any("核定应付40,000.00元（人民币肆万元整）" in p for p in m.paragraphs)
    assert any(text.startswith("FLW-02") for text in m.footnotes.values())


def test_referral_and_fee_with_prohibited_conduct() -> None:
    """FLW-03: the conduct is named, the fee is suspended (0.00, 人民币零元整), no deduction applies."""
    data = misconduct_case()
    decision = evaluate(data)
    referral = Memo(render(data, "referral", decision=decision))
    assert any(p.startswith("1. FLW-03 违规行为移送区财政局") for p in referral.paragraphs)
    assert any("该机构存在弄虚作假、串通行为" in p and "第四条" in p for p in referral.paragraphs)
    fee = Memo(render(data, "fee", decision=decision))
    assert ["支付状态", "暂停支付"] in fee.rows
    assert ["核定应付服务费", "0.00元"] in fee.rows
    assert ["大写金额", "人民币零元整"] in fee.rows
    assert ["逾期扣减", "不适用"] in fee.rows
    assert ["查实的禁止行为", "弄虚作假、串通"] in fee.rows
    assert any(text.startswith("FEE-06") for text in fee.footnotes.values())
    assert any(text.startswith("FEE-03 逾期扣款（本案不适用）") for text in fee.footnotes.values())
    assert any(text.startswith("ASM-04") for text in fee.footnotes.values())


def test_memos_from_the_fixture_decision_without_the_engine() -> None:
    """A stored decision renders on its own (the hand-checked fixture trace, engine not called)."""
    decision = load("failing.decision.json")
    m = Memo(render(case("failing"), "review-plan", decision=decision))
    assert _row(m, "PLN-01")[3] == "评价方案缺少“评价实施时间安排”"
    assert len(m.footnotes) == len(m.reference_ids) == 4 + 6 + 1


def test_office_comes_from_the_caller() -> None:
    """Office name, number prefix and district bureau are inputs, never text in a template."""
    office = OfficeInfo(name="莘庄镇财政所", number_prefix="莘财评", district_bureau="闵行区财政局（监督科）")
    data = case("failing")
    m = memo(data, "referral", office=office, number=12)
    assert "莘财评〔2024〕12号" in m.paragraphs
    assert "闵行区财政局（监督科）：" in m.paragraphs
    assert m.paragraphs[-3:-1] == ["莘庄镇财政所", "二〇二四年七月一日"]
    assert "七宝" not in m.parts["word/document.xml"].decode().replace("七宝镇社区", "").replace(
        "七宝镇老旧", ""
    )


def _pending(data: dict) -> dict:
    data = copy.deepcopy(data)
    del data["draft"]["scores"]["project_unit"]
    return data


@pytest.mark.parametrize(
    ("kind", "make", "words"),
    [
        ("fee", lambda: _pending(case()), ["服务费尚待核定", "报告初稿 项目单位未评分", "pending"]),
        (
            "review-plan",
            lambda: {**case(), "plan": None, "draft": None},
            ["评价方案尚未提交", "not submitted"],
        ),
        ("review-draft", lambda: {**case(), "draft": None}, ["报告初稿尚未提交", "not submitted"]),
        ("referral", case, ["FLW-02", "FLW-03", "nothing to refer"]),
    ],
)
def test_a_memo_the_case_cannot_support_is_a_clear_error(kind: str, make: object, words: list[str]) -> None:
    """Fee while pending, a review before submission, a referral without FLW-02/03: MemoNotApplicableError."""
    data = make()  # type: ignore[operator]
    with pytest.raises(MemoNotApplicableError) as info:
        render(data, kind)
    assert isinstance(info.value, KaopingError)
    for word in words:
        assert word in str(info.value)


def test_an_unknown_kind_lists_the_kinds() -> None:
    """An unknown kind is a ValueError naming every kind."""
    with pytest.raises(ValueError, match="eligibility, review-plan, review-draft, fee, referral") as info:
        render(case(), "letter")
    assert isinstance(info.value, UnknownMemoKindError)


def test_a_warn_failure_needs_approval() -> None:
    """Only ELG-09 fails (latest grade 差): the memo says 须经审批 and asks for the office head's approval."""
    data = case()
    data["agency"]["history"] = [{"decided_on": "2023-12-20", "composite": "55", "grade": "差"}]
    m = memo(data, "eligibility")
    assert _row(m, "ELG-09")[2] == "须经审批"
    assert "审查结论：须经审批。" in m.paragraphs
    assert any(p.startswith("经审查") and "须经财政所负责人审批同意后方可委托" in p for p in m.paragraphs)
