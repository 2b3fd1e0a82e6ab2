"""Word memos from templates the office can edit (issue 3).

``render_memo(case, decision, kind, office=..., document_number=..., document_date=...)`` renders one of
the memo kinds (:data:`MEMO_KINDS`) with docxtpl in a sandboxed Jinja2 environment and returns
deterministic .docx bytes; ``check_template(path)`` lists the problems of an edited template.
"""

from engine.memos.context import (
    MEMO_KINDS,
    MemoError,
    MemoNotApplicableError,
    OfficeInfo,
    UnknownMemoKindError,
    build_context,
)
from engine.memos.lint import check_template
from engine.memos.render import DEFAULT_TEMPLATE_DIR, MemoTemplateError, normalise_docx, render_memo

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
