"""Strict YAML reading for rule data: duplicate keys are errors, dates stay strings, shapes are checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from rules.errors import RulebookError

# libyaml's parser when PyYAML was built with it (about four times as fast: every process reads the rule
# data, the vocabulary and the messages once at start-up); the constructors and resolvers stay Python's.
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


def read_yaml(path: Path) -> Any:
    """Read one rule data file or raise :class:`RulebookError` naming it."""
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise RulebookError(str(path), "-", f"not valid YAML: {exc}") from None


def validated(model: Any, data: Any, path: Path) -> Any:
    """``data`` as an instance of the pydantic ``model``, or a :class:`RulebookError` naming file and key."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"]) or "-"
        raise RulebookError(str(path), key, str(first["msg"]).removeprefix("Value error, ")) from None
