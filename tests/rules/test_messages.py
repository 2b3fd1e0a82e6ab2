"""rules/messages.yaml holds no dead message: every id is said somewhere (by name or by its family)."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import get_args

from pydantic_core.core_schema import ErrorType

from rules.messages import catalogue

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("api", "engine", "rules", "scripts")


def _strings() -> tuple[set[str], set[str]]:
    """Every string constant of the sources; the leading text of every f-string and each class's block
    of messages (``messages = "office_file"``: ids made as ``f"{self.messages}.{self.key}"``)."""
    constants: set[str] = set()
    prefixes: set[str] = set()
    for folder in SOURCES:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    constants.add(node.value)
                elif isinstance(node, ast.JoinedStr) and node.values:
                    first = node.values[0]
                    if isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value:
                        prefixes.add(first.value)
                elif (
                    isinstance(node, ast.Assign)
                    and [getattr(t, "id", None) for t in node.targets] == ["messages"]
                    and isinstance(node.value, ast.Constant)
                ):
                    prefixes.add(f"{node.value.value}.")
    for path in (ROOT / "api" / "web" / "templates").glob("*.html"):  # msg('...') in a page
        constants.update(re.findall(r"""["']([a-z_]+(?:\.[a-z0-9_]+)+)["']""", path.read_text("utf-8")))
    return constants, prefixes


def _used(key: str, constants: set[str], prefixes: set[str]) -> bool:
    if key in constants or key.startswith("argparse."):  # argparse's sentences are looked up by text
        return True
    if key.startswith("error."):  # an error type's sentence: pydantic's types and the product's own
        kind = key.split(".")[1]
        return kind in get_args(ErrorType) or kind in constants
    return any(key.startswith(p) and p.endswith((".", "_")) for p in prefixes)


def test_every_message_is_said_somewhere() -> None:
    """No id is left behind when the code that said it is gone."""
    constants, prefixes = _strings()
    assert [key for key in catalogue() if not _used(key, constants, prefixes)] == []


def test_no_two_messages_are_one_word() -> None:
    """A joiner or a filler word is said once (``join.items``, ``join.clauses``, ``word.none``)."""
    words = [entry["zh"] for entry in catalogue().values() if len(entry["zh"]) == 1]
    assert sorted(words) == sorted(set(words))
