"""What "no code name or English word inside a Chinese sentence" means, as a check tests share.

A Chinese sentence may hold ASCII only where a person expects it: inside parentheses (a field's path,
a code beside its label, an example of the accepted form), in ids and numbers (anything with a digit:
E1, QB-2024-007, 2024-03-15), and in the few names of formats and protocol headers a person must type or
look for as they are (FORMAT_NAMES). Everything else written in Latin letters is a finding.
"""

from __future__ import annotations

import re

FORMAT_NAMES = frozenset(
    {"JSON", "UTF-8", "GB18030", "If-Match", "ETag", "Authorization", "Bearer", "kaoping"}
)
"""Names written as they are typed: the data format, text encodings, HTTP headers, the program's name."""

_PARENTHESISED = re.compile(r"（[^（）]*）|\([^()]*\)|“[^“”]*”")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*")


def english_words(sentence: str) -> list[str]:
    """The Latin-letter words of a Chinese sentence that break the rule (empty when it holds)."""
    text = sentence
    while True:  # nested parentheses: innermost first
        stripped = _PARENTHESISED.sub("", text)
        if stripped == text:
            break
        text = stripped
    return [
        word
        for word in _WORD.findall(text)
        if word not in FORMAT_NAMES and not any(ch.isdigit() for ch in word)
    ]
