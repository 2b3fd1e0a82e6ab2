"""Replay in the engine, and the guard of a candidate rules tree uploaded as a zip."""

from __future__ import annotations

import io
import shutil
import stat
import time
import zipfile
from pathlib import Path

import pytest

from engine import Evaluator
from engine.replay import replay
from engine.rules_archive import MAX_YAML_NODES, RulesArchiveError, unpack_rules, yaml_nodes
from rules import RULES_DIR, Rulebook
from tests.office.conftest import example


def candidate_tree(folder: Path, *, coefficient: str = "0.90") -> Path:
    """The shipped rules with the 良 coefficient changed."""
    root = folder / "rules"
    shutil.copytree(RULES_DIR, root, ignore=shutil.ignore_patterns("*.py", "__pycache__", "rulesets"))
    path = root / "parameters/fees/grade_coefficients.yaml"
    path.write_text(path.read_text("utf-8").replace('良: "0.95"', f'良: "{coefficient}"'), "utf-8")
    return root


def zipped(root: Path, prefix: str = "rules/") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                archive.write(path, prefix + path.relative_to(root).as_posix())
    return out.getvalue()


def test_replay_names_each_changed_result_and_the_money(evaluator, tmp_path):
    """良 0.95 → 0.90: the worked example's coefficient and payable change by 4,000.00; a 优 case does not."""
    candidate = Evaluator(Rulebook(candidate_tree(tmp_path)))
    good, excellent = example(), example(case_id="QB-2024-008")
    for node in ("plan", "draft"):
        excellent[node]["scores"]["finance_office"] = "100"
        excellent[node]["scores"]["project_unit"] = "100"
        excellent[node]["scores"]["expert_panel"] = dict.fromkeys(("E1", "E2", "E3", "E4", "E5"), "100")
    report = replay([("QB-2024-007", good), ("QB-2024-008", excellent)], evaluator, candidate)
    totals = report["totals"]
    assert (totals["cases"], totals["changed"], totals["unchanged"]) == (2, 1, 1)
    assert totals["by_part"]["fees"] == 1
    assert totals["by_part"]["grades"] == 0
    assert totals["payable_by"] == "-4000.00"
    (case,) = report["cases"]
    assert case["case_id"] == "QB-2024-007"
    assert case["payable_by"] == "-4000.00"
    assert [c["field"] for c in case["changes"]] == ["fee.coefficient", "fee.payable"]


def test_a_case_one_side_cannot_decide_is_reported_with_its_errors(evaluator, tmp_path):
    """A case both sides refuse is undecidable; the report shows the errors."""
    bad = example()
    bad["commission"]["commissioned_on"] = "2020-01-01"
    candidate = Evaluator(Rulebook(candidate_tree(tmp_path)))
    report = replay([("OLD", bad)], evaluator, candidate)
    assert report["totals"]["undecidable"] == 1
    assert report["totals"]["changed"] == 0
    assert report["cases"][0]["error_before"][0]["type"] == "out_of_scope"


def test_a_rules_tree_zipped_with_its_folder_unpacks_and_loads(tmp_path):
    """rules/versions.yaml ... unpacks into the target; the loader reads it."""
    data = zipped(candidate_tree(tmp_path / "src"))
    root = unpack_rules(data, tmp_path / "out")
    assert (root / "versions.yaml").is_file()
    assert Rulebook(root).versions


def _entry(name: str, body: bytes = b"a: 1\n", mode: int | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("versions.yaml", b"versions: []\n")
        info = zipfile.ZipInfo(name)
        if mode is not None:
            info.external_attr = mode << 16
        archive.writestr(info, body)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("../evil.yaml", "traversal"),
        ("catalogue/../../evil.yaml", "traversal"),
        ("/etc/evil.yaml", "absolute"),
        ("C:/evil.yaml", "absolute"),
        ("catalogue\\evil.yaml", "absolute"),
        ("catalogue//evil.yaml", "traversal"),
        ("run.py", "kind"),
        ("a/b/c/d/e/f/g.yaml", "too_deep"),
    ],
)
def test_hostile_names_are_refused_and_nothing_is_written(tmp_path, name, key):
    """Paths that reach outside, Python files, deep nesting."""
    target = tmp_path / "out"
    target.mkdir()
    with pytest.raises(RulesArchiveError) as caught:
        unpack_rules(_entry(name), target)
    assert caught.value.key == key
    assert list(target.iterdir()) == []
    assert caught.value.text()


def test_symbolic_links_and_duplicates_are_refused(tmp_path):
    """A link entry; a name twice."""
    with pytest.raises(RulesArchiveError) as caught:
        unpack_rules(_entry("link.yaml", b"/etc/passwd", mode=stat.S_IFLNK | 0o777), tmp_path)
    assert caught.value.key == "link"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("versions.yaml", b"a: 1\n")
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr("versions.yaml", b"a: 2\n")
    with pytest.raises(RulesArchiveError) as caught:
        unpack_rules(out.getvalue(), tmp_path)
    assert caught.value.key == "duplicate"


def test_bombs_are_refused_quickly(tmp_path):
    """A 100 MB entry by its declared size (413-free: the file is small); a YAML alias bomb by its expansion."""
    started = time.perf_counter()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("versions.yaml", b" " * 100_000_000)
    with pytest.raises(RulesArchiveError) as caught:
        unpack_rules(out.getvalue(), tmp_path)
    assert caught.value.key == "part_too_large"
    laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8)
    )
    with pytest.raises(ValueError, match="nodes"):
        yaml_nodes(laughs)
    with pytest.raises(RulesArchiveError) as caught:
        unpack_rules(_entry("parameters/laughs.yaml", laughs.encode()), tmp_path / "x")
    assert caught.value.key == "yaml_expands"
    assert time.perf_counter() - started < 10
    assert yaml_nodes((RULES_DIR / "vocabulary.yaml").read_text("utf-8")) < MAX_YAML_NODES


def test_an_archive_without_a_rules_tree_or_no_zip_at_all_is_refused(tmp_path):
    """No versions.yaml; not a zip; too large (413)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.md", b"# notes")
    with pytest.raises(RulesArchiveError) as caught:
        unpack_rules(out.getvalue(), tmp_path)
    assert caught.value.key == "no_versions"
    with pytest.raises(RulesArchiveError) as caught:
        unpack_rules(b"PK\x03\x04 broken", tmp_path)
    assert (caught.value.key, caught.value.text()) == ("not_zip", "候选规则文件不是有效的 zip 压缩包")
    with pytest.raises(RulesArchiveError) as caught:
        unpack_rules(b"x" * (2 * 1024 * 1024), tmp_path)
    assert (caught.value.key, caught.value.status) == ("too_large", 413)
