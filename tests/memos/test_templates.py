"""The shipped templates keep their field contract, also after the office edits them in Word."""

from __future__ import annotations

import copy
import importlib.util
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.shared import Pt

from engine.memos import build_context, check_template
from engine.memos.fields import TEMPLATE_FIELDS
from engine.memos.kinds import KIND_TEMPLATES
from engine.memos.render import DEFAULT_TEMPLATE_DIR
from tests.memos.conftest import DATE, OFFICE, Memo, case, load, render

ROOT = Path(__file__).resolve().parents[2]
STEMS = ("eligibility", "review", "fee", "referral")


def _build_script() -> Any:
    spec = importlib.util.spec_from_file_location("build_templates", ROOT / "scripts" / "build_templates.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _paragraph(document: Any, text: str) -> Any:
    """The body paragraph or table-cell paragraph whose text contains ``text``."""
    cells = [p for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    for paragraph in [*document.paragraphs, *cells]:
        if text in paragraph.text:
            return paragraph
    raise AssertionError(f"no paragraph holds {text!r}")


def _split_run(paragraph: Any, at: str) -> None:
    """Split the paragraph's one run before ``at`` into two runs of the same format, as Word often does."""
    (run,) = paragraph.runs
    first, rest = run.text.split(at, 1)
    second = copy.deepcopy(run._r)
    run.text = first
    run._r.addnext(second)
    paragraph.runs[1].text = at + rest


def _edited_in_word(tmp_path: Path, stem: str, edit: Any) -> Path:
    """The shipped template opened with python-docx, edited, saved again."""
    document = docx.Document(str(DEFAULT_TEMPLATE_DIR / f"{stem}.docx"))
    edit(document)
    path = tmp_path / f"{stem}.docx"
    document.save(str(path))
    return path


@pytest.mark.parametrize("stem", STEMS)
def test_the_shipped_templates_keep_their_contract(stem: str) -> None:
    """Each shipped template uses its contract's fields only, and every required one (the lint)."""
    assert check_template(DEFAULT_TEMPLATE_DIR / f"{stem}.docx") == []


def test_every_kind_has_a_template_and_a_contract() -> None:
    """Each registered kind names a shipped template with a field contract."""
    assert set(KIND_TEMPLATES.values()) == set(TEMPLATE_FIELDS) == set(STEMS)
    for stem in STEMS:
        assert (DEFAULT_TEMPLATE_DIR / f"{stem}.docx").is_file()


def test_a_template_edited_in_word_outside_its_fields_still_passes(tmp_path: Path) -> None:
    """New wording, bold, a bigger font, an added paragraph, a field split across runs: lint passes, it renders."""

    def edit(document: Any) -> None:
        heading = _paragraph(document, "一、基本情况")
        heading.runs[0].text = "一、案件基本情况"
        heading.runs[0].bold = True
        _paragraph(document, "合同金额").runs[0].font.size = Pt(14)
        _split_run(_paragraph(document, "项目名称：{{ project_name }}"), "{{ project_name }}")
        document.add_paragraph("本核定单一式三份，委托方、评价机构、项目单位各执一份。")

    path = _edited_in_word(tmp_path, "fee", edit)
    assert check_template(path) == []
    m = Memo(render(case(), "fee", decision=load("worked_example.decision.json"), template_dir=tmp_path))
    assert "一、案件基本情况" in m.paragraphs
    assert "项目名称：2024年七宝镇社区公共设施运维项目" in m.paragraphs
    assert m.paragraphs[-1] == "本核定单一式三份，委托方、评价机构、项目单位各执一份。"
    assert ["核定应付服务费", "74,400.00元"] in m.rows


def test_a_template_without_a_required_field_is_refused_naming_it(tmp_path: Path) -> None:
    """Deleting the composite score and its footnote mark: lint names both (and nothing else)."""

    def edit(document: Any) -> None:
        cell = _paragraph(document, "{{ composite }}{{ composite_note }}")
        cell.runs[0].text = ""

    problems = check_template(_edited_in_word(tmp_path, "fee", edit))
    assert len(problems) == 2
    assert "required field 'composite' is not used" in problems[0]
    assert "required field 'composite_note' is not used" in problems[1]


def test_a_loop_without_a_required_row_field_is_refused_naming_it(tmp_path: Path) -> None:
    """A rule table without the footnote mark of each finding: lint names ``rules[].note``."""

    def edit(document: Any) -> None:
        cell = _paragraph(document, "{{ r.detail }}{{ r.note }}")
        cell.runs[0].text = "{{ r.detail }}"

    problems = check_template(_edited_in_word(tmp_path, "eligibility", edit))
    assert problems == [
        (
            "eligibility.docx: the required field 'rules[].note' is not used (脚注标记：放在该项结论之后，"
            "渲染时替换为 Word 脚注（规则编号、依据文件及条款、所用数据）)"
        )
    ]


def test_a_template_with_an_unknown_field_is_refused_naming_it(tmp_path: Path) -> None:
    """A field that is not in the contract is named with the text near it."""

    def edit(document: Any) -> None:
        document.add_paragraph("联系电话：{{ agency_phone }}")

    problems = check_template(_edited_in_word(tmp_path, "referral", edit))
    assert len(problems) == 1
    assert "unknown field 'agency_phone'" in problems[0]
    assert "联系电话" in problems[0]


def test_a_coded_field_is_compared_with_its_codes_only(tmp_path: Path) -> None:
    """``verdict == 'passed'`` would never hold: lint refuses it and lists the verdict codes."""

    def edit(document: Any) -> None:
        paragraph = _paragraph(document, "{%p if verdict == 'pass' %}")
        paragraph.runs[0].text = "{%p if verdict == 'passed' %}"

    problems = check_template(_edited_in_word(tmp_path, "review", edit))
    assert len(problems) == 1
    assert "'passed' is not a code of verdict; the codes are: not_submitted, pass, return" in problems[0]


def test_templates_hold_no_office_name_or_number_prefix() -> None:
    """Office name, number prefix and bureau come from configuration, never from a template."""
    for stem in TEMPLATE_FIELDS:
        with zipfile.ZipFile(DEFAULT_TEMPLATE_DIR / f"{stem}.docx") as z:
            text = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        for word in ("七宝", "七财评", "闵行"):
            assert word not in text, (stem, word)


def test_the_readme_is_the_contract() -> None:
    """docs_templates/README.md is what the build script writes from the contract: every field and filter."""
    readme = (DEFAULT_TEMPLATE_DIR / "README.md").read_text(encoding="utf-8")
    assert readme == _build_script().readme()
    for stem, fields in TEMPLATE_FIELDS.items():
        assert f"`{stem}.docx`" in readme
        for name, spec in fields.items():
            assert f"| `{name}` |" in readme
            for sub in spec.row or {}:
                assert f"| `{name}[].{sub}` |" in readme
    assert (
        "| `verdict` | 评审结论代码 pass / return，用 status_label 显示；代码：pass 通过 / return 退回修改"
        in readme
    )


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        (k, n)
        for k in KIND_TEMPLATES
        for n in ("worked_example", "failing")
        if (k, n) != ("referral", "worked_example")
    ],
)
def test_the_context_is_exactly_the_contract(kind: str, name: str) -> None:
    """Each context holds exactly its template's documented fields, rows included (docassemble ``fields``)."""
    context = build_context(
        case(name), load(f"{name}.decision.json"), kind, office=OFFICE, document_number=7, document_date=DATE
    )
    fields = TEMPLATE_FIELDS[context.template]
    assert set(context.values) == set(fields)
    for key, spec in fields.items():
        if spec.row is not None:
            assert isinstance(context.values[key], list)
            for row in context.values[key]:
                assert set(row) == set(spec.row), key
        else:
            assert not isinstance(context.values[key], (list, dict)), key
