"""Median milliseconds to read a 40-page draft report with 3 tables and 60 indicators (target ≤ 300 ms).

Run: ``.venv/bin/python bench/bench_read.py [--runs 30]``. The report is generated in memory with
python-docx: the Shanghai outline, about 40 pages of body text, a particulars table, a score table of 60
indicators (level-1 cells merged down, a 合计 row) and a table of problems; the text states the total and
the grade. The first read (the rulebook's words compiled, python-docx's first document) is reported apart.

It then shows that ``kaoping evaluate`` of a case that carries no file does not load the reader: in a
fresh process it runs the command on the worked example and lists which of ``engine.deliverables``,
``docx`` and ``lxml`` it imported (none may be), and times the command end to end.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import time
from pathlib import Path

import docx

from engine.deliverables import read_deliverable

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "QB-2024-007.case.json"
TARGET_MS = 300.0
SECTIONS = [
    "摘要",
    "项目基本情况",
    "评价工作开展情况",
    "综合评价结论及分析",
    "主要经验、存在问题及建议",
    "其他需要说明的问题",
]
LEVEL1 = ["决策", "过程", "产出", "效益"]
SENTENCE = (
    "评价组通过资料核查、现场勘察和问卷调查，对项目的立项依据、资金使用、组织管理和实施效果进行了"
    "全面了解，相关数据经项目单位确认，证据已编入证据索引。"
)
PARAGRAPHS_PER_SUBSECTION = 16
SUBSECTIONS = 6
INDICATORS = 60


def report() -> bytes:
    """The generated 40-page report."""
    document = docx.Document()
    document.add_paragraph("七宝镇某项目绩效评价报告（初稿）")
    numbers = "一二三四五六"
    for k, title in enumerate(SECTIONS):
        document.add_heading(f"{numbers[k]}、{title}", 1)
        if k == 1:
            table = document.add_table(rows=8, cols=4)
            for r, row in enumerate(table.rows):
                for c, cell in enumerate(row.cells):
                    cell.text = f"项目信息{r}-{c}"
        if k == 3:
            table = document.add_table(rows=INDICATORS + 2, cols=6)
            for cell, text in zip(
                table.rows[0].cells,
                ["一级指标", "二级指标", "三级指标", "分值", "得分", "评分依据"],
                strict=True,
            ):
                cell.text = text
            for i in range(INDICATORS):
                cells = table.rows[i + 1].cells
                for cell, text in zip(
                    cells[1:],
                    [f"二级{i // 3}", f"三级指标{i}", "1.5" if i % 2 else "2", "1", "依据评分标准"],
                    strict=True,
                ):
                    cell.text = text
            group = INDICATORS // len(LEVEL1)
            for g, level in enumerate(LEVEL1):
                top = table.cell(1 + g * group, 0).merge(table.cell(g * group + group, 0))
                top.text = level
            total = table.rows[-1].cells
            total[0].text, total[3].text, total[4].text = "合计", "105", "60"
            document.add_paragraph("经综合评价，项目综合得分为60分，评价等级为“中”。")
        if k == 4:
            table = document.add_table(rows=10, cols=3)
            for r, row in enumerate(table.rows):
                for c, cell in enumerate(row.cells):
                    cell.text = f"问题{r}-{c}"
        for s in range(SUBSECTIONS):
            document.add_heading(f"（{numbers[s]}）{title}之{s + 1}", 2)
            for _ in range(PARAGRAPHS_PER_SUBSECTION):
                document.add_paragraph(SENTENCE)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def evaluate_without_a_file(runs: int) -> tuple[list[str], float]:
    """Modules of the reader that ``kaoping evaluate`` loads (none), and its median wall time in ms."""
    probe = (
        "import sys, io, contextlib\n"
        "from api.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main(['evaluate', {str(EXAMPLE)!r}])\n"
        "loaded = sorted(m for m in ('engine.deliverables', 'docx', 'lxml') if m in sys.modules)\n"
        "print(code, ','.join(loaded))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, check=True, capture_output=True, text=True)
    code, _, loaded = out.stdout.strip().partition(" ")
    if code != "0":
        raise SystemExit(f"kaoping evaluate failed: {out.stdout}{out.stderr}")
    kaoping = str(Path(sys.executable).with_name("kaoping"))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([kaoping, "evaluate", str(EXAMPLE)], check=True, capture_output=True)
        times.append((time.perf_counter() - start) * 1000)
    return [m for m in loaded.split(",") if m], statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=30, help="reads to time (default 30)")
    parser.add_argument(
        "--evaluate-runs", type=int, default=10, help="kaoping evaluate runs to time (default 10)"
    )
    args = parser.parse_args()
    data = report()

    def once() -> tuple[float, int]:
        start = time.perf_counter()
        reading = read_deliverable(data, name="report.docx", node="draft")
        return (time.perf_counter() - start) * 1000, len(reading.fields.get("indicator_scores", []))

    first, count = once()
    times = [once()[0] for _ in range(args.runs)]
    median = statistics.median(times)
    flag = "ok" if median <= TARGET_MS else "SLOW"
    print(f"report: {len(data) / 1024:.0f} KB, {count} indicators read")
    print(
        f"read: first {first:.1f} ms; median {median:.1f} ms, min {min(times):.1f}, max {max(times):.1f} "
        f"over {args.runs} runs; target ≤ {TARGET_MS:g} ms {flag}"
    )
    loaded, evaluate_ms = evaluate_without_a_file(args.evaluate_runs)
    print(
        f"kaoping evaluate (no file): reader modules loaded: {', '.join(loaded) or 'none'}; "
        f"median {evaluate_ms:.0f} ms end to end over {args.evaluate_runs} runs"
    )
    return 0 if median <= TARGET_MS and not loaded else 1


if __name__ == "__main__":
    raise SystemExit(main())
