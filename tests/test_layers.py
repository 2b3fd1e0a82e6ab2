"""Imports flow one way: rules ← engine ← api; no package reaches into another's private modules.

``rules`` imports nothing of ``engine`` or ``api``, ``engine`` nothing of ``api``; tests and benchmarks
share ``engine.testing`` and do not import each other.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("rules", "engine", "bench")
# bench/bench_cases_pg.py starts a throw-away PostgreSQL with the tests' helper; that helper belongs with
# the storage code once it has a home both can import.
ALLOWED = {("bench/bench_cases_pg.py", "tests.support.postgres")}


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


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return found


def test_no_module_imports_another_package_s_private_module_and_tests_and_bench_stay_apart() -> None:
    """``from rules.rulesets._registry import ...`` outside ``rules`` is a slip; so is bench → tests."""
    slips = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            where = path.relative_to(ROOT).as_posix()
            for module in _imports(path):
                parts = module.split(".")
                private = parts[0] != package and any(p.startswith("_") for p in parts[1:])
                crossing = parts[0] == "tests" or (package != "bench" and parts[0] == "bench")
                if (private or crossing) and (where, module) not in ALLOWED:
                    slips.append(f"{where}: {module}")
    for path in sorted((ROOT / "tests").rglob("*.py")):
        slips += [
            f"{path.relative_to(ROOT).as_posix()}: {m}" for m in _imports(path) if m.split(".")[0] == "bench"
        ]
    assert slips == []
