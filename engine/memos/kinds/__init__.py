"""The memo kinds, each registered once: when it applies, its context builder, its template.

:data:`REGISTRY` maps each kind's code (the vocabulary's ``memo_kind``, in its order) to its
:class:`MemoKind`; :func:`memo_kind` looks one up and refuses a kind that does not exist.
"""

from __future__ import annotations

from engine.memos.errors import UnknownMemoKindError
from engine.memos.kinds.base import MemoKind, Refusal
from engine.memos.kinds.eligibility import ELIGIBILITY
from engine.memos.kinds.fee import FEE
from engine.memos.kinds.referral import REFERRAL
from engine.memos.kinds.review import REVIEW_DRAFT, REVIEW_PLAN

__all__ = ["KIND_TEMPLATES", "MEMO_KINDS", "REGISTRY", "MemoKind", "Refusal", "memo_kind"]

REGISTRY: dict[str, MemoKind] = {k.name: k for k in (ELIGIBILITY, REVIEW_PLAN, REVIEW_DRAFT, FEE, REFERRAL)}
"""Every memo kind by its code."""

MEMO_KINDS: tuple[str, ...] = tuple(REGISTRY)
"""The memo kinds' codes, in order."""

KIND_TEMPLATES: dict[str, str] = {name: kind.template for name, kind in REGISTRY.items()}
"""Memo kind → template stem in the template directory (``<stem>.docx``)."""


def memo_kind(name: str) -> MemoKind:
    """The registered kind of that code.

    Raises:
        UnknownMemoKindError: no kind has that code (never a default kind).
    """
    try:
        return REGISTRY[name]
    except KeyError:
        raise UnknownMemoKindError(name) from None
