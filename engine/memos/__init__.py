"""Word memos from templates the office can edit (issue 3).

``render_memo(case, decision, kind, office=..., document_number=..., document_date=...)`` renders one of
the memo kinds (:data:`MEMO_KINDS`) with docxtpl in a sandboxed Jinja2 environment and returns
deterministic .docx bytes; ``check_template(path)`` lists the problems of an edited template.

The rendering and linting parts (python-docx, docxtpl, Jinja2: ~0.15 s to import) load on first use
(PEP 562), so a command that only names the memo kinds (``kaoping evaluate``, the CLI's parser) does
not pay for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from engine.memos.context import (
    MEMO_KINDS,
    MemoError,
    MemoNotApplicableError,
    OfficeInfo,
    UnknownMemoKindError,
    build_context,
)

if TYPE_CHECKING:
    from engine.memos.lint import check_template
    from engine.memos.render import DEFAULT_TEMPLATE_DIR, MemoTemplateError, normalise_docx, render_memo

_LAZY = {
    "check_template": "engine.memos.lint",
    "DEFAULT_TEMPLATE_DIR": "engine.memos.render",
    "MemoTemplateError": "engine.memos.render",
    "normalise_docx": "engine.memos.render",
    "render_memo": "engine.memos.render",
}

__all__ = [
    "DEFAULT_TEMPLATE_DIR",
    "MEMO_KINDS",
    "MemoError",
    "MemoNotApplicableError",
    "MemoTemplateError",
    "OfficeInfo",
    "UnknownMemoKindError",
    "build_context",
    "check_template",
    "normalise_docx",
    "render_memo",
]


def __getattr__(name: str) -> Any:
    """The rendering and linting names, imported on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
