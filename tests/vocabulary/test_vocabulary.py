"""The one vocabulary (rules/vocabulary.yaml): it loads, refuses what would make a word ambiguous, labels fields."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from rules import load_rulebook
from rules.errors import RulebookError
from rules.rulebook import RULES_DIR, Rulebook
from rules.vocabulary import Vocabulary, load_vocabulary

VOCABULARY = RULES_DIR / "vocabulary.yaml"


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return load_rulebook().vocabulary


def _edited(tmp_path: Path, edit: object) -> Path:
    """A copy of the vocabulary with ``edit`` applied to its data."""
    data = yaml.safe_load(VOCABULARY.read_text(encoding="utf-8"))
    edit(data)  # type: ignore[operator]
    path = tmp_path / "vocabulary.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_the_vocabulary_loads_with_every_list_the_contract_codes(vocabulary: Vocabulary) -> None:
    """Every coded field names a list; every code has a Chinese and an English label."""
    for path, entry in vocabulary.field_paths.items():
        assert entry.zh, path
        if entry.codes is not None:
            assert entry.codes in vocabulary.lists, path
    for name in vocabulary.lists:
        for code in vocabulary.codes(name):
            assert vocabulary.label(name, code)
            assert vocabulary.label(name, code, "en")
    assert vocabulary.codes("memo_kind") == ("eligibility", "review-plan", "review-draft", "fee", "referral")


def test_labels_are_the_terms_of_the_cited_documents(vocabulary: Vocabulary) -> None:
    """Agency kinds in the words of 财监〔2021〕4号 第二条 (ELG-04), evaluation kinds of 财预〔2021〕6号 (ELG-07)."""
    assert [vocabulary.label("agency_kind", k) for k in vocabulary.codes("agency_kind")[:6]] == [
        "专业咨询机构",
        "会计师事务所",
        "资产评估机构",
        "律师事务所",
        "科研院所",
        "高等院校",
    ]
    assert vocabulary.label("evaluation_kind", "pre") == "事前绩效评估"
    assert vocabulary.label("node", "draft") == "报告初稿"


def test_a_code_is_found_by_its_label_or_synonym_however_typed(vocabulary: Vocabulary) -> None:
    """Labels and synonyms name their code; full-width letters, spaces and case do not matter."""
    assert vocabulary.code_for("agency_kind", "专业咨询机构") == "consultancy"
    assert vocabulary.code_for("agency_kind", " 咨询 机构 ") == "consultancy"
    assert vocabulary.code_for("agency_kind", "ＣＰＡ firm") == "cpa_firm"
    assert vocabulary.code_for("grade", "良好") == "良"
    assert vocabulary.code_for("agency_kind", "贸易行") is None
    # The same word may name codes of two different lists.
    assert vocabulary.code_for("pool", "其他") == "other"
    assert vocabulary.code_for("channel", "其他") == "other"
    with pytest.raises(KeyError, match="no code list 'nope'"):
        vocabulary.code_for("nope", "x")


def test_an_unknown_code_keeps_its_code_never_a_guess(vocabulary: Vocabulary) -> None:
    """A code the list does not hold comes back as it is."""
    assert vocabulary.label("agency_kind", "spaceship") == "spaceship"


@pytest.mark.parametrize(
    ("loc", "zh", "en"),
    [
        (["agency", "kind"], "机构类型", "agency kind"),
        (["agency", "designated_list", 0, "valid_to"], "名单有效期止", "valid to"),
        (["panel", "members", 2, "ties", 0, "relation"], "关联方式", "relation"),
        (["plan", "scores", "expert_panel", "E1"], "评价方案专家评分", "plan expert scores"),
        (["draft", "indicator_scores", 4, "score"], "指标得分", "score"),
        (["plan", "indicators", 0, "colour"], "评价指标", "indicators"),
        (["commission"], "委托信息", "commission"),
    ],
)
def test_field_labels_resolve_error_locations(
    vocabulary: Vocabulary, loc: list[str | int], zh: str, en: str
) -> None:
    """List indices are skipped and mapping keys fall back to the longest labelled prefix."""
    assert vocabulary.field_label(loc) == zh
    assert vocabulary.field_label(loc, "en") == en


def test_a_location_outside_the_case_has_no_label(vocabulary: Vocabulary) -> None:
    """Nothing labelled: None, never a made-up label."""
    assert vocabulary.field_label([]) is None
    assert vocabulary.field_label(["body", 3]) is None
    assert vocabulary.field_label([0, 1]) is None


def test_a_word_naming_two_codes_of_one_list_is_refused(tmp_path: Path) -> None:
    """咨询机构 cannot also be a synonym of the CPA firm: the load error names the list, code and word."""

    def edit(data: dict) -> None:
        data["code_lists"]["agency_kind"]["codes"]["cpa_firm"]["synonyms"].append("咨询机构")

    with pytest.raises(RulebookError) as info:
        load_vocabulary(_edited(tmp_path, edit))
    message = str(info.value)
    assert "code_lists.agency_kind.codes.cpa_firm" in message
    assert "'咨询机构' already names the code consultancy" in message


def test_a_label_equal_to_another_code_is_refused(tmp_path: Path) -> None:
    """A label that spells another code of its list (typed either way) is ambiguous too."""

    def edit(data: dict) -> None:
        data["code_lists"]["channel"]["codes"]["other"]["zh"] = "Direct"

    with pytest.raises(RulebookError, match="'Direct' already names the code direct"):
        load_vocabulary(_edited(tmp_path, edit))


def test_a_field_naming_an_unknown_code_list_is_refused(tmp_path: Path) -> None:
    """fields.<path>.codes must name a list of code_lists."""

    def edit(data: dict) -> None:
        data["fields"]["agency.kind"]["codes"] = "agency_kinds"

    with pytest.raises(RulebookError, match=r"fields\.agency\.kind\.codes.*no code list agency_kinds"):
        load_vocabulary(_edited(tmp_path, edit))


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        (lambda d: d.update(labels={}), "labels"),
        (lambda d: d["code_lists"]["pool"].update(label="专家库"), "code_lists.pool.label"),
        (lambda d: d["code_lists"]["pool"]["codes"]["district"].update(zh_tw="區級"), "zh_tw"),
        (lambda d: d["fields"]["agency.kind"].update(hint="…"), "fields.agency.kind.hint"),
        (lambda d: d["deliverable_headers"].update(report={}), "deliverable_headers.report"),
    ],
)
def test_unknown_keys_are_refused(tmp_path: Path, edit: object, key: str) -> None:
    """A misspelt key is a load error naming it, never silently ignored."""
    with pytest.raises(RulebookError) as info:
        load_vocabulary(_edited(tmp_path, edit))
    assert key in str(info.value)


def test_a_missing_label_is_refused(tmp_path: Path) -> None:
    """Every code needs both labels."""

    def edit(data: dict) -> None:
        del data["code_lists"]["relation"]["codes"]["director"]["en"]

    with pytest.raises(RulebookError, match=r"code_lists\.relation\.codes\.director\.en"):
        load_vocabulary(_edited(tmp_path, edit))


def test_the_rulebook_refuses_a_broken_vocabulary(tmp_path: Path) -> None:
    """The vocabulary is rule data: a rules directory with a broken one does not load."""
    root = tmp_path / "rules"
    shutil.copytree(RULES_DIR, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))

    def edit(data: dict) -> None:
        data["code_lists"]["grade"]["codes"]["良"]["synonyms"].append("优秀")

    (root / "vocabulary.yaml").write_text(
        _edited(tmp_path, edit).read_text(encoding="utf-8"), encoding="utf-8"
    )
    with pytest.raises(RulebookError, match="'优秀' already names the code 优"):
        Rulebook(root)
