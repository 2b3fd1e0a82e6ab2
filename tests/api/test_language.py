"""The reader's language of a request: ``Accept-Language`` (api/http/language.py)."""

from __future__ import annotations

import pytest

from api.http.language import language


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        (None, "zh"),
        ("", "zh"),
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("en-US,en;q=0.9", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("en;q=0.5,zh;q=0.9", "zh"),
        ("fr, en;q=0.3", "en"),
        ("fr;q=1,en;q=0.5", "en"),
        ("fr", "zh"),
        ("en;q=0", "zh"),
        ("en;q=0,zh", "zh"),
        ("*", "zh"),
        ("en;q=abc", "zh"),
    ],
)
def test_the_language_follows_accept_language(header: str | None, lang: str) -> None:
    """English when English is the most preferred language the product speaks, else Chinese."""
    assert language(header) == lang
