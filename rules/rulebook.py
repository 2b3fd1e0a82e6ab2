"""The rulebook: every version of the rules, loaded from ``rules/`` and checked as a whole."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from rules._loader import (
    RULES_DIR,
    Rule,
    RuleSet,
    _at,
    _iso,
    _typed,
    _validate,
    cite_text,
)
from rules._yaml import read_yaml
from rules.errors import RulebookError
from rules.schema import CatalogueFile, CatalogueRule, Citation, ParameterFile, Source, VersionsFile
from rules.vocabulary import Vocabulary, load_vocabulary
from rules.wording import printf_style


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (tuple, set)):
        return list(value)
    raise TypeError(type(value).__name__)  # pragma: no cover


class Rulebook:
    """All rule versions, loaded from a rules directory and validated (style.md §6.4)."""

    def __init__(self, root: Path = RULES_DIR) -> None:
        self.root = root
        versions_path = root / "versions.yaml"
        versions = _validate(VersionsFile, read_yaml(versions_path), versions_path)
        self.families: tuple[str, ...] = tuple(versions.families)
        ids = [v.id for v in versions.versions]
        for i, vid in enumerate(ids):
            _iso(vid, versions_path, f"versions[{i}].id")
        if ids != sorted(set(ids)):
            raise RulebookError(str(versions_path), "versions", "version dates must be unique and ascending")
        self._versions = versions.versions
        sources_path = root / "sources.yaml"
        raw_sources = read_yaml(sources_path) or {}
        self.sources: dict[str, Source] = {
            key: _validate(Source, value, sources_path) for key, value in raw_sources.items()
        }
        for v in self._versions:
            if v.measure not in self.sources:
                raise RulebookError(str(versions_path), f"{v.id}.measure", f"unknown source {v.measure}")
        self.vocabulary: Vocabulary = load_vocabulary(root / "vocabulary.yaml")
        self.labels: dict[str, dict[str, str]] = {
            name: self.vocabulary.labels(name) for name in self.vocabulary.lists
        }
        self._catalogue = self._load_catalogue()
        self._parameters = self._load_parameters()
        self._snapshots = {v.id: self._snapshot(i) for i, v in enumerate(self._versions)}

    # ------------------------------------------------------------------ loading

    def _check_citations(self, cites: dict[str, list[Citation]], path: Path, key: str) -> None:
        first = self._versions[0].id
        for when, items in cites.items():
            _iso(when, path, f"{key}.citations.{when}")
            if not items:
                raise RulebookError(str(path), f"{key}.citations.{when}", "a rule needs a citation")
            for c in items:
                if c.local_scheme:
                    if c.source is not None:
                        raise RulebookError(str(path), key, "a local-scheme citation names no source")
                    continue
                if c.source not in self.sources:
                    raise RulebookError(str(path), f"{key}.citations.{when}", f"unknown source {c.source}")
        if min(cites) > first:
            raise RulebookError(str(path), f"{key}.citations", f"no citation in force on {first}")

    def _load_catalogue(self) -> dict[str, list[tuple[CatalogueFile, CatalogueRule]]]:
        out: dict[str, list[tuple[CatalogueFile, CatalogueRule]]] = {}
        seen: set[str] = set()
        for family in self.families:
            path = self.root / "catalogue" / f"{family}.yaml"
            if not path.exists():
                raise RulebookError(str(path), "-", f"the family {family} in versions.yaml has no catalogue")
            cat = _validate(CatalogueFile, read_yaml(path), path)
            if cat.family != family:
                raise RulebookError(str(path), "family", f"expected {family}")
            for rule in cat.rules:
                if rule.id in seen:
                    raise RulebookError(str(path), rule.id, "duplicate rule id")
                seen.add(rule.id)
                self._check_citations(rule.citations, path, rule.id)
                expected = {"held", "failed"} if cat.kind == "check" else {"applied", "not_applicable"}
                if not expected <= set(rule.detail):
                    raise RulebookError(
                        str(path), f"{rule.id}.detail", f"needs wording for {sorted(expected)}"
                    )
                for outcome, wording in rule.detail.items():
                    try:
                        printf_style(wording)
                    except ValueError as exc:
                        raise RulebookError(str(path), f"{rule.id}.detail.{outcome}", str(exc)) from None
            out[family] = [(cat, r) for r in cat.rules]
        return out

    def _load_parameters(self) -> dict[str, tuple[Path, ParameterFile]]:
        out: dict[str, tuple[Path, ParameterFile]] = {}
        base = self.root / "parameters"
        for path in sorted(base.rglob("*.yaml")):
            name = ".".join(path.relative_to(base).with_suffix("").parts)
            param = _validate(ParameterFile, read_yaml(path), path)
            self._check_citations(param.metadata.citations, path, "metadata")
            for when in param.values:
                _iso(when, path, f"values.{when}")
            out[name] = (path, param)
        for family in self._catalogue.values():
            for _, rule in family:
                for p in rule.parameters:
                    if p not in out:
                        raise RulebookError(
                            "rules/catalogue", f"{rule.id}.parameters", f"unknown parameter {p}"
                        )
        return out

    def _snapshot(self, index: int) -> RuleSet:
        entry = self._versions[index]
        vid = entry.id
        valid_to = (
            date.fromisoformat(self._versions[index + 1].id) - timedelta(days=1)
            if index + 1 < len(self._versions)
            else None
        )
        params: dict[str, Any] = {}
        for name, (path, param) in self._parameters.items():
            found = _at(param.values, vid)
            if found is None or found[1].value is None:
                raise RulebookError(str(path), "values", f"no value in force on {vid} (a gap)")
            params[name] = _typed(param.metadata.type, found[1].value, path, f"values.{found[0]}.value")
        self._cross_check(params)
        rules = []
        for family in self.families:
            for cat, r in self._catalogue[family]:
                if r.in_force and not (r.in_force.get("from", vid) <= vid <= r.in_force.get("to", vid)):
                    continue
                cites = _at(r.citations, vid)
                assert cites is not None  # noqa: S101 - _check_citations guarantees one
                rules.append(
                    Rule(
                        id=r.id,
                        family=family,
                        kind=cat.kind,
                        title=r.title,
                        text_zh=r.text.zh,
                        text_en=r.text.en,
                        severity=r.severity,
                        parameters=tuple(r.parameters),
                        cite=cite_text(cites[1], self.sources),
                        detail={"not_applicable": cat.not_applicable or "本项不适用"}
                        | {str(k): v for k, v in r.detail.items()},
                    )
                )
        measure = self.sources[entry.measure]
        body = {"version": vid, "rules": [r.__dict__ for r in rules], "params": params, "labels": self.labels}
        digest = hashlib.sha256(
            json.dumps(body, sort_keys=True, ensure_ascii=False, default=_json_default).encode()
        ).hexdigest()
        return RuleSet(
            version=vid,
            valid_from=date.fromisoformat(vid),
            valid_to=valid_to,
            measure=measure.doc or measure.title,
            rules=tuple(rules),
            params=params,
            content_hash=digest,
            labels=self.labels,
        )

    @staticmethod
    def _cross_check(params: dict[str, Any]) -> None:
        grades = {band[0] for band in params["assessment.grade_bands"]}
        coefficients = set(params["fees.grade_coefficients"])
        if grades != coefficients:
            raise RulebookError(
                "rules/parameters/fees/grade_coefficients.yaml",
                "values",
                f"coefficients must cover every grade exactly once: bands {sorted(grades)}, "
                f"coefficients {sorted(coefficients)}",
            )

    # ------------------------------------------------------------------ lookup

    @property
    def versions(self) -> tuple[RuleSet, ...]:
        """Every version, oldest first."""
        return tuple(self._snapshots.values())

    def at(self, version: str) -> RuleSet:
        """The snapshot of one version by its id."""
        try:
            return self._snapshots[version]
        except KeyError:
            raise KeyError(version) from None

    def in_force_on(self, day: date) -> RuleSet | None:
        """The version in force on a day (rulebook §0), or None before the first version."""
        chosen = None
        for snap in self._snapshots.values():
            if snap.valid_from <= day:
                chosen = snap
        return chosen


@cache
def load_rulebook(root: Path = RULES_DIR) -> Rulebook:
    """The rulebook under ``root``, loaded once per process."""
    return Rulebook(root)
