"""How the pages write values for people: amounts as the memos print them, lists as words, never JSON."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

import api
from api.web.pages import fact_value, money, parameter, parameter_value, plain
from rules import load_rulebook


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("80000.00", "80,000.00"),
        ("74400.00", "74,400.00"),
        ("0.00", "0.00"),
        (None, "—"),
        ("八万元", "八万元"),  # not an amount: shown as stored, never an error page
    ],
)
def test_an_amount_is_shown_with_thousands_separators(value: Any, shown: str) -> None:
    assert money(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ([], "无"),
        (["E1", "E2"], "E1、E2"),
        ([True, None], "是、—"),
        (True, "是"),
        ("2024-04-10", "2024-04-10"),
        (5, "5"),
    ],
)
def test_a_value_is_shown_as_words(value: Any, shown: str) -> None:
    assert plain(value) == shown


def test_a_coded_list_fact_is_its_labels_or_none() -> None:
    """The trace's facts: no ``[]`` on the case page (EXP-04's members to recuse, when there are none)."""
    assert fact_value("conflicted_members", []) == "无"


def _audit_actions_written() -> set[str]:
    """Every action string the store passes to ``add_audit`` (directly or through a module's ACTION)."""
    found: set[str] = set()
    for path in (Path(api.__file__).parent / "store").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "add_audit":
                found |= {c.value for c in ast.walk(node.args[2]) if isinstance(c, ast.Constant)}
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "ACTION" for t in node.targets):
                found |= {c.value for c in ast.walk(node.value) if isinstance(c, ast.Constant)}
    return {a for a in found if isinstance(a, str)}


def test_every_audit_action_has_a_chinese_label() -> None:
    """The 审计日志 page shows 录入评分, not ``scores.put``: each action the store writes is in the vocabulary."""
    written = _audit_actions_written()
    labelled = set(load_rulebook().vocabulary.labels("audit_action"))
    assert len(written) >= 15, written  # the scan found the calls
    assert written <= labelled, sorted(written - labelled)


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("eligibility.allowed_agency_kinds", ["cpa_firm", "law_firm"], "会计师事务所、律师事务所"),
        ("eligibility.procurement_channel", "e_marketplace", "电子卖场"),
        ("assessment.node_weights", {"plan": "0.4", "draft": "0.6"}, "评价方案：0.4、报告初稿：0.6"),
        (
            "assessment.grade_bands",
            [["差", "0", "60"], ["优", "90", "100"]],
            (
                "评价等级：差，分数下限（含）：0，分数上限（不含；最高一档含）：60；"
                "评价等级：优，分数下限（含）：90，分数上限（不含；最高一档含）：100"
            ),
        ),
        (
            "panel.recusal",
            {"relations": ["employee", "director"], "lookback_years": 3},
            "须回避的关联方式：任职、担任董事，关系结束后仍须回避的年数：3",
        ),
        ("panel.min_members", 5, "5"),
    ],
)
def test_a_rule_parameter_is_shown_in_words(name: str, value: Any, shown: str) -> None:
    """The 规则 page: a parameter by its Chinese label, its codes by theirs (never ``cpa_firm``)."""
    assert parameter_value(name, value) == shown
    assert not parameter(name).isascii()
