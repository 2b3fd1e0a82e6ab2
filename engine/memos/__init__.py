"""Word memos from templates the office can edit.

``render_memo(case, decision, kind, office=..., document_number=..., document_date=...)`` renders one of
the memo kinds (:data:`MEMO_KINDS`, each registered in :mod:`engine.memos.kinds`) with docxtpl in a
sandboxed Jinja2 environment and returns deterministic .docx bytes; ``check_template(path)`` lists the
problems of an edited template.

The rendering and linting parts (python-docx, docxtpl, Jinja2: slow to import) load on first use
(PEP 562), so a command that only names the memo kinds (``kaoping evaluate``, the CLI's parser) does
not pay for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from engine.memos.context import OfficeInfo, build_context
from engine.memos.errors import MemoError, MemoNotApplicableError, MemoTemplateError, UnknownMemoKindError
from engine.memos.kinds import MEMO_KINDS

if TYPE_CHECKING:
    from engine.memos.lint import check_template
    from engine.memos.package import normalise_docx
    from engine.memos.render import DEFAULT_TEMPLATE_DIR, render_memo

_LAZY = {
    "check_template": "engine.memos.lint",
    "DEFAULT_TEMPLATE_DIR": "engine.memos.render",
    "normalise_docx": "engine.memos.package",
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
