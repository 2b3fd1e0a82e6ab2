"""The corpus's evaluation plans, each in a different real-world style, with its expected reading."""

from __future__ import annotations

from typing import Any

from tests.deliverables.corpus.writer import LEFT, UP, Writer

Doc = tuple[str, bytes, dict[str, Any]]
UNREAD = ["deadline", "submitted_on"]
PLAN_SECTIONS = ["project_overview", "evaluation_framework", "evidence_methods", "timetable"]

# The worked example's indicators (rulebook §7): name, level1, weight, standard, method, evidence.
EXAMPLE = [
    ("项目立项", "决策", "10", "计划标准", "比较法", "E-01"),
    ("绩效目标", "决策", "5", "计划标准", "比较法", "E-02"),
    ("资金管理", "过程", "10", "计划标准", "因素分析法", "E-03"),
    ("组织实施", "过程", "10", "行业标准", "因素分析法", "E-04"),
    ("产出数量", "产出", "20", "计划标准", "比较法", "E-05"),
    ("产出质量", "产出", "15", "行业标准", "比较法", "E-06"),
    ("社会效益", "效益", "20", "历史标准", "公众评判法", "E-07"),
    ("满意度", "效益", "10", "其他标准", "公众评判法", "E-08"),
]
FIELDS = ("name", "level1", "weight", "standard", "method", "evidence_ref")


def item(
    name: str, level1: str, weight: str, standard: str, method: str, evidence: str | None
) -> dict[str, Any]:
    """An expected indicator (a blank evidence cell leaves ``evidence_ref`` out)."""
    out = dict(zip(FIELDS, (name, level1, weight, standard, method), strict=False))
    if evidence:
        out["evidence_ref"] = evidence
    return out


def merged_level1(rows: list[list[str]], column: int = 0) -> list[list[str]]:
    """The level-1 column written once per group, the rows below merged into it."""
    out = []
    for i, row in enumerate(rows):
        written = list(row)
        if i > 0 and rows[i - 1][column] == row[column]:
            written[column] = UP
        out.append(written)
    return out


def plan_example() -> Doc:
    """The worked example's plan: heading styles, a Word TOC field, level-1 cells merged down."""
    w = Writer("plan", "plan_example.docx")
    w.para("2024年七宝镇社区公共设施运维项目绩效评价方案")
    w.para("目录")
    w.word_toc(
        [
            "一、项目概况",
            "二、评价目的",
            "三、绩效评价指标体系",
            "四、证据收集和分析方法",
            "五、评价实施时间安排",
        ]
    )
    w.page_break()
    w.heading("一、项目概况", "project_overview")
    w.para("本项目为七宝镇社区公共设施日常运维，预算资金80万元。")
    w.heading("二、评价目的", None)
    w.para("通过评价，了解项目绩效目标完成情况。本方案的评价方法、工作安排详见下文。")
    w.heading("三、绩效评价指标体系", "evaluation_framework")
    w.para("评价指标体系")  # a caption that is the heading's text: the section is read at its first heading
    rows = [[lv1, name, weight, std, method, ev] for name, lv1, weight, std, method, ev in EXAMPLE]
    ref = w.table(
        [["一级指标", "二级指标", "分值", "评价标准", "评价方法", "证据索引"], *merged_level1(rows)]
    )
    columns = {"name": 1, "level1": 0, "weight": 2, "standard": 3, "method": 4, "evidence_ref": 5}
    w.indicators(ref, 1, [item(*e) for e in EXAMPLE], columns)
    w.heading("四、证据收集和分析方法", "evidence_methods")
    w.para("采用资料核查、问卷调查和实地勘察相结合的方法收集证据。")
    w.heading("五、评价实施时间安排", "timetable")
    w.para("2024年4月至6月。")
    return w.name, *w.finish({"indicators": w.items}, UNREAD)


def plan_bold_typed() -> Doc:
    """Bold body headings with typed numbering, stray spaces, full-width punctuation; a typed TOC."""
    w = Writer("plan", "plan_02_bold_typed.docx")
    w.para("目  录")
    for line in ("一、项目概况……………………1", "（二）绩效评价指标体系……2", "3. 评价方法\t3", "4．工作安排\t4"):
        w.para(line)
    w.heading("一、 项目 概况", "project_overview", how="bold")
    w.para("项目概况如下：本项目覆盖全镇12个社区。")
    w.heading("（二）绩效评价指标体系：", "evaluation_framework", how="bold")
    header = ["一级指标", "指标名称", "权重", "评价依据", "评分方法", "佐证材料"]
    weights = ["１０", "5分", "10.0", "10%", "20", "15.00", "20", "10"]
    rows = [
        [lv1, name, wt, std, method, ev]
        for (name, lv1, _, std, method, ev), wt in zip(EXAMPLE, weights, strict=True)
    ]
    ref = w.table([header, *rows, ["合计", "", "100", "", "", ""]])
    columns = {"name": 1, "level1": 0, "weight": 2, "standard": 3, "method": 4, "evidence_ref": 5}
    w.indicators(ref, 1, [item(*e) for e in EXAMPLE], columns)
    w.para("以上评价方法和工作安排经委托方确认。")
    w.heading("3. 评价方法", "evidence_methods", how="bold")
    w.para("评价方法")  # the same heading again, plain: still one section
    w.heading("4．工作安排", "timetable", how="bold")
    return w.name, *w.finish({"indicators": w.items}, UNREAD)


def plan_two_row_header() -> Doc:
    """A header over two rows (评价指标 over three levels), levels merged down, standards with detail."""
    w = Writer("plan", "plan_03_two_row_header.docx")
    w.sdt_toc(["第一部分 项目基本情况 1", "第二部分 绩效评价框架 2"])
    w.heading("第一部分 项目基本情况", "project_overview")
    w.heading("第二部分 绩效评价框架", "evaluation_framework")
    header = [
        ["评价指标", LEFT, LEFT, "分值", "评价标准", "评价方法", "证据"],
        ["一级指标", "二级指标", "三级指标", UP, UP, UP, UP],
    ]
    data = [
        ["决策", "项目立项", "立项规范性", "10", "计划标准：年度计划完成率100%", "比较法", "E-01"],
        ["决策", "绩效目标", "目标明确性", "5", "计划标准", "比较法", "E-02"],
        ["过程", "资金管理", "资金使用合规性", "10", "计划标准（预算批复）", "因素分析法", "E-03"],
        ["过程", "组织实施", "管理制度健全性", "10", "行业标准：同类项目平均水平", "因素分析法", "E-04"],
        ["产出", "产出数量", "设施维护完成率", "20", "计划标准", "比较法", "E-05"],
        ["产出", "产出质量", "维护合格率", "15", "按行业标准", "比较法", "E-06"],
        ["效益", "社会效益", "设施完好率提升", "20", "历史标准：2023年度同期数据", "公众评判法", "E-07"],
        ["效益", "满意度", "居民满意度", "10", "其他标准（问卷调查）", "公众评判法", "E-08"],
    ]
    rows = merged_level1(merged_level1(data, 0), 1)
    ref = w.table([*header, *rows], header_rows=2)
    expected = [
        item(d[2], d[0], d[3], std, d[5], d[6])
        for d, std in zip(
            data,
            ["计划标准", "计划标准", "计划标准", "行业标准", "计划标准", "行业标准", "历史标准", "其他标准"],
            strict=True,
        )
    ]
    columns = {"name": 2, "level1": 0, "weight": 3, "standard": 4, "method": 5, "evidence_ref": 6}
    w.indicators(ref, 2, expected, columns)
    w.heading("第三部分 证据收集与分析方法", "evidence_methods")
    w.heading("第四部分 评价工作安排", "timetable")
    return w.name, *w.finish({"indicators": w.items}, UNREAD)


def plan_continued() -> Doc:
    """The table continued after a page break with its header repeated; a 合计 row that disagrees."""
    w = Writer("plan", "plan_04_continued.docx")
    w.heading("第一章 项目概况", "project_overview", how="bold")
    w.heading("第二章 评价指标体系", "evaluation_framework", how="bold")
    header = ["一级指标", "二级指标", "分值", "评价标准", "评价方法", "证据索引"]
    rows = [[lv1, name, wt, std, method, ev] for name, lv1, wt, std, method, ev in EXAMPLE]
    columns = {"name": 1, "level1": 0, "weight": 2, "standard": 3, "method": 4, "evidence_ref": 5}
    first = w.table([header, *merged_level1(rows[:3])])
    w.indicators(first, 1, [item(*e) for e in EXAMPLE[:3]], columns)
    w.page_break()
    second_rows = merged_level1(rows[3:])
    second_rows[0][0] = ""  # the merged 过程 cell split by the page break: blank on the new page
    second = w.table([header, *second_rows, ["合计", LEFT, "99", "", "", ""]])
    w.indicators(second, 1, [item(*e) for e in EXAMPLE[3:]], columns, start=3)
    # the blank level-1 cell reads the level-1 above it, in the first table's last row
    w.locations["indicators.3.level1"] = first.cell(3, 0)
    w.warn("level1_carried", second.cell(1, 0), first.cell(3, 0))
    w.warn("total_row_mismatch", second.cell(6, 2))
    w.heading("第三章 评价方法", "evidence_methods", how="bold")
    w.heading("第四章 进度安排", "timetable", how="bold")
    return w.name, *w.finish({"indicators": w.items}, UNREAD)


def plan_sum_9999() -> Doc:
    """Weights summing to 99.99; level-2 heading styles; 资料来源 as the evidence column."""
    w = Writer("plan", "plan_05_sum_9999.docx")
    w.heading("（一）项目基本情况", "project_overview", level=2)
    w.heading("（二）绩效评价指标体系", "evaluation_framework", level=2)
    weights = ["10", "5", "10", "10", "20", "15", "20", "9.99"]
    rows = [
        [lv1, name, wt, std, method, ev]
        for (name, lv1, _, std, method, ev), wt in zip(EXAMPLE, weights, strict=True)
    ]
    ref = w.table([["一级指标", "二级指标", "权重", "评价标准", "评价方法", "资料来源"], *rows])
    expected = [item(e[0], e[1], wt, *e[3:]) for e, wt in zip(EXAMPLE, weights, strict=True)]
    w.indicators(
        ref, 1, expected, {"name": 1, "level1": 0, "weight": 2, "standard": 3, "method": 4, "evidence_ref": 5}
    )
    w.heading("（三）证据收集和分析方法", "evidence_methods", level=2)
    w.heading("（四）时间安排", "timetable", level=2)
    return w.name, *w.finish({"indicators": w.items}, UNREAD)


def plan_sum_999_missing() -> Doc:
    """Weights summing to 99.9, no timetable section, a blank evidence cell, an unknown heading."""
    w = Writer("plan", "plan_06_sum_999_missing.docx")
    w.heading("一、项目概况", "project_overview")
    w.heading("二、评价指标体系", "evaluation_framework")
    weights = ["10", "5", "10", "10", "20", "15", "20", "9.9"]
    evidence = ["E-01", "E-02", "E-03", "", "E-05", "E-06", "E-07", "E-08"]
    rows = [
        [lv1, name, wt, std, method, ev]
        for (name, lv1, _, std, method, _), wt, ev in zip(EXAMPLE, weights, evidence, strict=True)
    ]
    ref = w.table([["一级指标", "二级指标", "标准分", "评价标准", "评价方法", "证据编号"], *rows])
    expected = [
        item(e[0], e[1], wt, e[3], e[4], ev) for e, wt, ev in zip(EXAMPLE, weights, evidence, strict=True)
    ]
    w.indicators(
        ref, 1, expected, {"name": 1, "level1": 0, "weight": 2, "standard": 3, "method": 4, "evidence_ref": 5}
    )
    w.heading("三、评价方法", "evidence_methods")
    w.heading("四、其他事项", None)
    return w.name, *w.finish({"indicators": w.items}, UNREAD)


def plan_auto_numbering() -> Doc:
    """Word's automatic numbering (the number not in the text); level-1 cells 决策（15分）; 小计 rows."""
    w = Writer("plan", "plan_07_auto_numbering.docx")
    w.use_numbering()
    w.heading("项目概况", "project_overview", how="auto")
    w.heading("评价目的与范围", None, how="auto_style")
    w.heading("绩效评价指标体系", "evaluation_framework", how="auto_style")
    rows: list[list[str]] = []
    items: list[dict[str, Any] | None] = []
    points = {"决策": "15", "过程": "20", "产出": "35", "效益": "30"}
    for level, total in points.items():
        group = [e for e in EXAMPLE if e[1] == level]
        for k, (name, _, wt, std, method, ev) in enumerate(group):
            rows.append([f"{level}（{total}分）" if k == 0 else UP, name, wt, std, method, ev])
            items.append(item(name, level, wt, std, method, ev))
        rows.append(["小计", LEFT, total, "", "", ""])
        items.append(None)
    rows.append(["合计", LEFT, "100", "", "", ""])
    ref = w.table([["一级指标", "二级指标", "分值", "评价标准", "评价方法", "证据索引"], *rows])
    w.indicators(
        ref, 1, items, {"name": 1, "level1": 0, "weight": 2, "standard": 3, "method": 4, "evidence_ref": 5}
    )
    w.heading("证据收集方法", "evidence_methods", how="auto")
    w.heading("进度安排", "timetable", how="auto")
    return w.name, *w.finish({"indicators": w.items}, UNREAD)


def plan_two_tables() -> Doc:
    """A level-1 summary table before the detailed one (the detailed is read); a cell naming two standards."""
    w = Writer("plan", "plan_08_two_tables.docx")
    w.heading("一、项目概况", "project_overview", how="plain")
    w.heading("二、绩效评价指标体系", "evaluation_framework", how="plain")
    w.table([["一级指标", "分值"], ["决策", "15"], ["过程", "20"], ["产出", "35"], ["效益", "30"]])
    w.para("各指标分值及评价标准如下：")
    two = "行业标准、历史标准"
    data = [list(e) for e in EXAMPLE]
    data[5][3] = two
    rows = [[lv1, name, wt, std, method, ev] for name, lv1, wt, std, method, ev in data]
    ref = w.table(
        [["一级指标", "二级指标", "分值", "评价标准", "评价方法", "证据索引"], *merged_level1(rows)]
    )
    w.indicators(
        ref,
        1,
        [item(*e) for e in data],
        {"name": 1, "level1": 0, "weight": 2, "standard": 3, "method": 4, "evidence_ref": 5},
    )
    w.warn("standard_ambiguous", ref.cell(6, 3))
    w.heading("三、评价方法", "evidence_methods", how="plain")
    w.heading("四、时间安排", "timetable", how="plain")
    return w.name, *w.finish({"indicators": w.items}, UNREAD)


def plan_unreadable() -> Doc:
    """A weight cell that is no number (待定): the indicators stay unread, the warning names the cell."""
    w = Writer("plan", "plan_09_unreadable.docx")
    w.heading("一、项目概况", "project_overview")
    w.heading("二、评价指标体系", "evaluation_framework")
    rows = [[lv1, name, wt, std, method, ev] for name, lv1, wt, std, method, ev in EXAMPLE]
    rows[7][2] = "待定"
    ref = w.table([["一级指标", "二级指标", "分值", "评价标准", "评价方法", "证据索引"], *rows])
    w.warn("unreadable_number", ref.cell(8, 2))
    w.heading("三、评价方法", "evidence_methods")
    w.heading("四、工作安排", "timetable")
    return w.name, *w.finish({}, [*UNREAD, "indicators"])


PLANS = (
    plan_example,
    plan_bold_typed,
    plan_two_row_header,
    plan_continued,
    plan_sum_9999,
    plan_sum_999_missing,
    plan_auto_numbering,
    plan_two_tables,
    plan_unreadable,
)
