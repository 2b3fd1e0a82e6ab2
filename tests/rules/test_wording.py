"""The trace writer fills the catalogue's wording (rules/wording.py)."""

from __future__ import annotations

import pytest

from rules.wording import printf_style


@pytest.mark.parametrize(
    ("wording", "text", "names"),
    [
        ("委托日期{commissioned_on}在{batches}内", "委托日期%s在%s内", ["commissioned_on", "batches"]),
        ("扣减{share}即100%以内", "扣减%s即100%%以内", ["share"]),
        ("扣减比例不超过100%", "扣减比例不超过100%", []),
        ("{a}与{a}", "%s与%s", ["a", "a"]),
        ("{{字面}}{a}", "{字面}%s", ["a"]),
    ],
)
def test_wording_becomes_printf_style_and_fills_like_format(
    wording: str, text: str, names: list[str]
) -> None:
    """Each blank becomes %s in order, a literal % survives filling, wording without blanks is untouched."""
    assert printf_style(wording) == (text, names)
    values = {name: f"<{name}>" for name in names}
    filled = text % tuple(values[n] for n in names) if names else text
    assert filled == wording.format_map(values)


@pytest.mark.parametrize("wording", ["{a:>5}", "{a!r}", "{}", "{a"])
def test_blanks_that_are_not_plain_names_are_refused(wording: str) -> None:
    """The catalogue's blanks are plain names; anything else is an error when the version loads."""
    with pytest.raises(ValueError):
        printf_style(wording)
