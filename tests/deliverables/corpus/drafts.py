"""The corpus's draft reports, each in a different real-world style, with its expected reading."""

from __future__ import annotations

from typing import Any

from tests.deliverables.corpus.plans import EXAMPLE, merged_level1
from tests.deliverables.corpus.writer import LEFT, UP, Writer

Doc = tuple[str, bytes, dict[str, Any]]
UNREAD = ["deadline", "submitted_on", "rework_round"]
UNREAD_AFTER = ["opinions_exchanged", "signed_and_sealed"]
SCORES = ["9", "4.5", "8.5", "9", "18", "13", "17", "8"]  # the worked example's, total 87
REPORT = [
    ("摘要", "summary"),
    ("项目基本情况", "project_overview"),
    ("评价工作开展情况", "evaluation_work"),
    ("综合评价结论及分析", "analysis_conclusion"),
    ("主要经验、存在问题及建议", "experience_problems_suggestions"),
    ("其他需要说明的问题", "other_matters"),
]
NUMBERS = "一二三四五六"


def scored(scores: list[str] = SCORES, weights: list[str] | None = None) -> list[dict[str, str]]:
    """Expected indicator scores of the example's indicators."""
    weights = weights or [e[2] for e in EXAMPLE]
    return [{"name": e[0], "weight": w, "score": s} for e, w, s in zip(EXAMPLE, weights, scores, strict=True)]


def score_table(
    w: Writer, *, total: str = "87", weight_total: str = "100", header: list[str] | None = None
) -> Any:
    """A plain score table (指标名称 | 分值 | 得分) with a 合计 row; its expected items recorded."""
    rows = [[e[0], e[2], s] for e, s in zip(EXAMPLE, SCORES, strict=True)]
    ref = w.table([header or ["指标名称", "分值", "得分"], *rows, ["合计", weight_total, total]])
    w.indicators(ref, 1, scored(), {"name": 0, "weight": 1, "score": 2})
    return ref


def draft_example() -> Doc:
    """The worked example's draft: the Shanghai outline in heading styles, total and grade in the text."""
    w = Writer("draft", "draft_example.docx")
    w.para("2024年七宝镇社区公共设施运维项目绩效评价报告（初稿）")
    for k, (title, code) in enumerate(REPORT):
        w.heading(f"{NUMBERS[k]}、{title}" if k else title, code)
        if code == "summary":
            w.para("本次评价对象为七宝镇社区公共设施运维项目。")
        if code == "evaluation_work":
            w.para("评价等级分为优、良、中、差四档，综合得分90分（含）以上为优。")
        if code == "analysis_conclusion":
            score_table(w)
            statement = w.para("经评价，本项目综合得分为87分，评价等级为“良”。")
            w.locations["reported_total"] = statement
            w.locations["reported_grade"] = statement
    fields = {"indicator_scores": w.items, "reported_total": "87", "reported_grade": "良"}
    return w.name, *w.finish(fields, UNREAD + UNREAD_AFTER)


def draft_heading_styles() -> Doc:
    """A Word TOC field, three indicator levels with merged cells, 良好 for 良, the total stated twice."""
    w = Writer("draft", "draft_01_heading_styles.docx")
    w.para("目录")
    w.word_toc([t for t, _ in REPORT])
    for k, (title, code) in enumerate(REPORT):
        w.heading(f"{NUMBERS[k]}、{title}", code)
        if code == "summary":
            w.para("项目综合得分为87分，评价等级为良好。")  # agrees with the conclusion: no warning
        if code == "analysis_conclusion":
            rows = [[e[1], e[0], f"{e[0]}指标", e[2], s] for e, s in zip(EXAMPLE, SCORES, strict=True)]
            ref = w.table(
                [
                    ["一级指标", "二级指标", "三级指标", "分值", "得分"],
                    *merged_level1(rows),
                    ["合计", LEFT, LEFT, "100", "87"],
                ]
            )
            items = [
                {"name": f"{e[0]}指标", "weight": e[2], "score": s}
                for e, s in zip(EXAMPLE, SCORES, strict=True)
            ]
            w.indicators(ref, 1, items, {"name": 2, "weight": 3, "score": 4})
            conclusion = w.para("综上，项目综合得分：87分，绩效评价等级为“良好”。")
            w.locations["reported_total"] = conclusion
            w.locations["reported_grade"] = conclusion
    fields = {"indicator_scores": w.items, "reported_total": "87", "reported_grade": "良"}
    return w.name, *w.finish(fields, UNREAD + UNREAD_AFTER)


def draft_auto_numbering() -> Doc:
    """The whole outline in Word's automatic numbering; a band description that is no statement."""
    w = Writer("draft", "draft_02_auto_numbering.docx")
    w.use_numbering()
    for title, code in REPORT:
        w.heading(title, code, how="auto_style")
        if code == "evaluation_work":
            w.heading("评价方法", None, how="auto", level=2)
            w.para("综合得分90分（含）以上为优，80分（含）至90分为良，评价等级分为优、良、中、差。")
        if code == "analysis_conclusion":
            score_table(w, total="91.5")
            conclusion = w.para("项目综合得分：91.5分，绩效评价等级为“优秀”。")
            w.locations["reported_total"] = conclusion
            w.locations["reported_grade"] = conclusion
    fields = {"indicator_scores": w.items, "reported_total": "91.5", "reported_grade": "优"}
    return w.name, *w.finish(fields, UNREAD + UNREAD_AFTER)


def draft_total_conflict() -> Doc:
    """The 合计 row (87) and the text (87.5) disagree: the text is read, a warning names both."""
    w = Writer("draft", "draft_03_total_conflict.docx")
    for k, (title, code) in enumerate(REPORT):
        w.heading(f"{NUMBERS[k]}、{title}", code, how="bold")
        if code == "analysis_conclusion":
            ref = score_table(w)
            conclusion = w.para("本项目综合得分为87.5分，评价等级为“良”。")
            w.locations["reported_total"] = conclusion
            w.locations["reported_grade"] = conclusion
            w.warn("reported_total_conflict", conclusion, ref.cell(9, 2))
    fields = {"indicator_scores": w.items, "reported_total": "87.5", "reported_grade": "良"}
    return w.name, *w.finish(fields, UNREAD + UNREAD_AFTER)


def draft_bold_typed() -> Doc:
    """第一部分 … headings in bold, a typed TOC, full-width digits in the statements."""
    w = Writer("draft", "draft_04_bold_typed.docx")
    w.para("目 录")
    for k, (title, _) in enumerate(REPORT):
        w.para(f"第{NUMBERS[k]}部分 {title}\t{k + 1}")
    conclusion = None
    for k, (title, code) in enumerate(REPORT):
        w.heading(f"第{NUMBERS[k]}部分　{title}", code, how="bold")
        if code == "summary":
            w.para("项目综合得分为８７分，评价等级为“良”。")
        if code == "analysis_conclusion":
            score_table(w, header=["评价指标", "权重", "实际得分"])
            conclusion = w.para("综合评分为８７分；评价结果为良。")
    assert conclusion is not None
    w.locations["reported_total"] = conclusion
    w.locations["reported_grade"] = conclusion
    fields = {"indicator_scores": w.items, "reported_total": "87", "reported_grade": "良"}
    return w.name, *w.finish(fields, UNREAD + UNREAD_AFTER)


def draft_national_outline() -> Doc:
    """The 财预〔2020〕10号 outline: no 摘要, sub-headings that head nothing, a TOC content control."""
    w = Writer("draft", "draft_05_national_outline.docx")
    w.sdt_toc(["一、基本情况 1", "二、绩效评价工作开展情况 2"])
    w.heading("一、基本情况", "project_overview")
    w.heading("（一）项目概况", "project_overview", level=2)
    w.heading("（二）项目绩效目标", None, level=2)
    w.heading("二、绩效评价工作开展情况", "evaluation_work")
    w.heading("三、综合评价情况及评价结论（附相关评分表）", "analysis_conclusion")
    statement = w.para("项目综合得分为87分，评价等级为“良”。")
    score_table(w)
    w.heading("四、绩效评价指标分析", "analysis_conclusion")
    w.heading("（一）项目决策情况", None, level=2)
    w.heading("五、主要经验及做法、存在的问题及原因分析", "experience_problems_suggestions")
    w.heading("六、有关建议", "experience_problems_suggestions")
    w.heading("七、其他需要说明的问题", "other_matters")
    w.locations["reported_total"] = statement
    w.locations["reported_grade"] = statement
    fields = {"indicator_scores": w.items, "reported_total": "87", "reported_grade": "良"}
    return w.name, *w.finish(fields, UNREAD + UNREAD_AFTER)


def draft_two_row_continued() -> Doc:
    """A two-row header, continued after a page break; the weights' 合计 disagrees with the rows."""
    w = Writer("draft", "draft_06_two_row_continued.docx")
    for k, (title, code) in enumerate(REPORT):
        w.heading(f"{NUMBERS[k]}、{title}", code)
        if code != "analysis_conclusion":
            continue
        header = [["评价指标", LEFT, "分值", "得分"], ["一级指标", "二级指标", UP, UP]]
        rows = [[e[1], e[0], e[2], s] for e, s in zip(EXAMPLE, SCORES, strict=True)]
        first = w.table([*header, *merged_level1(rows[:4])], header_rows=2)
        w.indicators(first, 2, scored()[:4], {"name": 1, "weight": 2, "score": 3})
        w.page_break()
        second = w.table([*header, *merged_level1(rows[4:]), ["合计", LEFT, "101", "87"]], header_rows=2)
        w.indicators(second, 2, scored()[4:], {"name": 1, "weight": 2, "score": 3}, start=4)
        w.warn("total_row_mismatch", second.cell(6, 2))
        conclusion = w.para("经综合评价，项目总得分为87分，评价等级为良。")
        w.locations["reported_total"] = conclusion
        w.locations["reported_grade"] = conclusion
    fields = {"indicator_scores": w.items, "reported_total": "87", "reported_grade": "良"}
    return w.name, *w.finish(fields, UNREAD + UNREAD_AFTER)


def draft_summary_conflict() -> Doc:
    """The summary (88) and the conclusion (87) disagree: the conclusion is read; the grade in a table too."""
    w = Writer("draft", "draft_07_summary_conflict.docx")
    summary = conclusion = None
    for k, (title, code) in enumerate(REPORT):
        w.heading(f"{NUMBERS[k]}、{title}", code)
        if code == "summary":
            summary = w.para("项目综合得分为88分。")
        if code == "analysis_conclusion":
            score_table(w, total="")
            w.table([["综合得分", "87"], ["评价等级", "良"]])
            conclusion = w.para("项目综合得分为87分，评价等级为“良”。")
    assert summary is not None
    assert conclusion is not None
    w.locations["reported_total"] = conclusion
    w.locations["reported_grade"] = conclusion
    w.warn("reported_total_conflict", conclusion, summary)
    fields = {"indicator_scores": w.items, "reported_total": "87", "reported_grade": "良"}
    return w.name, *w.finish(fields, UNREAD + UNREAD_AFTER)


def draft_ambiguous() -> Doc:
    """No conclusion section, two statements that disagree, a score cell that is no number: all unread."""
    w = Writer("draft", "draft_08_ambiguous.docx")
    w.heading("一、摘要", "summary")
    first = w.para("综合得分为87分。")
    w.heading("二、项目概况", "project_overview")
    w.heading("三、评价结果", None)
    other = w.para("综合得分为86分。")
    rows = [[e[0], e[2], s] for e, s in zip(EXAMPLE, SCORES, strict=True)]
    rows[2][2] = "待定"
    ref = w.table([["指标名称", "分值", "得分"], *rows])
    w.warn("unreadable_number", ref.cell(3, 2))
    w.warn("reported_total_ambiguous", first, other)
    unread = [*UNREAD, "indicator_scores", "reported_total", "reported_grade", *UNREAD_AFTER]
    return w.name, *w.finish({}, unread)


DRAFTS = (
    draft_example,
    draft_heading_styles,
    draft_auto_numbering,
    draft_total_conflict,
    draft_bold_typed,
    draft_national_outline,
    draft_two_row_continued,
    draft_summary_conflict,
    draft_ambiguous,
)
