"""Test configuration: the YAML rule-case plugin and shared fixtures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.yamlcases import YamlFile

RULE_CASES = Path(__file__).parent / "rules"


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> Any:
    """Collect tests/rules/**/*.yaml as table-driven rule cases."""
    if file_path.suffix == ".yaml" and RULE_CASES in file_path.parents:
        return YamlFile.from_parent(parent, path=file_path)
    return None
