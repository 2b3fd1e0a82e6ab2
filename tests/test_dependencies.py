"""Dependencies declared = used: what rules/, engine/ and api/ import is in pyproject, and nothing more.

Imports are read statically (:mod:`tests.imports`) and mapped to the distributions that provide them with
``importlib.metadata.packages_distributions()``; the declared ones are ``[project].dependencies``.
"""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import packages_distributions

from tests.imports import OURS, ROOT, imports_of, is_stdlib, python_files

PENDING: dict[str, str] = {}
"""Declared ahead of the code that imports them, with the reason; a name leaves when that code lands."""

USED_BY_A_DEPENDENCY = {
    "python-multipart": "FastAPI parses the deliverable uploads (multipart/form-data, UploadFile) with it",
}
"""Declared because a declared package needs it for a feature kaoping uses, though no module imports it."""


def _canonical(name: str) -> str:
    """A distribution name as PEP 503 compares them (``PyYAML`` = ``pyyaml``, ``durable_rules`` = ``durable-rules``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> set[str]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        requirements = tomllib.load(handle)["project"]["dependencies"]
    names = set()
    for requirement in requirements:
        match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
        assert match, requirement
        names.add(_canonical(match.group()))
    return names


def _imported() -> dict[str, list[str]]:
    """Distribution -> where the product imports it (``file:line``)."""
    providers = packages_distributions()
    used: dict[str, list[str]] = {}
    for path in python_files("rules", "engine", "api"):
        for imp in imports_of(path):
            if imp.top in OURS or is_stdlib(imp.top):
                continue
            for distribution in providers.get(imp.top, [f"(no installed distribution provides {imp.top})"]):
                used.setdefault(_canonical(distribution), []).append(imp.where)
    return used


def test_every_imported_distribution_is_declared() -> None:
    """An import of a package kaoping does not declare works only while something else pulls it in."""
    undeclared = {name: where[:3] for name, where in _imported().items() if name not in _declared()}
    assert undeclared == {}


def test_every_declared_dependency_is_imported() -> None:
    """A declared dependency nothing imports is weight in every installation (or a feature that is missing)."""
    unused = _declared() - set(_imported()) - {_canonical(name) for name in (*PENDING, *USED_BY_A_DEPENDENCY)}
    assert unused == set()


def test_pending_dependencies_are_declared_and_not_yet_imported() -> None:
    """A pending entry is dropped once its code imports it, and never names an undeclared package."""
    pending = {_canonical(name) for name in PENDING}
    assert pending <= _declared()
    assert pending.isdisjoint(_imported()), "imported now: remove it from PENDING"
