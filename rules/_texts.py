"""A rule's texts at a version: every parameter blank filled, every fact blank backed by a declared fact.

Checked when the rulebook loads (:func:`check_texts`: each blank names a parameter, or in the trace
wording a fact of the rule, with a known format) and filled when the snapshot of a version is made
(:func:`fill_texts`). Errors name the file, the rule, the text and the blank.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rules.errors import RulebookError
from rules.facts import FactBook
from rules.schema import CatalogueFile, CatalogueRule, Citation
from rules.wording import FORMATS, Lang, fill_parameters, is_parameter_blank, printf_style

_FORMATTER = string.Formatter()


@dataclass(frozen=True)
class CatalogueEntry:
    """A catalogue rule with the file it came from."""

    path: Path
    catalogue: CatalogueFile
    rule: CatalogueRule


@dataclass(frozen=True)
class Texts:
    """A rule's texts as in force at one version."""

    title: str
    text_zh: str
    text_en: str
    citations: list[Citation]
    detail: dict[str, str]


def _texts(entry: CatalogueEntry) -> Iterator[tuple[str, str, Lang, bool]]:
    """Each text of a rule: its key, the text, its language and whether fact blanks may appear."""
    rule = entry.rule
    yield "title", rule.title, "zh", False
    yield "text.zh", rule.text.zh, "zh", False
    yield "text.en", rule.text.en, "en", False
    for when, items in rule.citations.items():
        for i, citation in enumerate(items):
            if citation.note:
                yield f"citations.{when}[{i}].note", citation.note, "zh", False
    for outcome, wording in _detail(entry).items():
        yield f"detail.{outcome}", wording, "zh", True


def _detail(entry: CatalogueEntry) -> dict[str, str]:
    """The trace wording per outcome, with the family's wording for not_applicable as the default."""
    default = {"not_applicable": entry.catalogue.not_applicable} if entry.catalogue.not_applicable else {}
    return default | {str(k): v for k, v in entry.rule.detail.items()}


def _param_known(name: str, parameters: set[str]) -> bool:
    parts = name.split(".")
    return any(".".join(parts[:cut]) in parameters for cut in range(len(parts), 0, -1))


def check_texts(entry: CatalogueEntry, parameters: set[str], facts: FactBook) -> None:
    """Every blank of every text of the rule names something that exists.

    Raises:
        RulebookError: naming the file, ``<rule>.<text>`` and the blank.
    """
    rule_id = entry.rule.id
    for key, text, _, facts_allowed in _texts(entry):
        try:
            parsed = list(_FORMATTER.parse(text))
            for _, name, spec, conversion in parsed:
                if name is not None:
                    _check_blank(
                        rule_id, name, spec or "", conversion, parameters, facts if facts_allowed else None
                    )
        except ValueError as exc:
            raise RulebookError(str(entry.path), f"{rule_id}.{key}", str(exc)) from None


def _check_blank(  # noqa: PLR0913, PLR0917 - one blank and what it may name
    rule_id: str, name: str, spec: str, conversion: str | None, parameters: set[str], facts: FactBook | None
) -> None:
    """One blank: a parameter with a known format, or (``facts`` given: trace wording) a fact of the rule."""
    if is_parameter_blank(name):
        if not _param_known(name, parameters):
            raise ValueError(f"the blank {{{name}}} names no parameter")
        if conversion or spec not in FORMATS:
            raise ValueError(f"the blank {{{name}:{spec}}} uses an unknown format")
    elif facts is None:
        raise ValueError(f"the blank {{{name}}} names no parameter (write a dotted path)")
    elif spec or conversion or not name:
        raise ValueError(f"the blank {{{name}}} is not a plain name")
    elif facts.blank(rule_id, name) is None:
        raise ValueError(
            f"the blank {{{name}}} names no fact of {rule_id}: declare it in facts.yaml "
            f"(shown by {rule_id}, or a decided value)"
        )


def fill_texts(
    entry: CatalogueEntry, cited: tuple[str, list[Citation]], params: Mapping[str, Any], version: str
) -> Texts:
    """The rule's texts with the version's parameters filled in; ``cited`` is its dated citations in force.

    Raises:
        RulebookError: a blank whose parameter has no such key, or a value its format cannot show,
            at this version.
    """
    rule = entry.rule

    def fill(key: str, text: str, lang: Lang, *, facts_allowed: bool = False) -> str:
        try:
            filled = fill_parameters(text, params, lang, facts_allowed=facts_allowed)
            if facts_allowed:
                printf_style(filled)
        except ValueError as exc:
            raise RulebookError(str(entry.path), f"{rule.id}.{key}", f"{exc} (version {version})") from None
        return filled

    when, citations = cited
    filled_citations = [
        c.model_copy(update={"note": fill(f"citations.{when}[{i}].note", c.note, "zh")}) if c.note else c
        for i, c in enumerate(citations)
    ]
    return Texts(
        title=fill("title", rule.title, "zh"),
        text_zh=fill("text.zh", rule.text.zh, "zh"),
        text_en=fill("text.en", rule.text.en, "en"),
        citations=filled_citations,
        detail={
            outcome: fill(f"detail.{outcome}", wording, "zh", facts_allowed=True)
            for outcome, wording in _detail(entry).items()
        },
    )
