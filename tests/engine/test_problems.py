"""Errors in a person's words: Chinese first, each field named by its label and path, English on request."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from api import jsonio
from engine import CaseError, evaluate
from engine.problems import localise
from rules._yaml import read_yaml
from rules.messages import catalogue, message
from tests.support.chinese import english_words
from tests.yamlcases import build_case

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = json.loads((ROOT / "examples" / "QB-2024-007.case.json").read_text(encoding="utf-8"))
BAD_FILES = [ROOT / "tests/rules/bad_input/bad_input.yaml", ROOT / "tests/rules/normal_form/normal_form.yaml"]
# Groups of messages the product says to people about input, the API and scores (not Office files).
SCANNED = ("error.", "api.", "score.", "memo.", "cli.")


def _errors_of(case: Any) -> list[dict[str, Any]]:
    with pytest.raises(CaseError) as info:
        evaluate(case)
    return info.value.errors


def _bad_cases() -> list[tuple[str, Any]]:
    out = []
    for path in BAD_FILES:
        out += [(c["name"], build_case(c["input"])) for c in read_yaml(path) if "errors" in c]
    return [*out, ("not an object", [1]), ("empty object", {})]


def _every_error() -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    for _name, case in _bad_cases():
        errors += _errors_of(case)
    for text in (b"{", b"", b'{"a": NaN}', b'{"a": 1, "a": 2}', b"\xff\xfe\xfd"):
        with pytest.raises(jsonio.JsonError) as info:
            jsonio.loads(text)
        errors += info.value.errors()
    return errors


def test_every_error_names_its_field_by_label_and_path() -> None:
    """``机构类型（agency.kind）…``: the vocabulary's label, then the path in full-width parentheses."""
    errors = _errors_of(
        {**copy.deepcopy(EXAMPLE), "agency": {**EXAMPLE["agency"], "kind": "广告公司", "credit_code": "X"}}
    )
    by_loc = {tuple(e["loc"]): e["msg"] for e in errors}
    assert by_loc[("agency", "kind")].startswith("机构类型（agency.kind）须为下列之一：")
    assert by_loc[("agency", "credit_code")].startswith("统一社会信用代码（agency.credit_code）")


def test_an_unknown_code_lists_the_codes_with_their_labels_in_the_message_and_in_ctx() -> None:
    """The message and ``ctx.allowed`` both list every code of the field's list with its label."""
    case = copy.deepcopy(EXAMPLE)
    case["panel"]["members"][0]["ties"][0]["relation"] = "同学"
    [error] = _errors_of(case)
    assert error["type"] == "literal_error"
    assert error["loc"] == ["panel", "members", 0, "ties", 0, "relation"]
    assert error["ctx"]["list"] == "relation"
    assert error["ctx"]["allowed"][0] == {"code": "employee", "label": "任职"}
    assert [a["code"] for a in error["ctx"]["allowed"]] == [
        "employee",
        "director",
        "supervisor",
        "controller",
        "relative_of_head",
    ]
    assert "任职（employee）、担任董事（director）" in error["msg"]
    [english] = localise([error], "en")
    assert english["msg"].startswith(
        "relation (panel.members.0.ties.0.relation) must be one of: employee (employee)"
    )
    assert english["ctx"]["allowed"][0] == {"code": "employee", "label": "employee"}
    assert english["type"] == error["type"]
    assert english["loc"] == error["loc"]


def test_a_repeated_expert_score_names_the_key_and_replaces_nothing() -> None:
    """``{"E1": "88", "E1": "40"}`` is refused, naming plan.scores.expert_panel.E1."""
    text = json.dumps(EXAMPLE, ensure_ascii=False).replace('"E1": "88"', '"E1": "88", "E1": "40"', 1)
    assert '"E1": "40"' in text
    with pytest.raises(jsonio.DuplicateKeyError) as info:
        jsonio.loads(text)
    [error] = info.value.errors()
    assert error["loc"] == ["plan", "scores", "expert_panel", "E1"]
    assert error["msg"].startswith("评价方案专家评分（plan.scores.expert_panel.E1）在同一对象中出现了两次")


@pytest.mark.parametrize(("name", "case"), _bad_cases(), ids=lambda v: v if isinstance(v, str) else "")
def test_no_chinese_error_holds_an_english_word(name: str, case: Any) -> None:
    """Every error of the bad-input tables reads as Chinese: no code name or English word outside ( )."""
    for error in _errors_of(case):
        assert english_words(error["msg"]) == [], (name, error["msg"])


def test_no_chinese_json_error_holds_an_english_word() -> None:
    """Bad JSON, repeated keys, NaN, a bad encoding: Chinese sentences."""
    for error in _every_error():
        assert english_words(error["msg"]) == [], error["msg"]


def test_every_scanned_message_reads_as_chinese() -> None:
    """The templates themselves, blanks left out: no English word in the Chinese of any message."""
    for key, text in catalogue().items():
        if key.startswith(SCANNED):
            blanks_out = text["zh"].replace("{", "（").replace("}", "）")
            assert english_words(blanks_out) == [], (key, text["zh"])


def test_english_errors_have_the_same_types_and_places() -> None:
    """``localise(…, "en")`` rewords every entry; loc, type and ctx codes stay."""
    errors = _every_error()
    english = localise(errors, "en")
    assert [(e["loc"], e["type"]) for e in english] == [(e["loc"], e["type"]) for e in errors]
    for zh, en in zip(errors, english, strict=True):
        assert en["msg"] != zh["msg"] or not any("\u4e00" <= ch <= "\u9fff" for ch in zh["msg"]), zh["msg"]


def test_missing_scores_name_the_members() -> None:
    """The trace of an incomplete assessment names who has not scored, by id and name."""
    case = copy.deepcopy(EXAMPLE)
    for member in ("E4", "E5"):
        del case["draft"]["scores"]["expert_panel"][member]
    asm01 = next(e for e in evaluate(case)["trace"] if e["rule"] == "ASM-01")
    assert "报告初稿 专家组：E4 赵敏、E5 陈刚未评分" in asm01["detail"]
    assert "draft.expert_panel" not in asm01["detail"]


def test_both_languages_of_a_message_name_the_same_values() -> None:
    """A message filled in either language takes the same values (rules/messages.py checks the blanks)."""
    assert message("error.range", "zh", field="F", low=0, high=100) == "F须在0到100之间"
    assert message("error.range", "en", field="F", low=0, high=100) == "F must be between 0 and 100"
