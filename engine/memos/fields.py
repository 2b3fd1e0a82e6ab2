"""The template contract: which context fields each memo template may use.

docassemble narrows a template's view to an explicit ``fields`` mapping; so do we. Each template gets a
flat mapping of blanks; a list field is a list of rows, each row a flat mapping. The contract is data,
``rules/memos.yaml`` (the fields with their descriptions and the code lists of coded fields): the memo
kinds build exactly those fields, :mod:`engine.memos.lint` refuses a template that uses any other, and
``scripts/build_templates.py`` writes ``docs_templates/README.md`` from it.

:data:`TEMPLATE_FIELDS` is read on first use, so importing the memo kinds (the CLI's parser does) does
not read the file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rules.memos import TemplateField, memo_data

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["LOOP_FIELDS", "TEMPLATE_FIELDS", "Field"]

Field = TemplateField
"""One context field: a blank (``row is None``) or a list of rows with the fields in ``row``."""

LOOP_FIELDS: frozenset[str] = frozenset(
    {"index", "index0", "revindex", "revindex0", "first", "last", "length", "previtem", "nextitem"}
)
"""Attributes of Jinja's ``loop`` variable a template may read inside ``{% for %}``."""

if TYPE_CHECKING:
    TEMPLATE_FIELDS: dict[str, Mapping[str, Field]]
    """Template stem → the fields its context holds (and the only ones it may use)."""


def __getattr__(name: str) -> Any:
    """``TEMPLATE_FIELDS``, read from ``rules/memos.yaml`` on first use."""
    if name == "TEMPLATE_FIELDS":
        return memo_data().templates
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
