"""Edited templates cannot reach Python internals; case text is data, never template code."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import docx
import pytest
from docxtpl import DocxTemplate
from jinja2 import Environment
from jinja2.exceptions import SecurityError, UndefinedError

from engine.memos import MemoTemplateError, check_template
from engine.memos import lint as lint_module
from engine.memos.footnotes import add_footnotes
from engine.memos.marks import MARK_CLOSE, MARK_OPEN
from engine.memos.render import DEFAULT_TEMPLATE_DIR, clear_caches, make_environment
from tests.memos.conftest import Memo, case, load, render

if TYPE_CHECKING:
    from pathlib import Path


REQUIRED = {
    "eligibility": (
        "审查结论：{{ eligibility_status|status_label }}",
        "{%p for r in rules %}",
        "{{ r.rule }}：{{ r.result|result_label }}，{{ r.detail }}{{ r.note }}",
        "{%p endfor %}",
    )
}
"""Paragraphs that use a template's required fields (the lint refuses a template without them)."""


def make_template(folder: Path, stem: str, *lines: str) -> Path:
    """A .docx template of one paragraph per line (and its required fields), as typed in Word."""
    document = docx.Document()
    for line in (*lines, *REQUIRED.get(stem, ())):
        document.add_paragraph(line)
    path = folder / f"{stem}.docx"
    document.save(str(path))
    return path


ESCAPES = [
    "{{ ''.__class__.__mro__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ agency_name.__class__ }}",
    "{{ rules[0]._secret }}",
    "{{ agency_name|attr('__class__') }}",
    "{{ agency_name.upper() }}",
    "{{ lipsum.__globals__ }}",
    "{% for r in rules %}{{ r.__dict__ }}{% endfor %}",
    "{{ 9 ** 9 ** 9 }}",
    "{% set x = agency_name %}{{ x }}",
    "{% include 'other.docx' %}",
    "{% import 'os' as os %}",
    "{% macro m() %}x{% endmacro %}",
    "{% autoescape false %}{{ agency_name }}{% endautoescape %}",
]


@pytest.mark.parametrize("line", ESCAPES)
def test_lint_refuses_python_internals_and_logic(tmp_path: Path, line: str) -> None:
    """Dunder/underscore attributes, calls, arithmetic, set/include/import/macro, autoescape: refused."""
    path = make_template(tmp_path, "eligibility", "{{ agency_name }}", line)
    problems = check_template(path)
    assert problems, line
    assert all(p.startswith("eligibility.docx, body") for p in problems)


@pytest.mark.parametrize("line", ESCAPES[:3])
def test_render_refuses_such_a_template(tmp_path: Path, line: str) -> None:
    """render_memo lints a template when it first loads it: nothing is rendered."""
    make_template(tmp_path, "eligibility", line)
    with pytest.raises(MemoTemplateError, match=r"refused|unknown field"):
        render(case(), "eligibility", decision=load("worked_example.decision.json"), template_dir=tmp_path)


def test_the_sandbox_refuses_at_render_time_even_without_lint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Second line of defence: with lint switched off, the sandboxed environment still refuses."""
    clear_caches()
    monkeypatch.setattr(lint_module, "check_template", lambda *a, **k: [])
    make_template(tmp_path, "eligibility", "{{ ''.__class__.__mro__ }}")
    with pytest.raises(MemoTemplateError, match="SecurityError") as info:
        render(case(), "eligibility", decision=load("worked_example.decision.json"), template_dir=tmp_path)
    assert isinstance(info.value.__cause__, SecurityError)
    clear_caches()


def test_the_environment_is_a_sandbox() -> None:
    """ImmutableSandboxedEnvironment, StrictUndefined, autoescape on, no globals, only our filters."""
    env = make_environment()
    with pytest.raises(SecurityError):
        env.from_string("{{ ''.__class__.__mro__ }}").render()
    with pytest.raises(UndefinedError, match="'cycler' is undefined"):
        env.from_string("{{ cycler }}").render()
    with pytest.raises(SecurityError, match="'__init__'"):
        env.from_string("{{ cycler.__init__.__globals__ }}").render()
    with pytest.raises(SecurityError):
        env.from_string("{% for x in rows %}{{ rows.append(1) }}{% endfor %}").render(rows=[1])
    assert env.from_string("{{ x }}").render(x="<b>&") == "&lt;b&gt;&amp;"


def test_lint_names_unknown_fields_and_filters(tmp_path: Path) -> None:
    """A misspelt field or an unknown filter is named, with the text near it."""
    path = make_template(
        tmp_path, "fee", "应付：{{ payabel|yuan }}", "{{ payable|currency }}", "{{ matrix[0].nope }}"
    )
    problems = check_template(path)
    assert any("unknown field 'payabel'" in p and "应付" in p for p in problems)
    assert any("unknown filter 'currency'" in p for p in problems)
    assert any("'nope' is not a field here" in p for p in problems)


def test_footnote_marks_only_in_the_body(tmp_path: Path) -> None:
    """A ``note`` field in a footer would never become a footnote: lint says so."""
    document = docx.Document()
    for line in ("{{ agency_name }}", *REQUIRED["eligibility"]):
        document.add_paragraph(line)
    document.sections[0].footer.paragraphs[0].text = "{{ rules[0].note }}"
    document.save(str(tmp_path / "eligibility.docx"))
    problems = check_template(tmp_path / "eligibility.docx")
    assert len(problems) == 1
    assert "footer" in problems[0]
    assert "only be used in the document body" in problems[0]


def test_an_undefined_variable_is_an_error_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """StrictUndefined: an undefined field stops the render and names the field, never a blank."""
    clear_caches()
    monkeypatch.setattr(lint_module, "check_template", lambda *a, **k: [])
    make_template(tmp_path, "eligibility", "机构：{{ agency_nmae }}")
    with pytest.raises(MemoTemplateError, match="'agency_nmae' is undefined"):
        render(case(), "eligibility", decision=load("worked_example.decision.json"), template_dir=tmp_path)
    clear_caches()


def test_the_shipped_templates_pass_lint() -> None:
    """docs_templates/*.docx use only their contract's fields and filters."""
    for stem in ("eligibility", "review", "fee", "referral"):
        assert check_template(DEFAULT_TEMPLATE_DIR / f"{stem}.docx") == []


def test_case_text_prints_literally() -> None:
    """An agency named ``{{ 7*7 }}`` with ``<b>&`` is printed as written and the XML stays well-formed."""
    data = case()
    data["agency"]["name"] = "{{ 7*7 }}<b>&\"'{% if 1 %}x{% endif %}"
    data["commission"]["project_name"] = f"项目<w:t>{MARK_OPEN}1{MARK_CLOSE}]]>"
    data["panel"]["members"][0]["name"] = "张{{ 7*7 }}立"
    for kind in ("eligibility", "review-plan", "fee"):
        m = Memo(render(data, kind))
        assert "评价机构：{{ 7*7 }}<b>&\"'{% if 1 %}x{% endif %}（会计师事务所" in m.text
        assert "项目名称：项目<w:t>1]]>" in m.paragraphs
        assert "49" not in m.paragraphs[0]
    assert "张{{ 7*7 }}立" in Memo(render(data, "review-plan")).text


def test_without_autoescape_docxtpl_would_break_the_xml(tmp_path: Path) -> None:
    """Why autoescape is on: plain docxtpl without it drops ``<b>&`` text silently (its parser recovers)."""
    path = make_template(tmp_path, "plain", "机构：{{ name }}")
    escaped, raw = DocxTemplate(str(path)), DocxTemplate(str(path))
    escaped.render({"name": "A<b>&B"}, Environment(), autoescape=True)
    raw.render({"name": "A<b>&B"}, Environment())
    out_escaped, out_raw = io.BytesIO(), io.BytesIO()
    escaped.save(out_escaped)
    raw.save(out_raw)
    assert docx.Document(out_escaped).paragraphs[0].text == "机构：A<b>&B"
    assert docx.Document(out_raw).paragraphs[0].text != "机构：A<b>&B"


def test_a_template_with_its_own_footnote_keeps_it(tmp_path: Path) -> None:
    """An office template that already has a footnote keeps it; the findings' footnotes follow it."""
    document = docx.Document()
    document.add_paragraph(f"本意见书依据本所制度出具。{MARK_OPEN}1{MARK_CLOSE}")
    add_footnotes(document, {1: "本所内部制度第三条。"})
    for line in REQUIRED["eligibility"]:
        document.add_paragraph(line)
    document.save(str(tmp_path / "eligibility.docx"))
    assert check_template(tmp_path / "eligibility.docx") == []
    m = Memo(
        render(case(), "eligibility", decision=load("worked_example.decision.json"), template_dir=tmp_path)
    )
    notes = m.footnotes
    assert notes[1] == "本所内部制度第三条。"
    assert sorted(notes) == list(range(1, 11))
    assert notes[2].startswith("ELG-01")
    assert m.reference_ids == list(range(1, 11))
