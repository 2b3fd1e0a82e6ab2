"""Load and validate the rule data under ``rules/`` into version snapshots.

The loader fails loudly, naming the file and the key: unknown keys, duplicate keys, floats where a
quoted decimal belongs, dates that are not real ``YYYY-MM-DD`` dates or that start no version,
citations of unknown sources or without an article or note, dated entries that leave a version without
a value, bands that do not cover 0-100 exactly once, weights that do not sum to 1, coefficients that do
not match the grades, blanks in a rule's texts that name no parameter or no declared fact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from pathlib import Path
from typing import Any

from rules.errors import RulebookError
from rules.facts import FactBook
from rules.schema import Citation, Source

RULES_DIR = Path(__file__).resolve().parent
_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")


@dataclass(frozen=True)
class Rule:
    """A rule as in force at one version: what the trace and the memos print."""

    id: str
    family: str
    kind: str
    title: str
    text_zh: str
    text_en: str
    severity: str | None
    parameters: tuple[str, ...]
    cite: str
    detail: dict[str, str]


@dataclass(frozen=True)
class RuleSet:
    """Every rule and parameter in force at one version, frozen, with a content hash."""

    version: str
    valid_from: date
    valid_to: date | None
    measure: str
    rules: tuple[Rule, ...]
    params: dict[str, Any]
    content_hash: str
    labels: dict[str, dict[str, str]]
    facts: FactBook

    def label(self, kind: str, code: str) -> str:
        """The Chinese label of an enumerated code (``rules/vocabulary.yaml``), or the code itself."""
        return self.labels.get(kind, {}).get(code, code)

    def param(self, path: str) -> Any:
        """The value of a parameter at this version, by its dotted path (``fees.late_deduction``)."""
        try:
            return self.params[path]
        except KeyError:
            raise RulebookError("rules/parameters", path, "no such parameter") from None


def _at(dated: dict[str, Any], version: str) -> tuple[str, Any] | None:
    """The entry in force at ``version``: the latest date on or before it (valid ISO dates sort as text)."""
    keys = sorted(k for k in dated if k <= version)
    return (keys[-1], dated[keys[-1]]) if keys else None


def _to_decimal(value: Any, path: Path, key: str) -> Decimal:
    if isinstance(value, float):
        raise RulebookError(str(path), key, 'write decimals as quoted strings ("0.95"), never floats')
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not _DECIMAL.match(str(value)):
        raise RulebookError(str(path), key, f"{value!r} is not a decimal")
    try:
        return Decimal(str(value))
    except InvalidOperation:  # pragma: no cover - the pattern already excludes these
        raise RulebookError(str(path), key, f"{value!r} is not a decimal") from None


def _normalise(value: Any, path: Path, key: str) -> Any:
    """Quoted decimals inside mappings become Decimal; floats are refused everywhere."""
    if isinstance(value, float):
        raise RulebookError(str(path), key, 'write decimals as quoted strings ("0.95"), never floats')
    if isinstance(value, str) and _DECIMAL.match(value):
        return Decimal(value)
    if isinstance(value, dict):
        return {k: _normalise(v, path, f"{key}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return tuple(_normalise(v, path, f"{key}[{i}]") for i, v in enumerate(value))
    return value


def _typed(kind: str, value: Any, path: Path, key: str) -> Any:  # noqa: C901, PLR0911, PLR0912 - one branch per type
    if kind == "text":
        if not isinstance(value, str):
            raise RulebookError(str(path), key, "expected text")
        return value
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise RulebookError(str(path), key, "expected a whole number")
        return value
    if kind == "decimal":
        return _to_decimal(value, path, key)
    if kind == "list":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or not value:
            raise RulebookError(str(path), key, "expected a non-empty list of text")
        return tuple(value)
    if kind == "mapping":
        if not isinstance(value, dict):
            raise RulebookError(str(path), key, "expected a mapping")
        return _normalise(value, path, key)
    if kind in {"weights", "coefficients"}:
        if not isinstance(value, dict) or not value:
            raise RulebookError(str(path), key, "expected a mapping of name to decimal")
        parsed = {str(k): _to_decimal(v, path, f"{key}.{k}") for k, v in value.items()}
        if kind == "weights" and sum(parsed.values()) != 1:
            raise RulebookError(str(path), key, f"weights must sum to 1, not {sum(parsed.values())}")
        return parsed
    if kind == "bands":
        return _bands(value, path, key)
    raise RulebookError(str(path), key, f"unknown parameter type {kind}")  # pragma: no cover


def _bands(value: Any, path: Path, key: str) -> tuple[tuple[str, Decimal, Decimal], ...]:
    """Grade bands ``from <= x < to`` (the top band includes its ``to``) covering 0-100 exactly once."""
    if not isinstance(value, list) or not value:
        raise RulebookError(str(path), key, "expected a list of {grade, from, to}")
    bands = []
    for i, item in enumerate(value):
        if not isinstance(item, dict) or set(item) != {"grade", "from", "to"}:
            raise RulebookError(str(path), f"{key}[{i}]", "expected exactly {grade, from, to}")
        low = _to_decimal(item["from"], path, f"{key}[{i}].from")
        high = _to_decimal(item["to"], path, f"{key}[{i}].to")
        if low >= high:
            raise RulebookError(str(path), f"{key}[{i}]", "a band's from must be below its to")
        bands.append((str(item["grade"]), low, high))
    bands.sort(key=lambda b: b[1])
    if bands[0][1] != 0 or bands[-1][2] != 100:
        raise RulebookError(str(path), key, "bands must cover 0 to 100")
    for lower, upper in pairwise(bands):
        if lower[2] != upper[1]:
            word = "overlap" if lower[2] > upper[1] else "leave a gap"
            raise RulebookError(str(path), key, f"bands {lower[0]} and {upper[0]} {word} at {lower[2]}")
    if len({b[0] for b in bands}) != len(bands):
        raise RulebookError(str(path), key, "each grade may have one band only")
    return tuple(bands)


def cite_text(citations: list[Citation], sources: dict[str, Source]) -> str:
    """One citation string: document number and article where known, else the title (rulebook §0)."""
    parts = []
    for c in citations:
        if c.local_scheme:
            parts.append(f"本镇考评办法（地方自定）{('：' + c.note) if c.note else ''}")
            continue
        src = sources[c.source or ""]
        head = src.doc or f"《{src.title}》"
        if c.article:
            head = f"{head} {c.article}"
        if c.note:
            head = f"{head}（{c.note}）"
        parts.append(head)
    return "；".join(parts)
