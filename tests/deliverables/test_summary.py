"""The reading's summary for a person, in Chinese by default and in English on request."""

from __future__ import annotations

from engine.deliverables import read_deliverable
from engine.deliverables.summary import summary
from tests.deliverables.conftest import CORPUS


def test_the_summary_names_sections_lists_unread_and_warnings() -> None:
    """Sections with their headings, the headings that head nothing, counts, unread fields, warnings."""
    path = CORPUS / "draft_08_ambiguous.docx"
    reading = read_deliverable(path.read_bytes(), name="初稿.docx", node="draft")
    assert summary(reading) == [
        "已读取 初稿.docx（报告初稿）",
        "识别的章节：摘要（第1段“一、摘要”）、项目概况（第3段“二、项目概况”）",
        "未对应任何章节的标题：第4段“三、评价结果”",
        (
            "未从文件读取（须由财政所确认或补充）：报告初稿截止日期、报告初稿提交日期、返工次数、指标得分、报告总分、"
            "报告评价等级、是否已与被评价单位交换意见、是否已签字盖章"
        ),
        "提示：表1第4行‘得分’栏的“待定”不是0至100之间、至多两位小数的数值，指标得分无法读取，指标未读取",
        "提示：第2段所述总分87与第5段的86不一致，无法确定报告总分，未读取",
    ]


def test_the_summary_in_english() -> None:
    """Terms from the vocabulary's English labels."""
    path = CORPUS / "plan_example.docx"
    lines = summary(read_deliverable(path.read_bytes(), name=path.name, node="plan"), "en")
    assert lines[0] == "read plan_example.docx (evaluation plan)"
    assert lines[1].startswith("sections found: project overview (paragraph 9: 一、项目概况)")
    assert lines[2] == "headings that head no known section: paragraph 11: 二、评价目的"
    assert lines[3] == "indicators: 8 read"
