"""The memo modules import one another one way: no circle (lint and render share the sandbox module)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "engine" / "memos"


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _graph() -> dict[str, set[str]]:
    """Module → the engine.memos modules it imports anywhere (function bodies and type checking included)."""
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported |= {f"{node.module}.{a.name}" for a in node.names} | {node.module}
            elif isinstance(node, ast.Import):
                imported |= {a.name for a in node.names}
        graph[name] = {m for m in imported if m in modules and m != name}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_memo_modules_import_one_way() -> None:
    """No module of engine.memos imports, through others, itself (the package's __init__ aside)."""
    graph = {k: {m for m in v if m != "engine.memos"} for k, v in _graph().items() if k != "engine.memos"}
    assert _cycle(graph) is None
    assert "engine.memos.render" not in graph["engine.memos.lint"]
    assert "engine.memos.render" not in graph["engine.memos.checker"]


def test_naming_the_memo_kinds_does_not_load_the_rendering_stack() -> None:
    """``engine.memos`` gives the kinds and builds contexts without python-docx, docxtpl or Jinja2."""
    script = (
        "import sys, engine.memos\n"
        "assert engine.memos.MEMO_KINDS\n"
        "print(sorted(m for m in ('docx', 'docxtpl', 'jinja2', 'lxml') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "[]"
