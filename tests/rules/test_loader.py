"""The rule-data loader fails loudly, naming the file and key; new versions need no code change."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from engine import Evaluator
from engine.errors import RulebookError
from rules import Rulebook
from rules._loader import RULES_DIR
from tests.yamlcases import load_base


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__", "rulesets"))
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BAD_DATA: list[tuple[str, Callable[[Path], None], str]] = [
    (
        "unknown key in a catalogue rule",
        lambda r: _edit(
            r / "catalogue/eligibility.yaml", "  - id: ELG-01\n", "  - id: ELG-01\n    colour: red\n"
        ),
        "eligibility.yaml: rules.0.colour",
    ),
    (
        "duplicate key",
        lambda r: _edit(
            r / "parameters/panel/min_members.yaml",
            '  "2021-08-01": {value: 5}',
            '  "2021-08-01": {value: 5}\n  "2021-08-01": {value: 6}',
        ),
        "duplicate key",
    ),
    (
        "citation of an unknown source",
        lambda r: _edit(
            r / "catalogue/eligibility.yaml",
            "{source: EMALL-RULES}\n    detail:\n      held: 电子卖场",
            "{source: NOWHERE}\n    detail:\n      held: 电子卖场",
        ),
        "unknown source NOWHERE",
    ),
    (
        "an invented article form",
        lambda r: _edit(r / "catalogue/panel.yaml", "article: 第九条", "article: Art. 9"),
        "an article reads like",
    ),
    (
        "a float where a quoted decimal belongs",
        lambda r: _edit(
            r / "parameters/fees/late_deduction.yaml",
            'rate_per_working_day: "0.01"',
            "rate_per_working_day: 0.01",
        ),
        "never floats",
    ),
    (
        "a parameter with no value on the first version (a gap)",
        lambda r: _edit(
            r / "parameters/panel/min_members.yaml", '"2021-08-01": {value: 5}', '"2024-01-01": {value: 5}'
        ),
        "no value in force on 2021-08-01",
    ),
    (
        "bands that leave a gap",
        lambda r: _edit(
            r / "parameters/assessment/grade_bands.yaml",
            '{grade: 中, from: "60", to: "80"}',
            '{grade: 中, from: "61", to: "80"}',
        ),
        "leave a gap",
    ),
    (
        "bands that overlap",
        lambda r: _edit(
            r / "parameters/assessment/grade_bands.yaml",
            '{grade: 中, from: "60", to: "80"}',
            '{grade: 中, from: "59", to: "80"}',
        ),
        "overlap",
    ),
    (
        "bands that stop short of 100",
        lambda r: _edit(
            r / "parameters/assessment/grade_bands.yaml",
            '{grade: 优, from: "90", to: "100"}',
            '{grade: 优, from: "90", to: "99"}',
        ),
        "cover 0 to 100",
    ),
    (
        "weights that do not sum to 1",
        lambda r: _edit(
            r / "parameters/assessment/party_weights.yaml", 'project_unit: "0.2"', 'project_unit: "0.3"'
        ),
        "weights must sum to 1",
    ),
    (
        "a coefficient missing for a grade",
        lambda r: _edit(r / "parameters/fees/grade_coefficients.yaml", ', 差: "0.60"', ""),
        "every grade exactly once",
    ),
    (
        "a rule without a citation",
        lambda r: _edit(
            r / "catalogue/followups.yaml",
            '    citations:\n      "2021-08-01":\n        - {local_scheme: true, note: 镇财政所自定}\n    detail:\n      applied: 首轮等级为差',
            "    citations: {}\n    detail:\n      applied: 首轮等级为差",
        ),
        "citations",
    ),
    (
        "versions out of order",
        lambda r: _edit(r / "versions.yaml", '- id: "2024-01-01"', '- id: "2020-01-01"'),
        "ascending",
    ),
    (
        "an impossible date",
        lambda r: _edit(
            r / "parameters/panel/min_members.yaml",
            '"2021-08-01": {value: 5}',
            '"2021-08-01": {value: 5}\n  "2023-02-30": {value: 6}',
        ),
        "not a real date",
    ),
    (
        "a duplicate rule id",
        lambda r: _edit(r / "catalogue/panel.yaml", "id: EXP-02", "id: EXP-01"),
        "duplicate rule id",
    ),
    (
        "a rule naming an unknown parameter",
        lambda r: _edit(
            r / "catalogue/panel.yaml", "parameters: [panel.min_members]", "parameters: [panel.max_members]"
        ),
        "unknown parameter panel.max_members",
    ),
    (
        "wording with a blank that is not a plain name",
        lambda r: _edit(r / "catalogue/eligibility.yaml", "订单号{order_no}", "订单号{order_no!r}"),
        "ELG-02.detail.held",
    ),
]


@pytest.mark.parametrize(("label", "corrupt", "message"), BAD_DATA, ids=[b[0] for b in BAD_DATA])
def test_bad_rule_data_is_refused_with_file_and_key(
    rules_copy: Path, label: str, corrupt: Callable[[Path], None], message: str
) -> None:
    """Each malformed fixture is refused with a message naming what is wrong."""
    corrupt(rules_copy)
    with pytest.raises(RulebookError) as info:
        Rulebook(rules_copy)
    assert message in str(info.value), label


def test_a_new_version_is_data_only(rules_copy: Path) -> None:
    """A dated entry plus a line in versions.yaml makes a new version; no Python changes."""
    _edit(
        rules_copy / "versions.yaml",
        "    note: 《上海市第三方机构预算绩效评价业务监督管理实施细则》施行\n",
        '    note: 《上海市第三方机构预算绩效评价业务监督管理实施细则》施行\n  - id: "2026-01-01"\n    measure: HCF-2023-17\n    note: 扣款比例调整\n',
    )
    _edit(
        rules_copy / "parameters/fees/late_deduction.yaml",
        '  "2024-01-01": {value: {rate_per_working_day: "0.01", cap: "0.10"}}',
        '  "2024-01-01": {value: {rate_per_working_day: "0.01", cap: "0.10"}}\n  "2026-01-01": {value: {rate_per_working_day: "0.02", cap: "0.10"}}',
    )
    rulebook = Rulebook(rules_copy)
    assert [v.version for v in rulebook.versions] == ["2021-08-01", "2024-01-01", "2026-01-01"]
    assert rulebook.at("2024-01-01").valid_to == date(2025, 12, 31)
    case = load_base("worked_example_2024")
    case["commission"]["commissioned_on"] = "2026-01-05"
    decision = Evaluator(rulebook).evaluate(case)
    assert decision["rule_version"] == "2026-01-01"
    assert decision["fee"]["deduction"] == "3200.00"


def test_content_hash_changes_with_the_data(rules_copy: Path) -> None:
    """The snapshot hash identifies the exact rule data a decision used."""
    before = Rulebook(rules_copy).at("2024-01-01").content_hash
    _edit(rules_copy / "parameters/followups/divergence_points.yaml", 'value: "15"', 'value: "20"')
    assert Rulebook(rules_copy).at("2024-01-01").content_hash != before
    assert (
        Rulebook(rules_copy).at("2024-01-01").content_hash
        == Rulebook(rules_copy).at("2024-01-01").content_hash
    )
