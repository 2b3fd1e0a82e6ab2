"""What "no code name or English word inside a Chinese sentence" means, as a check tests share.

A Chinese sentence may hold ASCII only where a person expects it: inside parentheses (a field's path,
a code beside its label, an example of the accepted form), in ids and numbers (anything with a digit:
E1, QB-2024-007, 2024-03-15), in what a person types as it is (command lines ``kaoping …``, options
``--jsonl``, environment variables and placeholders in capitals, paths and addresses), and in the few
names of formats, programs and protocol headers (NAMES). Everything else in Latin letters is a finding.
"""

from __future__ import annotations

import re

NAMES = (
    "JSON Lines",
    "JSON",
    "UTF-8",
    "GB18030",
    "If-Match",
    "ETag",
    "Authorization",
    "Bearer",
    "Word",
    "Excel",
    "LibreOffice",
    "HTTP",
    "SQLite",
    "MiB",
)
"""Names written as they are: data formats, text encodings, HTTP headers, programs, units."""

_PARENTHESISED = re.compile(r"（[^（）]*）|\([^()]*\)|“[^“”]*”")
_TYPED = re.compile(
    r"kaoping(?: [a-z][\w-]*)*(?: --?[a-z][\w-]*(?: [a-z_]+)?)*"  # a command line
    r"|--?[a-z][\w-]*"  # an option
    r"|\b[A-Z][A-Z0-9_]*\b"  # an environment variable or a placeholder (FILE, N)
    r"|\.[a-z]+\b"  # a file name extension (.docx)
    r"|https?://\S+|/[\w/.{}-]+"  # an address or a path
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*")


def english_words(sentence: str) -> list[str]:
    """The Latin-letter words of a Chinese sentence that break the rule (empty when it holds)."""
    text = sentence
    for name in NAMES:
        text = text.replace(name, " ")
    while True:  # nested parentheses: innermost first
        stripped = _PARENTHESISED.sub("", text)
        if stripped == text:
            break
        text = stripped
    text = _TYPED.sub(" ", text)
    return [word for word in _WORD.findall(text) if not any(ch.isdigit() for ch in word)]
