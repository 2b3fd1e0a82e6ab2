"""Every fact a rule reads is declared once, read by the rules that say so, and derived (rules/facts.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import Evaluator, check_rules
from engine.errors import RulebookError
from rules import Rulebook, RuleSet
from rules.facts import hundredths
from rules.rulesets import compile_ruleset
from rules.rulesets._cond import F
from rules.rulesets._registry import BUILDERS, Logic
from tests.rules.conftest import edit, kaoping

ELG_10 = """  - id: ELG-10
    title: 合同金额不超过上限
    severity: BLOCK
    parameters: [eligibility.contract_fee_ceiling]
    text:
      zh: 合同金额不超过{eligibility.contract_fee_ceiling}元。
      en: "The contract fee is at most {eligibility.contract_fee_ceiling} yuan."
    citations:
      "2021-08-01":
        - {local_scheme: true, note: 镇财政所自定}
    detail:
      held: 合同金额{contract_fee}元，未超过上限
      failed: 合同金额{contract_fee}元，超过上限
"""
CEILING = """description: The largest contract fee a commission may carry (ELG-10)
metadata:
  label: 合同金额上限
  type: decimal
  unit: currency-CNY
  local_scheme: true
  citations: {"2021-08-01": [{local_scheme: true, note: 镇财政所自定}]}
values:
  "2021-08-01": {value: "1000000"}
"""
DECLARED = "  late_days: {type: int, unit: working_day, label: 逾期工作日合计, read_by: [FLW-04]}\n"


def elg_10_fee_within_ceiling(rs: RuleSet) -> Logic:
    """The contract fee is at most the ceiling (the maintainer's new check)."""
    return Logic(fails=F("contract_fee_h") > hundredths(rs.param("eligibility.contract_fee_ceiling")))


@pytest.fixture
def with_elg_10(rules_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """ELG-10 as a maintainer adds it: a catalogue entry, a parameter and a builder, but no fact."""
    with (rules_copy / "catalogue/eligibility.yaml").open("a", encoding="utf-8") as catalogue:
        catalogue.write(ELG_10)
    (rules_copy / "parameters/eligibility/contract_fee_ceiling.yaml").write_text(CEILING, encoding="utf-8")
    monkeypatch.setitem(BUILDERS, "ELG-10", elg_10_fee_within_ceiling)  # removed again after the test
    return rules_copy


def test_a_new_rule_reading_a_fact_nobody_declared_is_refused(with_elg_10: Path) -> None:
    """The maintainer's try: ELG-10 with catalogue entry, parameter and builder but no fact is refused."""
    rulebook = Rulebook(with_elg_10)  # the data itself is well-formed
    with pytest.raises(RulebookError) as info:
        compile_ruleset(rulebook.at("2024-01-01"))
    assert "facts.yaml: ELG-10: reads the fact contract_fee_h, which facts.yaml does not declare" in str(
        info.value
    )
    with pytest.raises(RulebookError) as built:
        Evaluator(rulebook)
    assert "ELG-10: reads the fact contract_fee_h" in str(built.value)
    assert {str(p) for p in check_rules(with_elg_10).problems} == {str(info.value)}  # in every version


def test_a_declared_fact_that_no_derivation_produces_is_refused(with_elg_10: Path) -> None:
    """Declared but not derived: the engine is refused, naming the fact and the rules that read it."""
    edit(
        with_elg_10 / "facts.yaml",
        DECLARED,
        DECLARED + "  contract_fee_h: {type: int, unit: hundredths, label: 合同金额, read_by: [ELG-10]}\n",
    )
    rulebook = Rulebook(with_elg_10)
    compile_ruleset(rulebook.at("2024-01-01"))  # declared: the builder may read it
    with pytest.raises(RulebookError) as info:
        Evaluator(rulebook)
    assert (
        "facts.yaml: engine.contract_fee_h: no derivation in engine/facts produces it, yet ELG-10 read it"
        in str(info.value)
    )


def test_a_rule_reading_a_fact_it_is_not_declared_to_read_is_refused(rules_copy: Path) -> None:
    """The declared readers are the actual readers: FLW-05 reads hist_count, so it must say so."""
    edit(
        rules_copy / "facts.yaml",
        "read_by: [ELG-09, FLW-05]}\n  hist_latest",
        "read_by: [ELG-09]}\n  hist_latest",
    )
    with pytest.raises(RulebookError) as info:
        Evaluator(Rulebook(rules_copy))
    assert "engine.hist_count.read_by: FLW-05 reads hist_count but is not among its readers (ELG-09)" in str(
        info.value
    )


def test_a_declared_reader_that_reads_nothing_is_refused(rules_copy: Path) -> None:
    """A stale reader: ELG-01 is declared to read channel, but no version's ELG-01 does."""
    edit(
        rules_copy / "facts.yaml",
        "label: 采购方式, read_by: [ELG-02]",
        "label: 采购方式, read_by: [ELG-01, ELG-02]",
    )
    with pytest.raises(RulebookError) as info:
        Evaluator(Rulebook(rules_copy))
    assert (
        "engine.channel.read_by: ELG-01 is declared to read channel, but its builder reads it in no version"
        in str(info.value)
    )


def test_a_condition_comparing_a_coded_fact_with_no_code_is_refused(rules_copy: Path) -> None:
    """A typo in a parameter's code (e_marketplce) fails to compile instead of failing every case.

    The parameter's own ``metadata.codes`` refuses it first, at load (tests/rules/test_parameter_codes.py);
    without it the compiled condition still does.
    """
    path = rules_copy / "parameters/eligibility/procurement_channel.yaml"
    edit(path, "value: e_marketplace", "value: e_marketplce")
    edit(path, ", codes: channel", "")
    with pytest.raises(RulebookError) as info:
        compile_ruleset(Rulebook(rules_copy).at("2024-01-01"))
    assert "ELG-02: compares channel with 'e_marketplce', not a code of channel" in str(info.value)


def test_rules_check_names_every_slip(rules_copy: Path) -> None:
    """`kaoping rules check` lists each slip past loading: here a stale reader and a fact nobody derives."""
    edit(
        rules_copy / "facts.yaml",
        "label: 采购方式, read_by: [ELG-02]",
        "label: 采购方式, read_by: [ELG-01, ELG-02]",
    )
    edit(
        rules_copy / "facts.yaml",
        DECLARED,
        DECLARED + "  ghost: {type: int, unit: count, label: 无人计算, read_by: [ELG-03]}\n",
    )
    report = check_rules(rules_copy)
    assert not report.ok
    messages = [str(p) for p in report.problems]
    assert any("ELG-01 is declared to read channel" in m for m in messages)
    assert any(
        "engine.ghost: no derivation in engine/facts produces it, yet ELG-03 read it" in m for m in messages
    )
    result = kaoping("rules", "check", rules=rules_copy)
    assert result.returncode == 1
    assert "ELG-01 is declared to read channel" in result.stderr
    assert "engine.ghost: no derivation" in result.stderr
    assert "Traceback" not in result.stderr


def test_rules_check_names_a_load_error_with_file_and_key(rules_copy: Path) -> None:
    """A slip that stops loading is named with its file and key, and the command fails."""
    edit(rules_copy / "catalogue/eligibility.yaml", "订单号{order_no}", "订单号{order_number}")
    result = kaoping("rules", "check", rules=rules_copy)
    assert result.returncode == 1
    assert (
        "eligibility.yaml: ELG-02.detail.held: the blank {order_number} names no fact of ELG-02"
        in result.stderr
    )


def test_the_shipped_rule_data_has_no_slip() -> None:
    """Every version compiles, every declared reader reads, every declared fact is derived."""
    report = check_rules()
    assert [str(p) for p in report.problems] == []
    assert len(report.lines) == len(Rulebook().versions)
