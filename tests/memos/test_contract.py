"""rules/memos.yaml, the template contract and the memos' phrases, is validated when it loads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
import yaml

from rules import load_rulebook
from rules.errors import RulebookError
from rules.memos import MEMOS_PATH, load_memo_data, memo_data

if TYPE_CHECKING:
    from pathlib import Path


def _load(tmp_path: Path, edit: Any) -> None:
    data = yaml.safe_load(MEMOS_PATH.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "memos.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    load_memo_data(path, load_rulebook().vocabulary)


def test_the_shipped_contract_loads() -> None:
    """Four templates, each with the common fields first; the phrases fill their blanks."""
    data = memo_data()
    assert list(data.templates) == ["eligibility", "review", "fee", "referral"]
    for fields in data.templates.values():
        assert list(fields)[:2] == ["case_id", "rule_version"]
    assert data.templates["review"]["verdict"].codes == ("verdict",)
    assert data.templates["review"]["checks"].row is data.templates["eligibility"]["rules"].row
    assert data.phrase("tie_ongoing", org="某单位", relation="任职") == "与某单位任职（至今）"


@pytest.mark.parametrize(
    ("edit", "key", "message"),
    [
        (lambda d: d.update(extra={}), "extra", "Extra inputs"),
        (lambda d: d["wording"].update(tie="与{org}{relation}"), "wording.tie", "the blanks are"),
        (lambda d: d["wording"].update(footnote="{rule} {title}"), "wording.footnote", "the blanks are"),
        (lambda d: d["wording"].pop("not_scored"), "wording.not_scored", "Field required"),
        (
            lambda d: d["templates"]["fee"].update(grades={"doc": "x", "codes": ["grades"]}),
            "grades.codes",
            "grades",
        ),
        (lambda d: d["templates"]["fee"].update(rows={"doc": "x", "row": "nope"}), "rows.row", "no row nope"),
        (
            lambda d: d["templates"]["fee"].update(case_id="x"),
            "templates.fee.case_id",
            "already a common field",
        ),
        (
            lambda d: d["rows"]["rule"].update(sub={"doc": "x", "row": "flag"}),
            "rows.rule.sub.row",
            "list of rows",
        ),
        (lambda d: d["templates"]["fee"]["payable"].update(must=True), "must", "Extra inputs"),
    ],
)
def test_a_slip_in_the_contract_is_a_load_error_naming_it(
    tmp_path: Path, edit: Any, key: str, message: str
) -> None:
    """Unknown keys, phrases with other blanks, unknown rows or code lists, a repeated common field."""
    with pytest.raises(RulebookError) as info:
        _load(tmp_path, edit)
    assert key in str(info.value)
    assert message in str(info.value)
