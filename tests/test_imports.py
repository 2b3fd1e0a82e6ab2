"""Imports flow one way: rules <- engine <- api, and inside api the shared top <- store <- http, cli.

Each package imports on its own in a fresh interpreter; the layering, the privacy of ``_modules`` and the
separation of tests from benchmarks are read statically from every file (:mod:`tests.imports`), so an
import under ``if TYPE_CHECKING:`` or inside a function counts as much as one at the top.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.imports import OURS, ROOT, Import, imports_of, module_name, private_part, python_files

# Each its own interpreter: a package that only imports after another has (a cycle broken by luck of
# order) fails here.
ON_THEIR_OWN = [
    "rules",
    "engine",
    "api",
    "api.http",
    "api.cli",
    "api.store",
    "api.web",
    "api.http.app",
    "api.cli.command",
    "api.store.testing",
]


def _within(imp: Import, package: str) -> bool:
    return imp.target == package or imp.target.startswith(f"{package}.")


def _violations(folders: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{imp.where} imports {imp.target}"
        for path in python_files(*folders)
        for imp in imports_of(path)
        if any(_within(imp, package) for package in forbidden)
    ]


@pytest.mark.parametrize("module", ON_THEIR_OWN)
def test_each_package_imports_on_its_own(module: str) -> None:
    """``python -c 'import X'`` works for each package, in a fresh interpreter."""
    result = subprocess.run(
        [sys.executable, "-c", f"import {module}"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("folders", "forbidden"),
    [
        (("rules",), ("engine", "api")),
        (("engine",), ("api",)),
        (("api/http", "api/store"), ("api.cli",)),
        (("api/store",), ("api.http", "api.web")),
        (("api/web",), ("api.cli",)),
    ],
    ids=["rules", "engine", "http+store", "store", "web"],
)
def test_imports_flow_one_way(folders: tuple[str, ...], forbidden: tuple[str, ...]) -> None:
    """rules needs nothing above it, engine not the edges, HTTP and storage not the CLI, storage not HTTP."""
    assert _violations(folders, forbidden) == []


def test_the_pages_sit_above_the_api_not_inside_it() -> None:
    """Only the app (which mounts them) imports the pages; they use the API's store and dependencies."""
    found = [
        f"{imp.where} imports {imp.target}"
        for path in python_files("api/http")
        if path.name != "app.py"
        for imp in imports_of(path)
        if _within(imp, "api.web")
    ]
    assert found == []


def test_what_both_edges_share_is_below_them() -> None:
    """api's top-level modules (settings, roles, errors, JSON, rule listing) import none of its rooms."""
    shared = list((ROOT / "api").glob("*.py"))
    found = [
        f"{imp.where} imports {imp.target}"
        for path in shared
        for imp in imports_of(path)
        if any(_within(imp, room) for room in ("api.http", "api.cli", "api.store"))
    ]
    assert shared
    assert found == []


def test_no_module_imports_another_packages_private_module() -> None:
    """``from engine._types import ...`` in api/ is reaching into engine: packages meet at public names."""
    found = []
    for path in python_files("rules", "engine", "api", "bench"):
        own = module_name(path).split(".")[0]
        for imp in imports_of(path):
            part = private_part(imp.target)
            if imp.top not in OURS or imp.top == own or part is None:
                continue
            found.append(f"{imp.where} imports {imp.target}")
    assert found == []


def test_no_module_imports_a_librarys_private_module() -> None:
    """Public APIs only: nothing in rules/, engine/ or api/ imports ``fastapi._compat`` or the like."""
    found = [
        f"{imp.where} imports {imp.target}"
        for path in python_files("rules", "engine", "api")
        for imp in imports_of(path)
        if imp.top not in OURS and private_part(imp.target) is not None
    ]
    assert found == []


def test_tests_and_benchmarks_do_not_import_each_other() -> None:
    """What both need (a throwaway PostgreSQL, the case generator) lives in the product."""
    assert _violations(("bench",), ("tests",)) + _violations(("tests",), ("bench",)) == []


def test_the_reader_sees_every_kind_of_import(tmp_path: Path) -> None:
    """Imports under TYPE_CHECKING, inside functions and relative ones are all found, by full name."""
    source = tmp_path / "probe.py"
    source.write_text(
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from engine._types import CaseId\n"
        "def run():\n"
        "    import api.cli.db\n"
        "from .sibling import thing\n"
        "from .. import other\n",
        encoding="utf-8",
    )
    targets = {imp.target for imp in imports_of(source, "api.store.probe")}
    expected = {
        "typing.TYPE_CHECKING",
        "engine._types.CaseId",
        "api.cli.db",
        "api.store.sibling.thing",
        "api.other",
    }
    assert targets == expected


@pytest.mark.parametrize(
    ("package", "absent"),
    [("rules", ("engine", "api")), ("rules.rulesets", ("engine", "api")), ("engine", ("api",))],
)
def test_a_package_imports_on_its_own_and_not_the_layers_above(package: str, absent: tuple[str, ...]) -> None:
    """In a fresh interpreter the package imports alone (no circle) and loads nothing above it."""
    code = f"import sys, {package}; print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(absent)!r}))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
