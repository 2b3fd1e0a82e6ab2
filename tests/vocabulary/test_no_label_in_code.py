"""No Python module hard-codes a label that the vocabulary holds: every term a person reads comes from it.

Every string literal of every module under rules/, engine/ and api/ (docstrings and other bare string
statements aside: they document the code) is compared with the Chinese labels of the vocabulary, its code
lists and its fields; a literal that equals or contains a label of two or more characters is a finding,
reported with its file, line and label. The web pages' templates are read the same way: their text and
the string literals of their expressions must not write a label either (a label comes from the
vocabulary through ``label``/``list_label``/``field``; the pages' own words may stay in the templates).
"""

from __future__ import annotations

import ast
from pathlib import Path

from jinja2 import Environment

from rules import load_rulebook

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("rules", "engine", "api")
TEMPLATES = Path("api") / "web" / "templates"

KNOWN: dict[tuple[str, str], str] = {
    (
        "api/settings.py",
        "财政所",
    ): "the default office name 七宝镇财政所 (configuration) holds the party label",
}
"""Findings allowed, each with what it is; an entry no longer found fails the test (it must be removed)."""


def _labels() -> set[str]:
    vocabulary = load_rulebook().vocabulary
    labels = {entry.zh for entry in vocabulary.field_paths.values()}
    for name in vocabulary.lists:
        labels.add(vocabulary.list_label(name))
        labels.update(vocabulary.labels(name).values())
    return {label for label in labels if len(label) >= 2}


def _literals(tree: ast.AST) -> list[ast.Constant]:
    """The string constants of a module that are values (not docstrings or other bare string statements)."""
    documentation = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    }
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in documentation
    ]


def findings(root: Path = ROOT) -> list[tuple[str, int, str]]:
    """(file, line, label) of every literal holding a label, in file order."""
    labels = _labels()
    found = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=relative)
            for node in _literals(tree):
                found += [(relative, node.lineno, label) for label in sorted(labels) if label in node.value]
    return sorted(found)


def test_no_module_hard_codes_a_label() -> None:
    """Labels come from rules/vocabulary.yaml (``load_rulebook().vocabulary``, ``RuleSet.label``)."""
    found = findings()
    new = [f"{file}:{line}: {label}" for file, line, label in found if (file, label) not in KNOWN]
    assert not new, "labels written in code instead of read from the vocabulary:\n" + "\n".join(new)
    stale = set(KNOWN) - {(file, label) for file, _, label in found}
    assert not stale, f"allowed findings no longer found (remove them from KNOWN): {sorted(stale)}"


def test_the_check_finds_a_label_in_a_literal(tmp_path: Path) -> None:
    """A module that writes a label itself is found, with its line; its docstring is not."""
    module = tmp_path / "engine" / "sample.py"
    module.parent.mkdir()
    module.write_text(
        '"""Mentions 专业咨询机构 in prose."""\n'
        "KINDS = {'cpa_firm': '会计师事务所'}\n"
        "def f(x):\n"
        '    """专家组 in a docstring."""\n'
        "    return f'评价类型为{x}'\n",
        encoding="utf-8",
    )
    for package in ("rules", "api"):
        (tmp_path / package).mkdir()
    assert findings(tmp_path) == [
        ("engine/sample.py", 2, "会计师事务所"),
        ("engine/sample.py", 5, "评价类型"),
    ]


def template_findings(root: Path = ROOT) -> list[tuple[str, int, str]]:
    """(file, line, label) of every piece of a page template's text or string literal holding a label."""
    labels = _labels()
    lexer = Environment()
    found = []
    for path in sorted((root / TEMPLATES).glob("*.html")):
        relative = path.relative_to(root).as_posix()
        for line, kind, value in lexer.lex(path.read_text(encoding="utf-8"), name=relative):
            if kind in {"data", "string"}:
                found += [
                    (relative, line + value[: value.index(label)].count("\n"), label)
                    for label in sorted(labels)
                    if label in value
                ]
    return sorted(found)


def test_no_page_template_hard_codes_a_label() -> None:
    """The pages take every label from the vocabulary, like the modules."""
    found = [f"{file}:{line}: {label}" for file, line, label in template_findings()]
    assert not found, "labels written in page templates instead of read from the vocabulary:\n" + "\n".join(
        found
    )


def test_the_template_check_finds_a_label_in_text_and_literals(tmp_path: Path) -> None:
    """A label in a template's text or in a string of an expression is found; one drawn by ``label`` is not."""
    folder = tmp_path / TEMPLATES
    folder.mkdir(parents=True)
    (folder / "page.html").write_text(
        '<h1>{{ label("grade", "优") }}</h1>\n<p>会计师事务所</p>\n{{ x or "专家组" }}\n', encoding="utf-8"
    )
    assert template_findings(tmp_path) == [
        (f"{TEMPLATES.as_posix()}/page.html", 2, "会计师事务所"),
        (f"{TEMPLATES.as_posix()}/page.html", 3, "专家组"),
    ]
