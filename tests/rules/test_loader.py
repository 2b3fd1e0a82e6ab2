"""The rule-data loader fails loudly, naming the file and key (one malformed fixture per error)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from engine.errors import RulebookError
from rules import Rulebook
from tests.rules.conftest import edit

_VERSION_2024 = "    note: 《上海市第三方机构预算绩效评价业务监督管理实施细则》施行\n"
_ELG02_CITES = "{source: EMALL-RULES}\n    detail:\n      held: 电子卖场"


def _rule_in_force(r: Path, when: str, cited: str) -> None:
    """ELG-05 in force from ``when`` only, cited from ``cited``."""
    edit(
        r / "catalogue/eligibility.yaml",
        "    title: 机构独立于委托方和被评价单位\n",
        f'    title: 机构独立于委托方和被评价单位\n    in_force: {{from: "{when}"}}\n',
    )
    edit(
        r / "catalogue/eligibility.yaml",
        '    citations:\n      "2021-08-01":\n        - {source: CJ-2021-4, article: 第二条}\n        - {source: CY-2021-6}',
        f'    citations:\n      "{cited}":\n        - {{source: CJ-2021-4, article: 第二条}}\n        - {{source: CY-2021-6}}',
    )


BAD_DATA: list[tuple[str, Callable[[Path], None], str]] = [
    (
        "unknown key in a catalogue rule",
        lambda r: edit(
            r / "catalogue/eligibility.yaml", "  - id: ELG-01\n", "  - id: ELG-01\n    colour: red\n"
        ),
        "eligibility.yaml: rules.0.colour",
    ),
    (
        "duplicate key",
        lambda r: edit(
            r / "parameters/panel/min_members.yaml",
            '  "2021-08-01": {value: 5}',
            '  "2021-08-01": {value: 5}\n  "2021-08-01": {value: 6}',
        ),
        "duplicate key",
    ),
    (
        "citation of an unknown source",
        lambda r: edit(
            r / "catalogue/eligibility.yaml", _ELG02_CITES, _ELG02_CITES.replace("EMALL-RULES", "NOWHERE")
        ),
        "unknown source NOWHERE",
    ),
    (
        "an invented article form",
        lambda r: edit(r / "catalogue/panel.yaml", "article: 第九条", "article: Art. 9"),
        "an article reads like",
    ),
    (
        "a float where a quoted decimal belongs",
        lambda r: edit(
            r / "parameters/fees/late_deduction.yaml",
            'rate_per_working_day: "0.01"',
            "rate_per_working_day: 0.01",
        ),
        "never floats",
    ),
    (
        "a parameter with no value on the first version (a gap)",
        lambda r: edit(
            r / "parameters/panel/min_members.yaml", '"2021-08-01": {value: 5}', '"2024-01-01": {value: 5}'
        ),
        "no value in force on 2021-08-01",
    ),
    (
        "bands that leave a gap",
        lambda r: edit(
            r / "parameters/assessment/grade_bands.yaml",
            '{grade: 中, from: "60", to: "80"}',
            '{grade: 中, from: "61", to: "80"}',
        ),
        "leave a gap",
    ),
    (
        "bands that overlap",
        lambda r: edit(
            r / "parameters/assessment/grade_bands.yaml",
            '{grade: 中, from: "60", to: "80"}',
            '{grade: 中, from: "59", to: "80"}',
        ),
        "overlap",
    ),
    (
        "bands that stop short of 100",
        lambda r: edit(
            r / "parameters/assessment/grade_bands.yaml",
            '{grade: 优, from: "90", to: "100"}',
            '{grade: 优, from: "90", to: "99"}',
        ),
        "cover 0 to 100",
    ),
    (
        "weights that do not sum to 1",
        lambda r: edit(
            r / "parameters/assessment/party_weights.yaml", 'project_unit: "0.2"', 'project_unit: "0.3"'
        ),
        "weights must sum to 1",
    ),
    (
        "a coefficient missing for a grade",
        lambda r: edit(r / "parameters/fees/grade_coefficients.yaml", ', 差: "0.60"', ""),
        "every grade exactly once",
    ),
    (
        "a rule without a citation",
        lambda r: edit(
            r / "catalogue/followups.yaml",
            '    citations:\n      "2021-08-01":\n        - {local_scheme: true, note: 镇财政所自定}\n    detail:\n      applied: 首轮等级为差',
            "    citations: {}\n    detail:\n      applied: 首轮等级为差",
        ),
        "citations",
    ),
    (
        "versions out of order",
        lambda r: edit(r / "versions.yaml", '- id: "2024-01-01"', '- id: "2020-01-01"'),
        "ascending",
    ),
    (
        "an impossible date",
        lambda r: edit(
            r / "parameters/panel/min_members.yaml",
            '"2021-08-01": {value: 5}',
            '"2021-08-01": {value: 5}\n  "2023-02-30": {value: 6}',
        ),
        "2023-02-30 is not a real date",
    ),
    (
        "a duplicate rule id",
        lambda r: edit(r / "catalogue/panel.yaml", "id: EXP-02", "id: EXP-01"),
        "duplicate rule id",
    ),
    (
        "a rule naming an unknown parameter",
        lambda r: edit(
            r / "catalogue/panel.yaml", "parameters: [panel.min_members]", "parameters: [panel.max_members]"
        ),
        "unknown parameter panel.max_members",
    ),
    (
        "wording with a blank that is not a plain name",
        lambda r: edit(r / "catalogue/eligibility.yaml", "订单号{order_no}", "订单号{order_no!r}"),
        "ELG-02.detail.held",
    ),
    # Dates: every one a real ISO date, and a dated entry starts with a version.
    (
        "a citation date not written YYYY-MM-DD",
        lambda r: edit(
            r / "catalogue/panel.yaml",
            '      "2021-08-01":\n        - {source: MINISTRY-PRACTICE}',
            '      "2021-8-1":\n        - {source: MINISTRY-PRACTICE}',
        ),
        "panel.yaml: rules.0.citations.2021-8-1.[key]: '2021-8-1': dates must be written YYYY-MM-DD",
    ),
    (
        "a parameter's value dated 2026-1-1",
        lambda r: edit(
            r / "parameters/fees/grade_coefficients.yaml",
            '  "2021-08-01": {value:',
            '  "2026-1-1": {value: {优: "1.00", 良: "0.90", 中: "0.85", 差: "0.60"}}\n  "2021-08-01": {value:',
        ),
        "grade_coefficients.yaml: values.2026-1-1.[key]: '2026-1-1': dates must be written YYYY-MM-DD",
    ),
    (
        "a version id dated 2026-1-1",
        lambda r: edit(
            r / "versions.yaml",
            _VERSION_2024,
            _VERSION_2024 + '  - id: "2026-1-1"\n    measure: HCF-2023-17\n',
        ),
        "versions.yaml: versions.2.id: '2026-1-1': dates must be written YYYY-MM-DD",
    ),
    (
        "an in_force date not written YYYY-MM-DD",
        lambda r: _rule_in_force(r, "2024-1-1", "2024-01-01"),
        "eligibility.yaml: rules.4.in_force.from: '2024-1-1': dates must be written YYYY-MM-DD",
    ),
    (
        "a source's effective date that is no date",
        lambda r: edit(r / "sources.yaml", 'effective: "2024-01-01"', 'effective: "2024-13-01"'),
        "sources.yaml: effective: 2024-13-01 is not a real date",
    ),
    (
        "a dated value no version starts with",
        lambda r: edit(
            r / "parameters/panel/min_members.yaml",
            '"2021-08-01": {value: 5}',
            '"2021-08-01": {value: 5}\n  "2025-01-01": {value: 6}',
        ),
        "min_members.yaml: values.2025-01-01: no version starts on 2025-01-01",
    ),
    (
        "a rule in force from a day no version starts",
        lambda r: _rule_in_force(r, "2024-02-01", "2024-02-01"),
        "eligibility.yaml: ELG-05.in_force.from: no version starts on 2024-02-01",
    ),
    (
        "a citation dated before its rule is in force",
        lambda r: _rule_in_force(r, "2024-01-01", "2021-08-01"),
        "ELG-05.citations.2021-08-01: dated before the rule is in force (2024-01-01)",
    ),
    (
        "a rule in force up to a day that does not end a version",
        lambda r: edit(
            r / "catalogue/eligibility.yaml",
            "    title: 机构独立于委托方和被评价单位\n",
            '    title: 机构独立于委托方和被评价单位\n    in_force: {from: "2021-08-01", to: "2023-06-30"}\n',
        ),
        "ELG-05.in_force.to: a rule stays in force up to the day before a later version starts",
    ),
    # Blanks: a parameter that exists, a known format, a fact behind every wording blank.
    (
        "a wording blank with no fact behind it",
        lambda r: edit(r / "catalogue/eligibility.yaml", "订单号{order_no}", "订单号{order_number}"),
        "eligibility.yaml: ELG-02.detail.held: the blank {order_number} names no fact of ELG-02",
    ),
    (
        "a wording blank naming a fact another rule shows",
        lambda r: edit(
            r / "catalogue/eligibility.yaml", "订单号{order_no}", "订单号{order_no}，{member_count}"
        ),
        "ELG-02.detail.held: the blank {member_count} names no fact of ELG-02",
    ),
    (
        "a text blank naming an unknown parameter",
        lambda r: edit(
            r / "catalogue/fees.yaml",
            "{fees.grade_coefficients:grades}。",
            "{fees.grade_coefficient:grades}。",
        ),
        "fees.yaml: FEE-01.text.zh: the blank {fees.grade_coefficient} names no parameter",
    ),
    (
        "a title blank naming a fact",
        lambda r: edit(
            r / "catalogue/panel.yaml",
            "title: 专家组人数不少于规定人数",
            "title: 专家组人数不少于{min_members}人",
        ),
        "panel.yaml: EXP-01.title: the blank {min_members} names no parameter (write a dotted path)",
    ),
    (
        "a blank with an unknown format",
        lambda r: edit(
            r / "catalogue/fees.yaml",
            "{fees.grade_coefficients:grades}。",
            "{fees.grade_coefficients:table}。",
        ),
        "FEE-01.text.zh: the blank {fees.grade_coefficients:table} uses an unknown format",
    ),
    (
        "a citation note blank naming a key the parameter lacks",
        lambda r: edit(
            r / "catalogue/fees.yaml",
            "{fees.late_deduction.cap:percent}",
            "{fees.late_deduction.ceiling:percent}",
        ),
        (
            "FEE-03.citations.2021-08-01[0].note: the blank {fees.late_deduction.ceiling} names no key ceiling "
            "of the parameter fees.late_deduction (version 2021-08-01)"
        ),
    ),
    (
        "a blank whose format cannot show the value",
        lambda r: edit(
            r / "catalogue/panel.yaml",
            "不少于{panel.min_members}人。",
            "不少于{panel.min_members:percent}人。",
        ),
        "EXP-01.text.zh: the blank {panel.min_members}: the format percent needs a decimal share (version 2021-08-01)",
    ),
    # facts.yaml
    (
        "an unknown key in a fact",
        lambda r: edit(r / "facts.yaml", "label: 有订单号,", "label: 有订单号, colour: red,"),
        "facts.yaml: engine.order_no_present.colour",
    ),
    (
        "a fact read by a rule the catalogue does not have",
        lambda r: edit(r / "facts.yaml", "read_by: [ELG-01]}", "read_by: [ELG-01, ELG-99]}"),
        "facts.yaml: engine.elg01_covering: no rule ELG-99 in the catalogue",
    ),
    (
        "a fact naming an unknown code list",
        lambda r: edit(
            r / "facts.yaml",
            "codes: channel, label: 采购方式, read_by",
            "codes: channels, label: 采购方式, read_by",
        ),
        "facts.yaml: engine.channel.codes: no code list channels in vocabulary",
    ),
    (
        "a text fact without a code list",
        lambda r: edit(
            r / "facts.yaml",
            "{type: text, unit: code, codes: channel, label: 采购方式",
            "{type: text, unit: code, label: 采购方式",
        ),
        "facts.yaml: engine.channel: a text fact is a code",
    ),
    (
        "a flag that is no bool",
        lambda r: edit(r / "facts.yaml", "order_no_present: {type: bool,", "order_no_present: {type: int,"),
        "facts.yaml: engine.order_no_present: a bool fact has the unit flag, and only it",
    ),
    (
        "a fact name that is not snake_case",
        lambda r: edit(r / "facts.yaml", "  elg01_covering:", "  ELG01-covering:"),
        "facts.yaml: engine: 'ELG01-covering': a fact name is lower-case snake_case",
    ),
]


@pytest.mark.parametrize(("label", "corrupt", "message"), BAD_DATA, ids=[b[0] for b in BAD_DATA])
def test_bad_rule_data_is_refused_with_file_and_key(
    rules_copy: Path, label: str, corrupt: Callable[[Path], None], message: str
) -> None:
    """Each malformed fixture is refused with a message naming the file, the key and what is wrong."""
    corrupt(rules_copy)
    with pytest.raises(RulebookError) as info:
        Rulebook(rules_copy)
    assert message in str(info.value), label


def test_a_rule_is_cited_from_its_first_day_in_force_not_from_the_first_version(rules_copy: Path) -> None:
    """A rule in force from 2024-01-01 needs a citation from then on only, and is in that version only."""
    _rule_in_force(rules_copy, "2024-01-01", "2024-01-01")
    rulebook = Rulebook(rules_copy)
    assert "ELG-05" not in [r.id for r in rulebook.at("2021-08-01").rules]
    assert "ELG-05" in [r.id for r in rulebook.at("2024-01-01").rules]


def test_content_hash_changes_with_the_data(rules_copy: Path) -> None:
    """The snapshot hash identifies the exact rule data a decision used."""
    before = Rulebook(rules_copy).at("2024-01-01").content_hash
    edit(rules_copy / "parameters/followups/divergence_points.yaml", 'value: "15"', 'value: "20"')
    assert Rulebook(rules_copy).at("2024-01-01").content_hash != before
    assert (
        Rulebook(rules_copy).at("2024-01-01").content_hash
        == Rulebook(rules_copy).at("2024-01-01").content_hash
    )


def test_the_process_rulebook_is_loaded_once_however_it_is_named(rules_copy: Path) -> None:
    """``load_rulebook()`` and ``load_rulebook(<that directory>)`` are one load (the batch starts on both)."""
    from rules import load_rulebook, rules_dir, use_rules_dir  # noqa: PLC0415

    before = rules_dir()
    try:
        use_rules_dir(rules_copy)
        first = load_rulebook()
        assert load_rulebook(rules_copy) is first
        assert load_rulebook(rules_copy.parent / ".." / rules_copy.parent.name / rules_copy.name) is first
        assert load_rulebook() is first
    finally:
        use_rules_dir(before)
    assert load_rulebook() is not first
