"""The memo errors, below every memo module that raises them.

Their messages come from ``rules/messages.yaml`` (``memo.*``), Chinese first and then English, with the
memo kinds named by their labels in the vocabulary.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from engine.errors import KaopingError
from rules import load_rulebook
from rules.messages import Lang, Localised, Term, Text, message

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "MemoError",
    "MemoNotApplicableError",
    "MemoTemplateError",
    "Problem",
    "UnknownMemoKindError",
    "problem_text",
    "problems_from_json",
    "problems_json",
]


class MemoError(KaopingError):
    """Base of the memo errors (a :class:`engine.errors.KaopingError`)."""


class MemoNotApplicableError(MemoError):
    """The case cannot support the memo asked for yet: a clear error, and no file.

    ``reason`` is worded in the reader's language (anything with ``text(lang)``: a kind's refusal).
    """

    def __init__(self, kind: str, reason: Localised) -> None:
        self.kind = kind
        self.reason = reason
        super().__init__(f"{self.text('zh')} / {self.text('en')}")

    def text(self, lang: Lang) -> str:
        """The message in ``lang``."""
        return message("memo.cannot_issue", lang, memo=Term("memo_kind", self.kind), reason=self.reason)


class UnknownMemoKindError(MemoError, ValueError):
    """A memo kind that does not exist; the message lists the kinds (the vocabulary's ``memo_kind``)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        super().__init__(f"{self.text('zh')} / {self.text('en')}")

    def text(self, lang: Lang) -> str:
        """The message in ``lang``: the kinds by code, with their labels in Chinese."""
        labels = load_rulebook().vocabulary.labels("memo_kind")
        if lang == "en":
            kinds = ", ".join(labels)
        else:
            kinds = "、".join(f"{k}（{label}）" for k, label in labels.items())
        return message("memo.unknown_kind", lang, kind=self.kind, kinds=kinds)


Problem = str | Text
"""A template's problem: a message of ``rules/messages.yaml`` (worded per language), or lint's own words."""
_SHOWN = 3


def problem_text(problem: Problem, lang: Lang = "zh") -> str:
    """A problem in ``lang``."""
    return problem if isinstance(problem, str) else problem.text(lang)


def problems_json(problems: Sequence[Problem]) -> list[Any]:
    """Problems as JSON (a message as ``{"key", "values"}``, its values likewise), to cross a process."""
    return [_as_json(p) for p in problems]


def _as_json(value: Any) -> Any:
    if isinstance(value, Text):
        return {"key": value.key, "values": {k: _as_json(v) for k, v in value.values.items()}}
    return value


def problems_from_json(data: list[Any]) -> list[Problem]:
    """The problems :func:`problems_json` wrote."""
    return [_from_json(p) for p in data]


def _from_json(value: Any) -> Any:
    if isinstance(value, dict):
        return Text(value["key"], {k: _from_json(v) for k, v in value["values"].items()})
    return value


class MemoTemplateError(MemoError):
    """A template cannot be used: lint problems, an undefined field, a sandbox refusal, broken XML."""

    def __init__(self, path: Path | str, problems: Sequence[Problem]) -> None:
        self.path = str(path)
        self.problems = list(problems)
        super().__init__(f"template {path}: " + "; ".join(problem_text(p, "en") for p in problems))

    def text(self, lang: Lang = "zh") -> str:
        """The first few problems in ``lang``."""
        shown = [problem_text(p, lang) for p in self.problems[:_SHOWN]]
        return message("join.clauses", lang).join(shown)
