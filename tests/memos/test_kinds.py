"""The memo kinds' registry: each kind once, with when it applies, its builder and its template."""

from __future__ import annotations

import pytest

from engine import evaluate
from engine.memos import MEMO_KINDS, MemoNotApplicableError, UnknownMemoKindError, build_context
from engine.memos.fields import TEMPLATE_FIELDS
from engine.memos.kinds import REGISTRY, memo_kind
from rules import load_rulebook
from rules.messages import catalogue
from tests.memos.conftest import DATE, OFFICE, case, load


def test_each_kind_is_registered_once_in_the_vocabularys_order() -> None:
    """The registry holds the vocabulary's memo kinds, each under its own code, each with a contract."""
    assert MEMO_KINDS == tuple(REGISTRY) == load_rulebook().vocabulary.codes("memo_kind")
    for name, kind in REGISTRY.items():
        assert kind.name == name
        assert kind.template in TEMPLATE_FIELDS
        assert memo_kind(name) is kind


@pytest.mark.parametrize("kind", ["letter", "", "Referral", "referral ", "review"])
def test_an_unknown_kind_is_an_error_never_a_default_kind(kind: str) -> None:
    """Even for a case that supports a referral, an unknown kind is refused before anything is built."""
    with pytest.raises(UnknownMemoKindError) as info:
        build_context(
            case("failing"),
            load("failing.decision.json"),
            kind,
            office=OFFICE,
            document_number=1,
            document_date=DATE,
        )
    assert isinstance(info.value, ValueError)
    assert "eligibility（第三方评价机构资格审查意见书）" in str(info.value)
    assert "the kinds are: eligibility, review-plan, review-draft, fee, referral" in str(info.value)
    with pytest.raises(UnknownMemoKindError):
        memo_kind(kind)


def test_a_refusal_names_the_memo_by_its_label_in_both_languages() -> None:
    """The reason comes from rules/messages.yaml; the memo is named by its vocabulary label, not its code."""
    data = case()
    with pytest.raises(MemoNotApplicableError) as info:
        build_context(data, evaluate(data), "referral", office=OFFICE, document_number=1, document_date=DATE)
    assert info.value.kind == "referral"
    assert info.value.reason.text("zh") == "未触发FLW-02、FLW-03中的任何一项，无需移送区财政局"
    assert info.value.reason.text("en") == "none of FLW-02, FLW-03 is raised; there is nothing to refer"
    assert str(info.value).startswith("不能出具移送函：")
    assert " / cannot issue the referral letter: " in str(info.value)
    assert "不能出具referral" not in str(info.value)


def test_every_refusal_has_its_message() -> None:
    """The reasons a kind gives are messages of the catalogue, in Chinese and English."""
    messages = catalogue()
    for key in ("memo.not_submitted", "memo.no_panel", "memo.fee_pending", "memo.nothing_to_refer"):
        assert set(messages[key]) == {"zh", "en"}


def test_a_review_without_a_panel_is_refused() -> None:
    """A submitted plan with no panel formed: the review cannot be issued yet."""
    data = case()
    del data["panel"]
    for scores in (data["plan"]["scores"], data["draft"]["scores"]):
        del scores["expert_panel"]
    with pytest.raises(MemoNotApplicableError, match=r"专家组尚未组建 / .*no expert panel has been formed"):
        build_context(
            data, evaluate(data), "review-plan", office=OFFICE, document_number=1, document_date=DATE
        )


@pytest.mark.parametrize("name", ["worked_example", "failing"])
def test_the_context_holds_values_not_sentences(name: str) -> None:
    """No context value is a sentence of the memo's own (none ends a sentence with 。): the templates word them."""
    for kind in MEMO_KINDS:
        if (kind, name) == ("referral", "worked_example"):
            continue
        context = build_context(
            case(name),
            load(f"{name}.decision.json"),
            kind,
            office=OFFICE,
            document_number=7,
            document_date=DATE,
        )
        for key, value in context.values.items():
            rows = value if isinstance(value, list) else [{key: value}]
            for row in rows:
                for field, text in row.items():
                    assert "。" not in str(text), (kind, key, field, text)
