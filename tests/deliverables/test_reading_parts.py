"""The reader's parts, case by case: heading numbering, tables of contents, numbers, standards, statements."""

from __future__ import annotations

import pytest

from engine.deliverables.body import Paragraph
from engine.deliverables.headings import is_toc_entry, looks_like_heading, strip_numbering
from engine.deliverables.values import level_name, number, standard
from engine.deliverables.words import nfkc, words

WORDS = words()


@pytest.mark.parametrize(
    ("text", "stripped"),
    [
        ("一、项目概况", "项目概况"),
        ("（一）项目概况", "项目概况"),
        ("(三) 项目概况", "项目概况"),
        ("1. 项目概况", "项目概况"),
        ("1．项目概况", "项目概况"),
        ("1、项目概况", "项目概况"),
        ("1.1 项目概况", "项目概况"),
        ("第一部分 项目概况", "项目概况"),
        ("第一章　项目概况", "项目概况"),
        ("第3节 项目概况", "项目概况"),
        ("①项目概况", "项目概况"),
        ("十二、其他需要说明的问题", "其他需要说明的问题"),
        ("2024年度工作安排", "2024年度工作安排"),
        ("项目概况", "项目概况"),
    ],
)
def test_typed_numbering_is_removed(text: str, stripped: str) -> None:
    """一、 （一） 1. 1． 1.1 第一部分 第一章 ①; a year is no number."""
    assert strip_numbering(text) == stripped


@pytest.mark.parametrize(
    ("node", "text", "code"),
    [
        ("plan", "一、 项目 概况：", "project_overview"),
        ("plan", "（二）绩效评价指标体系", "evaluation_framework"),
        ("plan", "三、资料收集与分析", "evidence_methods"),
        ("plan", "四、进度安排", "timetable"),
        ("plan", "项目概况如下", None),
        ("plan", "本次评价方法主要包括比较法", None),
        ("draft", "摘  要", "summary"),
        ("draft", "三、综合评价情况及评价结论（附相关评分表）", "analysis_conclusion"),
        ("draft", "五、主要经验及做法、存在的问题及原因分析", "experience_problems_suggestions"),
        ("draft", "七、其他需要说明的问题", "other_matters"),
        ("draft", "项目概况", "project_overview"),
        ("draft", "评价方法", None),
    ],
)
def test_a_heading_is_its_whole_text_less_numbering_spaces_and_punctuation(
    node: str, text: str, code: str | None
) -> None:
    """Body text that mentions a heading's words heads nothing."""
    assert WORDS.section(node, strip_numbering(text)) == code  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "toc"),
    [
        ("一、项目概况……………1", True),
        ("一、项目概况\t3", True),
        ("一、项目概况........12", True),
        ("一、项目概况", False),
        ("完成率达到100", False),
    ],
)
def test_a_typed_table_of_contents_line_ends_in_a_page_number(text: str, toc: bool) -> None:
    """Leader dots or a tab, then the page number."""
    assert is_toc_entry(text) is toc


def _paragraph(
    text: str, *, outline: int | None = None, bold: bool = False, numbered: bool = False
) -> Paragraph:
    return Paragraph(index=0, text=text, outline=outline, bold=bold, numbered=numbered, toc=False)


def test_what_looks_like_a_heading() -> None:
    """A heading style; a short bold, auto-numbered or typed-numbered paragraph that is not a sentence."""
    assert looks_like_heading(_paragraph("评价目的", outline=0))
    assert looks_like_heading(_paragraph("评价目的", bold=True))
    assert looks_like_heading(_paragraph("评价目的", numbered=True))
    assert looks_like_heading(_paragraph("二、评价目的"))
    assert not looks_like_heading(_paragraph("评价目的"))
    assert not looks_like_heading(_paragraph("二、评价目的是了解绩效。", bold=True))
    assert not looks_like_heading(_paragraph("2024年七宝镇社区公共设施运维项目绩效评价方案"))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("10", "10"),
        ("10.0", "10"),
        ("１０", "10"),
        ("10分", "10"),
        ("10 分", "10"),
        ("10%", "10"),
        ("10（分）", "10"),
        ("87.50", "87.5"),
        ("0.5", "0.5"),
        ("100", "100"),
        ("100.01", None),
        ("9.999", None),
        ("待定", None),
        ("", None),
        ("-5", None),
        ("十", None),
    ],
)
def test_a_number_is_read_by_value(text: str, value: str | None) -> None:
    """Width, unit and trailing zeros do not matter; outside 0–100 with two decimals is no number."""
    assert number(text, WORDS) == value


def test_a_total_may_exceed_the_contract_range() -> None:
    """A total row's figure is read unbounded, to compare with the rows' sum."""
    assert number("101", WORDS, bounded=False) == "101"


@pytest.mark.parametrize(
    ("text", "read", "named"),
    [
        ("计划标准：年度计划完成率100%", "计划标准", 1),
        ("按行业标准", "行业标准", 1),
        ("历史标准（2023年同期）", "历史标准", 1),
        ("行业标准、历史标准", "行业标准、历史标准", 2),
        ("年度计划完成率100%", "年度计划完成率100%", 0),
    ],
)
def test_a_standard_is_read_when_the_cell_names_exactly_one(text: str, read: str, named: int) -> None:
    """Else the text is kept as written for PLN-05 to judge."""
    assert standard(text, WORDS)[0] == read
    assert len(standard(text, WORDS)[1]) == named


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("决策", "决策"),
        ("决策（20分）", "决策"),
        ("一、决策", "决策"),
        ("决\n策", "决策"),
        ("项目决策", "项目决策"),
    ],
)
def test_a_level1_cell_less_numbering_and_point_count(text: str, read: str) -> None:
    """Typed numbering and （20分） are left out; any other word is kept."""
    assert level_name(text) == read


@pytest.mark.parametrize(
    ("text", "total", "grade"),
    [
        ("综合得分为87.5分，评价等级为“良”。", ["87.5"], ["良"]),
        ("项目综合得分：91分，绩效评价等级为优秀。", ["91"], ["优秀"]),
        ("综合评分为８７分；评价结果为良。", ["87"], ["良"]),
        ("综合得分90分（含）以上为优，80分（含）至90分为良。", [], []),
        ("综合得分80-89分为良", [], []),
        ("评价等级分为优、良、中、差四档。", [], []),
        ("评价结果为良性循环", [], []),
        ("综合得分率为87%", [], []),
        ("总得分为87分，评价等级：良", ["87"], ["良"]),
    ],
)
def test_the_text_states_a_total_and_a_grade(text: str, total: list[str], grade: list[str]) -> None:
    """A phrase, 为/是/： and the value; a band (以上, 至, -) is no statement."""
    normal = nfkc(text)
    assert [m.group("number") for m in WORDS.total_statement.finditer(normal)] == total
    assert [m.group("grade") for m in WORDS.grade_statement.finditer(normal)] == grade
