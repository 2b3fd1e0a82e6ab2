"""What the repository's Python files import, read statically (``ast``) -- for the layering and dependency tests.

Every ``import`` and ``from ... import`` counts wherever it stands: at the top, under ``if TYPE_CHECKING:``,
inside a function. Relative imports are resolved against the importing module's package.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OURS = frozenset({"rules", "engine", "api", "docs_templates", "tests", "bench", "scripts"})
"""The repository's own top-level names (everything else is the standard library or a distribution)."""


@dataclass(frozen=True)
class Import:
    """One imported module (``module``), or one name taken from a module (``module.name``), in one file."""

    path: Path
    line: int
    target: str
    """``a.b`` for ``import a.b``; ``a.b.c`` for ``from a.b import c`` (``c`` may be a module or a name)."""

    @property
    def where(self) -> str:
        """``file:line``, relative to the repository when the file is in it."""
        path = self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path
        return f"{path}:{self.line}"

    @property
    def top(self) -> str:
        """The top-level package imported from."""
        return self.target.split(".")[0]


def module_name(path: Path) -> str:
    """The dotted module name of a file of the repository (``api/http/app.py`` -> ``api.http.app``)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".")
    if not is_package:
        package.pop()
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


@cache
def imports_of(path: Path, module: str | None = None) -> tuple[Import, ...]:
    """Every import in the file at ``path`` (relative ones against ``module``, by default the file's own)."""
    module = module or module_name(path)
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(path, node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(module, is_package, node)
            if source == "__future__":
                continue
            found += [Import(path, node.lineno, f"{source}.{alias.name}") for alias in node.names]
    return tuple(found)


def python_files(*folders: str) -> list[Path]:
    """The ``.py`` files under the given top-level folders (Alembic's migration scripts included)."""
    return sorted(path for folder in folders for path in (ROOT / folder).rglob("*.py"))


def is_stdlib(name: str) -> bool:
    """Whether a top-level module name is the standard library's."""
    return name in sys.stdlib_module_names


def private_part(target: str) -> str | None:
    """The first ``_private`` component of a dotted name after its top level (dunders are not private)."""
    for part in target.split(".")[1:]:
        if part.startswith("_") and not (part.startswith("__") and part.endswith("__")):
            return part
    return None
