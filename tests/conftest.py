"""Test configuration: the YAML rule-case plugin and shared fixtures."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

from rules._yaml import CACHE_DIR_ENV
from tests.yamlcases import YamlFile

# Parsed rule data is kept for this run only (and by the processes it starts), never in the user's cache.
_CACHE = tempfile.mkdtemp(prefix="kaoping-test-cache-")
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)
os.environ[CACHE_DIR_ENV] = _CACHE

RULE_CASES = Path(__file__).parent / "rules"


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> Any:
    """Collect tests/rules/**/*.yaml as table-driven rule cases."""
    if file_path.suffix == ".yaml" and RULE_CASES in file_path.parents:
        return YamlFile.from_parent(parent, path=file_path)
    return None
