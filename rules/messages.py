"""The product's sentences for people (``rules/messages.yaml``): one entry per id, in Chinese and English.

Errors and notices carry a message id and its values; the edge that shows them to a person renders the
text in that person's language (Chinese unless English was asked for). Both languages of a message must
name the same ``{blanks}``; the loader refuses the rest, naming the file and the id.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

from rules._yaml import read_yaml
from rules.errors import KaopingError, RulebookError

Lang = Literal["zh", "en"]
MESSAGES_PATH = Path(__file__).resolve().parent / "messages.yaml"
_FORMATTER = string.Formatter()


def _blanks(text: str) -> set[str]:
    return {name for _, name, _, _ in _FORMATTER.parse(text) if name}


def _load(path: Path) -> dict[str, dict[str, str]]:
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise RulebookError(str(path), "-", "expected a mapping of message id to {zh, en}")
    out: dict[str, dict[str, str]] = {}
    for key, entry in raw.items():
        if not isinstance(entry, dict) or set(entry) != {"zh", "en"}:
            raise RulebookError(str(path), str(key), "a message has exactly zh and en")
        if not all(isinstance(v, str) and v for v in entry.values()):
            raise RulebookError(str(path), str(key), "zh and en are non-empty text")
        try:
            zh, en = _blanks(entry["zh"]), _blanks(entry["en"])
        except ValueError as exc:
            raise RulebookError(str(path), str(key), f"unbalanced braces: {exc}") from None
        if zh != en:
            raise RulebookError(str(path), str(key), f"zh names {sorted(zh)} but en names {sorted(en)}")
        out[str(key)] = {"zh": entry["zh"], "en": entry["en"]}
    return out


@cache
def catalogue(path: Path = MESSAGES_PATH) -> dict[str, dict[str, str]]:
    """Every message, validated, loaded once per process."""
    return _load(path)


@runtime_checkable
class Localised(Protocol):
    """A value that reads differently per language (a code's label, another message, an error)."""

    def text(self, lang: Lang) -> str:
        """The value in ``lang``."""
        ...  # pragma: no cover - a protocol


@dataclass(frozen=True)
class Term:
    """A code of a vocabulary list, filled into a message as its label in the message's language."""

    code_list: str
    code: str

    def text(self, lang: Lang) -> str:
        """The code's label in ``lang`` (the code itself where the list lacks it)."""
        from rules import load_rulebook  # noqa: PLC0415 - messages load before the rulebook

        return load_rulebook().vocabulary.label(self.code_list, self.code, lang)


@dataclass(frozen=True)
class Text:
    """A message as a value: its id and values, worded when the language is known."""

    key: str
    values: dict[str, Any]

    def text(self, lang: Lang) -> str:
        """The message in ``lang``."""
        return message(self.key, lang, **self.values)


_PLAIN = frozenset({str, int, float})


def _in(value: Any, lang: Lang) -> Any:
    """A :class:`Localised` value in ``lang``; any other value as it is."""
    text = getattr(value, "text", None)
    return text(lang) if callable(text) else value


def message(key: str, lang: Lang = "zh", /, **values: Any) -> str:
    """The text of one message in a language, its blanks filled (a :class:`Localised` value in ``lang``).

    Raises:
        KeyError: no message has that id (a bug, never a user's doing).
    """
    entry = catalogue()[key]
    text = entry[lang] if lang in entry else entry["zh"]
    if not values:
        return text
    # Duck-typed rather than isinstance(v, Localised): a runtime protocol check costs microseconds a value.
    filled = {k: (v if type(v) in _PLAIN else _in(v, lang)) for k, v in values.items()}
    return text.format_map(filled)


class WordedError(KaopingError):
    """An error kaoping words from this catalogue: a message id and its values, in the reader's language.

    Each edge calls :meth:`text` with its reader's language; ``str()`` of the error is the sentence in
    :attr:`plain_language` (for logs). :attr:`messages` puts ``key`` under a block of messages
    (``office_file`` + ``too_large`` is ``office_file.too_large``); without it ``key`` is the message id.
    """

    messages = ""
    plain_language: Lang = "en"

    def __init__(self, key: str, /, **values: Any) -> None:
        self.key = key
        self.values = values
        super().__init__(self.text(self.plain_language))

    @property
    def message_id(self) -> str:
        """The id of the sentence in ``rules/messages.yaml``."""
        return f"{self.messages}.{self.key}" if self.messages else self.key

    def text(self, lang: Lang = "zh") -> str:
        """The sentence in ``lang``."""
        return message(self.message_id, lang, **self.values)
