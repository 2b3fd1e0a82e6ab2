"""The generic top-level names resolve to this repository's packages (style.md §6.1)."""

from __future__ import annotations

from pathlib import Path

import api
import engine
import rules

ROOT = Path(__file__).resolve().parents[1]


def test_top_level_packages_are_ours() -> None:
    """`rules`, `engine` and `api` are kaoping's, not another distribution's."""
    for module in (rules, engine, api):
        assert Path(module.__file__).resolve().parent.parent == ROOT


def test_rule_data_ships_with_the_package() -> None:
    """The YAML rule data sits beside the rules package."""
    assert (Path(rules.__file__).parent / "versions.yaml").exists()
