"""Strict YAML reading for rule data: duplicate keys are errors, dates stay strings, shapes are checked.

Every process reads the rule data, the vocabulary and the messages once, at start-up. What a file's bytes
parse to is kept as JSON in a cache directory, named by a hash of those bytes and of this reader (its
source and PyYAML's version), so a file is parsed by PyYAML once per content, much as Python keeps the
bytecode of a module in ``__pycache__``: the same bytes read again cost a JSON read, and a changed file,
or a changed reader, is a new name and is parsed (strictly) again. Directory: ``KAOPING_CACHE_DIR``, by
default ``$XDG_CACHE_HOME/kaoping`` (``~/.cache/kaoping``); set it empty to parse every time. A cache
that cannot be read or written is passed over: the file is parsed.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import orjson
import yaml
from pydantic import ValidationError

from rules.errors import RulebookError

CACHE_DIR_ENV = "KAOPING_CACHE_DIR"
"""Where parsed rule data is kept (empty: nowhere)."""

# libyaml's parser when PyYAML was built with it (about four times as fast); the constructors and
# resolvers stay Python's.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_SafeLoader):  # type: ignore[valid-type, misc]
    """SafeLoader that refuses duplicate mapping keys and never turns text into dates."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in mapping:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Keep ISO dates as strings: the loader parses them itself, strictly.
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def cache_dir() -> Path | None:
    """The directory of parsed rule data (``KAOPING_CACHE_DIR``), or None when caching is off."""
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured is not None:
        return Path(configured).expanduser() if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME")
    try:
        return Path(base) / "kaoping" if base else Path.home() / ".cache" / "kaoping"
    except RuntimeError:  # no home directory to be found
        return None


@functools.cache
def _reader() -> bytes | None:
    """What besides a file's bytes decides what it parses to: this module, PyYAML, libyaml or not, Python.

    PyYAML's wheels carry their own libyaml, so its version follows PyYAML's.
    """
    try:
        source = Path(__file__).read_bytes()
    except OSError:  # no source to hash (a frozen build): nothing can be kept safely
        return None
    parts = (yaml.__version__, str(yaml.__with_libyaml__), _SafeLoader.__name__, sys.version)
    return hashlib.sha256(source + "\0".join(parts).encode()).digest()


def _cache_path(data: bytes) -> Path | None:
    """Where what ``data`` parses to is kept, or None when nothing is kept."""
    folder, reader = cache_dir(), _reader()
    if folder is None or reader is None:
        return None
    return folder / f"yaml-{hashlib.sha256(reader + data).hexdigest()}.json"


def _cached(path: Path) -> Any:
    """The value kept at ``path``, or ``_NOT_KEPT``."""
    try:
        return orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return _NOT_KEPT


_GROWTH = 8
"""How many times the characters of its file a value may spell out to be kept (aliases repeat a node)."""


def _spelt_out_within(value: Any, budget: int) -> bool:
    """Whether ``value`` written out, each alias of the file in full, stays within ``budget`` characters.

    YAML's aliases name one node many times; JSON writes it each time. A handful is ordinary (a shared
    note); a file built to multiply one node would turn into a far larger entry, so it is not kept. The
    walk stops as soon as the budget is spent: it never walks further than the budget, however many
    times a node is named.
    """
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            budget -= len(node) + 2
        elif isinstance(node, dict):
            budget -= 2
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            budget -= 2
            stack.extend(node)
        else:
            budget -= 8
        if budget < 0:
            return False
    return True


def _keep(path: Path, value: Any, source_size: int) -> None:
    """Write ``value`` to ``path`` when JSON gives it back exactly (no NaN, no key that is not text...)."""
    if not _spelt_out_within(value, _GROWTH * source_size + 4096):
        return
    try:
        kept = orjson.dumps(value)
    except TypeError:
        return
    if orjson.loads(kept) != value:
        return
    temporary: Path | None = None
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".yaml-", delete=False) as out:
                temporary = Path(out.name)
                out.write(kept)
            temporary.replace(path)  # whole or not at all, for a process reading it meanwhile
        finally:
            if temporary is not None:
                temporary.unlink(missing_ok=True)


class _Named(io.StringIO):
    """A file's text with the file's name, which PyYAML's error marks show (``in "rules/...yaml"``)."""

    def __init__(self, text: str, name: str) -> None:
        super().__init__(text)
        self.name = name


_NOT_KEPT = object()


def read_yaml(path: Path) -> Any:
    """Read one rule data file or raise :class:`RulebookError` naming it (see the module's cache)."""
    data = path.read_bytes()
    kept = _cache_path(data)
    if kept is not None:
        value = _cached(kept)
        if value is not _NOT_KEPT:
            return value
    text = _Named(data.decode("utf-8"), str(path))
    try:
        value = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise RulebookError(str(path), "-", f"not valid YAML: {exc}") from None
    if kept is not None:
        _keep(kept, value, len(data))
    return value


def validated(model: Any, data: Any, path: Path) -> Any:
    """``data`` as an instance of the pydantic ``model``, or a :class:`RulebookError` naming file and key."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"]) or "-"
        raise RulebookError(str(path), key, str(first["msg"]).removeprefix("Value error, ")) from None
