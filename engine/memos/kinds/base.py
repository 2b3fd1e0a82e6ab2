"""What a memo kind is: when it applies, how its context is built, which template prints it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rules.messages import Lang, message

if TYPE_CHECKING:
    from collections.abc import Callable

    from engine.memos.source import Source

__all__ = ["MemoKind", "Refusal"]


@dataclass(frozen=True)
class Refusal:
    """Why a case cannot support a memo yet: a message id of ``rules/messages.yaml`` and its values.

    ``values`` fill both languages; ``values_en`` overrides some of them in English (labels, lists).
    """

    message: str
    values: dict[str, str] = field(default_factory=dict)
    values_en: dict[str, str] = field(default_factory=dict)

    def text(self, lang: Lang) -> str:
        """The reason in Chinese (``zh``) or English (``en``)."""
        if lang == "en":
            return message(self.message, "en", **(self.values | self.values_en))
        return message(self.message, "zh", **self.values)


@dataclass(frozen=True)
class MemoKind:
    """One memo kind, registered once in :data:`engine.memos.kinds.REGISTRY`."""

    name: str
    """The kind's code (the vocabulary's ``memo_kind``), e.g. ``review-plan``."""
    template: str
    """The template's stem: ``docs_templates/<template>.docx`` and its fields in ``rules/memos.yaml``."""
    refusal: Callable[[Source], Refusal | None]
    """Why the case cannot support this memo yet, or ``None`` when it can."""
    build: Callable[[Source], dict[str, Any]]
    """The kind's own context fields (:func:`engine.memos.context.build_context` adds the common ones)."""
