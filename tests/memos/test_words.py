"""The memos in the office's words: recusal reasons that agree with EXP-04, the red header, units."""

from __future__ import annotations

import dataclasses
import re

from engine import evaluate
from engine.memos import build_context
from engine.testing import cases
from tests.memos.conftest import DATE, OFFICE, Memo, case, render


def test_the_recusal_reasons_agree_with_the_engine() -> None:
    """For generated panels, a member's reasons say 须回避 exactly when EXP-04 found the member conflicted."""
    checked = 0
    for data in cases(300):
        if not data.get("panel") or not data.get("plan"):
            continue
        decision = evaluate(data)
        if decision["plan_review"]["verdict"] == "not_submitted":
            continue
        context = build_context(
            data, decision, "review-plan", office=OFFICE, document_number=1, document_date=DATE
        )
        for member in context.values["members"]:
            needs = any(p.endswith("，须回避") for p in member["recusal"].split("；"))
            assert needs == member["conflicted"], (data["case_id"], member)
            checked += 1
    assert checked > 500


def test_the_red_header_is_red_and_off_unless_asked_for() -> None:
    """KAOPING_RED_HEADER: the office's words in red 小标宋 and a red rule under the document number."""
    plain_memo = Memo(render(case(), "fee"))
    assert "七宝镇财政所文件" not in plain_memo.paragraphs
    red = Memo(
        render(
            case(),
            "fee",
            office=dataclasses.replace(OFFICE, red_header=True, red_header_text="七宝镇财政所文件"),
        )
    )
    assert red.paragraphs[:3] == ["七宝镇财政所文件", "", "七财评〔2024〕7号"]
    styles = red.parts["word/styles.xml"].decode()
    head = re.search(r'<w:style [^>]*w:styleId="RedHead".*?</w:style>', styles, re.DOTALL)
    assert head
    assert 'w:color w:val="FF0000"' in head.group()
    assert "方正小标宋简体" in head.group()
    rule = re.search(r'<w:style [^>]*w:styleId="RedRule".*?</w:style>', styles, re.DOTALL)
    assert rule
    assert re.search(r'<w:bottom [^>]*w:color="FF0000"', rule.group())
    default_text = Memo(render(case(), "fee", office=dataclasses.replace(OFFICE, red_header=True)))
    assert default_text.paragraphs[0] == "七宝镇财政所"
