"""Templates under a budget: renders in child processes with CPU and memory limits; loops nest 3 deep at most;
docxtpl's literal braces apply to the template only."""

from __future__ import annotations

import copy
import io
import time
from typing import TYPE_CHECKING

import docx
import pytest

from engine.memos import MemoTemplateError, build_context, check_template
from engine.memos.checker import MAX_LOOP_DEPTH
from engine.memos.errors import problem_text
from engine.memos.isolation import Budget, RenderBudgetError, Renderer
from engine.memos.render import DEFAULT_TEMPLATE_DIR, render_template
from rules import RULES_DIR
from rules.messages import message
from tests.memos.conftest import DATE, OFFICE, Memo, case, load, render
from tests.memos.test_sandbox import REQUIRED, make_template

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from engine.memos.context import MemoContext


@pytest.fixture(scope="module")
def renderer() -> Iterator[Renderer]:
    """A renderer of its own (a zygote of its own), with the default budget: 2 s of CPU, 256 MB."""
    made = Renderer(Budget(), RULES_DIR)
    made.start()
    yield made
    made.close()


def context(kind: str = "eligibility", *, rows: int | None = None) -> MemoContext:
    """The worked example's context of ``kind``; ``rows``: its ``rules`` table copied to that many rows."""
    built = build_context(
        case(),
        load("worked_example.decision.json"),
        kind,
        office=OFFICE,
        document_number=7,
        document_date=DATE,
    )
    if rows is not None:
        table = built.values["rules"]
        built.values["rules"] = [copy.deepcopy(table[i % len(table)]) for i in range(rows)]
    return built


def template_bytes(folder: Path, *lines: str) -> bytes:
    return make_template(folder, "eligibility", *lines).read_bytes()


def test_a_render_in_a_child_is_the_render_in_process(renderer: Renderer) -> None:
    """Same bytes either way, shipped template or the same template given as bytes."""
    built = context("fee")
    in_process = render_template(built, None, OFFICE, DATE)
    assert renderer.render(built, None, OFFICE, DATE) == in_process
    shipped = (DEFAULT_TEMPLATE_DIR / "fee.docx").read_bytes()
    assert renderer.render(built, shipped, OFFICE, DATE) == in_process


@pytest.mark.slow
def test_a_render_over_its_cpu_budget_is_stopped(renderer: Renderer, tmp_path: Path) -> None:
    """Three nested loops (lint allows them) over a 400-row table: 64 million iterations. The child is
    stopped at 2 s of CPU; the error says so; the renderer works on (a new child per render)."""
    loops = (
        "{% for a in rules %}{% for b in rules %}{% for c in rules %}"
        "{% if c.detail == '-' %}-{% endif %}{% endfor %}{% endfor %}{% endfor %}"
    )
    data = template_bytes(tmp_path, loops)
    started = time.monotonic()
    with pytest.raises(RenderBudgetError) as info:
        renderer.render(context(rows=400), data, OFFICE, DATE)
    assert info.value.reason == "cpu"
    assert time.monotonic() - started < 8
    assert info.value.text() == message("template.render_cpu", "zh", seconds=2)
    assert renderer.render(context(), data.replace(b"x", b"x"), OFFICE, DATE)[:2] == b"PK"


def test_a_render_over_its_memory_budget_is_stopped(renderer: Renderer, tmp_path: Path) -> None:
    """A 20 MB name printed a hundred times wants 2 GB: the child's address space is 256 MB."""
    data = template_bytes(
        tmp_path, "{% for a in rules %}{% for b in rules %}{{ agency_name }}{% endfor %}{% endfor %}"
    )
    built = context(rows=10)
    built.values["agency_name"] = "机" * (20 * 1024 * 1024 // 3)
    with pytest.raises(RenderBudgetError) as info:
        renderer.render(built, data, OFFICE, DATE)
    assert info.value.reason == "memory"
    assert "256 MB" in info.value.text()
    assert renderer.render(context(), None, OFFICE, DATE)[:2] == b"PK"


def test_a_failing_template_is_a_template_error(renderer: Renderer, tmp_path: Path) -> None:
    """Lint's problems and a render error come back as MemoTemplateError, as in process."""
    with pytest.raises(MemoTemplateError, match="unknown field 'nosuch'"):
        renderer.render(context(), template_bytes(tmp_path, "{{ nosuch }}"), OFFICE, DATE)
    with pytest.raises(MemoTemplateError, match=r"not a readable \.docx"):
        renderer.check("eligibility", b"PK\x03\x04 not a zip", [])


def test_a_dead_zygote_is_replaced(tmp_path: Path) -> None:
    """Kill the helper process: the render in flight fails as crashed, the next one starts a new helper."""
    made = Renderer(Budget(), RULES_DIR)
    try:
        made.start()
        process = made._process
        assert process is not None
        process.popen.kill()
        process.popen.wait()
        process.reader.join(timeout=10)
        assert made.render(context(), None, OFFICE, DATE)[:2] == b"PK"
        assert made._process is not process
    finally:
        made.close()


def loops(depth: int) -> list[str]:
    """``depth`` nested ``{%p for %}`` paragraphs over the rules, with a field in the innermost."""
    names = [f"r{i}" for i in range(depth)]
    return [
        *(f"{{%p for {name} in rules %}}" for name in names),
        "{{ r0.rule }}",
        *("{%p endfor %}" for _ in names),
    ]


@pytest.mark.parametrize("depth", [MAX_LOOP_DEPTH, MAX_LOOP_DEPTH + 1, 7])
def test_lint_allows_loops_three_deep_at_most(tmp_path: Path, depth: int) -> None:
    """Three nested loops pass; a fourth level (and seven) is refused once, naming the limit."""
    problems = check_template(make_template(tmp_path, "eligibility", *loops(depth)))
    too_deep = [p for p in problems if message("template.loops_too_deep", "zh", limit=3) in problem_text(p)]
    assert len(too_deep) == (depth > MAX_LOOP_DEPTH)
    assert problems == too_deep


def test_literal_braces_in_a_case_print_as_written() -> None:
    """docxtpl's ``{_{`` spelling is the template's: a name written ``{_{x}_}`` prints so in the memo."""
    data = case()
    data["agency"]["name"] = "{_{x}_}评价{_%y%_}公司"
    text = Memo(render(data, "eligibility")).text
    assert "{_{x}_}评价{_%y%_}公司" in text
    assert "{{x}}评价" not in text


def test_literal_braces_in_a_template_still_print_braces(tmp_path: Path) -> None:
    """A template that writes ``{_{ 字段 }_}`` prints ``{{ 字段 }}``, as docxtpl documents."""
    path = make_template(tmp_path, "eligibility", "示例：{_{ 字段 }_} 与 {_% 标签 %_}")
    assert check_template(path) == []
    memo = render(case(), "eligibility", decision=load("worked_example.decision.json"), template_dir=tmp_path)
    paragraphs = [p.text for p in docx.Document(io.BytesIO(memo)).paragraphs]
    assert "示例：{{ 字段 }} 与 {% 标签 %}" in paragraphs
    assert REQUIRED["eligibility"]
