"""The rulebook: every version of the rules, loaded from ``rules/`` and checked as a whole."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from rules._loader import RULES_DIR, Rule, RuleSet, _at, _typed, cite_text
from rules._texts import CatalogueEntry, check_texts, fill_texts
from rules._yaml import read_yaml, validated
from rules.errors import RulebookError
from rules.facts import FactBook, load_facts
from rules.parameter_codes import check_parameter_codes
from rules.schema import (
    CatalogueFile,
    CatalogueRule,
    Citations,
    ParameterFile,
    ParameterMetadata,
    Source,
    VersionEntry,
    VersionsFile,
)
from rules.vocabulary import Vocabulary, load_vocabulary


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (tuple, set)):
        return list(value)
    raise TypeError(type(value).__name__)  # pragma: no cover


class Rulebook:
    """All rule versions, loaded from a rules directory and validated as a whole."""

    def __init__(self, root: Path = RULES_DIR) -> None:
        self.root = root
        versions_path = root / "versions.yaml"
        versions = validated(VersionsFile, read_yaml(versions_path), versions_path)
        self.families: tuple[str, ...] = tuple(versions.families)
        ids = [v.id for v in versions.versions]
        if ids != sorted(set(ids)):
            raise RulebookError(str(versions_path), "versions", "version dates must be unique and ascending")
        self._versions: list[VersionEntry] = versions.versions
        self._version_ids = frozenset(ids)
        sources_path = root / "sources.yaml"
        raw_sources = read_yaml(sources_path) or {}
        self.sources: dict[str, Source] = {
            key: validated(Source, value, sources_path) for key, value in raw_sources.items()
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
        rule_ids = {entry.rule.id for family in self._catalogue.values() for entry in family}
        self.facts: FactBook = load_facts(root / "facts.yaml", rule_ids, set(self.vocabulary.lists))
        for family in self._catalogue.values():
            for entry in family:
                check_texts(entry, set(self._parameters), self.facts)
        self._snapshots = {v.id: self._snapshot(i) for i, v in enumerate(self._versions)}

    # ------------------------------------------------------------------ loading

    def _on_a_version(self, when: str, path: Path, key: str) -> None:
        """A dated entry takes effect with a version: its date must start one (else it is never used)."""
        if when not in self._version_ids:
            raise RulebookError(
                str(path),
                key,
                f"no version starts on {when}: add it to versions.yaml, or date the entry on one",
            )

    def _check_citations(self, cites: Citations, path: Path, key: str, first: str) -> None:
        """Citations dated on versions, in force from ``first`` (the rule's first day in force) on."""
        for when, items in cites.items():
            self._on_a_version(when, path, f"{key}.citations.{when}")
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
        if min(cites) < first:
            raise RulebookError(
                str(path), f"{key}.citations.{min(cites)}", f"dated before the rule is in force ({first})"
            )

    def _first_day(self, rule: CatalogueRule, path: Path) -> str:
        """The rule's first day in force (the first version's unless ``in_force`` says), its dates checked."""
        if rule.in_force is None:
            return self._versions[0].id
        first = rule.in_force.from_
        self._on_a_version(first, path, f"{rule.id}.in_force.from")
        last = rule.in_force.to
        if last is not None:
            after = (date.fromisoformat(last) + timedelta(days=1)).isoformat()
            if last < first or after not in self._version_ids:
                raise RulebookError(
                    str(path),
                    f"{rule.id}.in_force.to",
                    "a rule stays in force up to the day before a later version starts",
                )
        return first

    def _load_catalogue(self) -> dict[str, list[CatalogueEntry]]:
        out: dict[str, list[CatalogueEntry]] = {}
        seen: set[str] = set()
        for family in self.families:
            path = self.root / "catalogue" / f"{family}.yaml"
            if not path.exists():
                raise RulebookError(str(path), "-", f"the family {family} in versions.yaml has no catalogue")
            cat = validated(CatalogueFile, read_yaml(path), path)
            if cat.family != family:
                raise RulebookError(str(path), "family", f"expected {family}")
            for rule in cat.rules:
                if rule.id in seen:
                    raise RulebookError(str(path), rule.id, "duplicate rule id")
                seen.add(rule.id)
                self._check_citations(rule.citations, path, rule.id, self._first_day(rule, path))
                expected = {"held", "failed"} if cat.kind == "check" else {"applied", "not_applicable"}
                if cat.kind == "check" and not cat.not_applicable:
                    expected.add("not_applicable")  # no family default: each check words its own
                if not expected <= set(rule.detail):
                    raise RulebookError(
                        str(path), f"{rule.id}.detail", f"needs wording for {sorted(expected)}"
                    )
            out[family] = [CatalogueEntry(path, cat, r) for r in cat.rules]
        return out

    def _load_parameters(self) -> dict[str, tuple[Path, ParameterFile]]:
        out: dict[str, tuple[Path, ParameterFile]] = {}
        base = self.root / "parameters"
        first = self._versions[0].id
        for path in sorted(base.rglob("*.yaml")):
            name = ".".join(path.relative_to(base).with_suffix("").parts)
            param = validated(ParameterFile, read_yaml(path), path)
            check_parameter_codes(param, path, self.vocabulary)
            self._check_citations(param.metadata.citations, path, "metadata", first)
            for when in param.values:
                self._on_a_version(when, path, f"values.{when}")
            out[name] = (path, param)
        for family in self._catalogue.values():
            for entry in family:
                for p in entry.rule.parameters:
                    if p not in out:
                        raise RulebookError(
                            str(entry.path), f"{entry.rule.id}.parameters", f"unknown parameter {p}"
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
            for item in self._catalogue[family]:
                r = item.rule
                if r.in_force and not (r.in_force.from_ <= vid <= (r.in_force.to or vid)):
                    continue
                cites = _at(r.citations, vid)
                assert cites is not None  # noqa: S101 - _check_citations guarantees one
                texts = fill_texts(item, cites, params, vid)
                rules.append(
                    Rule(
                        id=r.id,
                        family=family,
                        kind=item.catalogue.kind,
                        title=texts.title,
                        text_zh=texts.text_zh,
                        text_en=texts.text_en,
                        severity=r.severity,
                        parameters=tuple(r.parameters),
                        cite=cite_text(texts.citations, self.sources),
                        detail=texts.detail,
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
            facts=self.facts,
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

    def parameter(self, name: str) -> ParameterMetadata:
        """What a parameter is (``fees.late_deduction``): its Chinese label, type, unit and code lists."""
        try:
            return self._parameters[name][1].metadata
        except KeyError:
            raise RulebookError("rules/parameters", name, "no such parameter") from None

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


_PROCESS_RULES_DIR = [RULES_DIR]


def use_rules_dir(root: Path) -> None:
    """Make ``root`` the rule data of this process: :func:`load_rulebook` reads it from now on.

    A deployment runs on one rules directory (the settings' ``rules_dir``); the shipped ``rules/`` is the
    default. Loading happens on the first :func:`load_rulebook`, not here.
    """
    if Path(root).resolve() != _PROCESS_RULES_DIR[0].resolve():
        _rulebook_at.cache_clear()
        _AS_GIVEN.clear()
    _PROCESS_RULES_DIR[0] = root


def rules_dir() -> Path:
    """The rules directory of this process (:func:`use_rules_dir`)."""
    return _PROCESS_RULES_DIR[0]


_AS_GIVEN: dict[Path | None, Rulebook] = {}
"""The rulebook per directory as named by callers (``None``: the process's); a repeat is one look-up."""


def load_rulebook(root: Path | None = None) -> Rulebook:
    """The rulebook under ``root`` (default: the process's rules directory), loaded once per directory."""
    found = _AS_GIVEN.get(root)
    if found is None:
        found = _AS_GIVEN[root] = _rulebook_at(Path(root or _PROCESS_RULES_DIR[0]).resolve())
    return found


@cache
def _rulebook_at(root: Path) -> Rulebook:
    """Keyed by the resolved directory: ``load_rulebook()`` and ``load_rulebook(its directory)`` are one."""
    return Rulebook(root)
