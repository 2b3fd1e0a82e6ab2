"""The memo errors, below every memo module that raises them.

Their messages come from ``rules/messages.yaml`` (``memo.*``), Chinese first and then English, with the
memo kinds named by their labels in the vocabulary.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.errors import KaopingError
from rules import load_rulebook
from rules.messages import Lang, message

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["MemoError", "MemoNotApplicableError", "MemoTemplateError", "UnknownMemoKindError"]


class MemoError(KaopingError):
    """Base of the memo errors (a :class:`engine.errors.KaopingError`)."""


class MemoNotApplicableError(MemoError):
    """The case cannot support the memo asked for yet: a clear error, and no file."""

    def __init__(self, kind: str, reason_zh: str, reason_en: str) -> None:
        self.kind = kind
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        vocabulary = load_rulebook().vocabulary
        self.texts = {
            "zh": message(
                "memo.cannot_issue", "zh", memo=vocabulary.label("memo_kind", kind), reason=reason_zh
            ),
            "en": message(
                "memo.cannot_issue", "en", memo=vocabulary.label("memo_kind", kind, "en"), reason=reason_en
            ),
        }
        super().__init__(f"{self.texts['zh']} / {self.texts['en']}")

    def text(self, lang: Lang) -> str:
        """The message in ``lang``."""
        return self.texts[lang]


class UnknownMemoKindError(MemoError, ValueError):
    """A memo kind that does not exist; the message lists the kinds (the vocabulary's ``memo_kind``)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        labels = load_rulebook().vocabulary.labels("memo_kind")
        kinds = tuple(labels)
        zh = message(
            "memo.unknown_kind", "zh", kind=kind, kinds="、".join(f"{k}（{labels[k]}）" for k in kinds)
        )
        en = message("memo.unknown_kind", "en", kind=kind, kinds=", ".join(kinds))
        self.texts = {"zh": zh, "en": en}
        super().__init__(f"{zh} / {en}")

    def text(self, lang: Lang) -> str:
        """The message in ``lang``."""
        return self.texts[lang]


class MemoTemplateError(MemoError):
    """A template cannot be used: lint problems, an undefined field, a sandbox refusal, broken XML."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = str(path)
        self.problems = problems
        super().__init__(f"template {path}: " + "; ".join(problems))
