"""A parameter's codes against the vocabulary: the code lists its metadata names, and every dated value.

``metadata.codes`` (a text value or a list's items), ``metadata.keys`` (a mapping's keys) and
``metadata.fields`` (a mapping's keys, or each band's, each with its own code list) say how the rules page
shows a value in words; they also catch a slip in the data: a code no list knows is a load error naming
the file and the value, as a rule reading an undeclared fact is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rules.errors import RulebookError

if TYPE_CHECKING:
    from pathlib import Path

    from rules.schema import ParameterFile, ParameterMetadata
    from rules.vocabulary import Vocabulary


def check_parameter_codes(param: ParameterFile, path: Path, vocabulary: Vocabulary) -> None:
    """Raise :class:`RulebookError` for an unknown code list or a value outside its code list."""
    meta = param.metadata
    named = [meta.codes, meta.keys, *(f.codes for f in meta.fields.values())]
    for code_list in named:
        if code_list is not None and code_list not in vocabulary.lists:
            raise RulebookError(str(path), "metadata", f"unknown code list {code_list}")
    for when, dated in param.values.items():
        if dated.value is not None:
            _check_value(meta, dated.value, path, f"values.{when}.value", vocabulary)


def _check_value(meta: ParameterMetadata, value: Any, path: Path, key: str, vocabulary: Vocabulary) -> None:
    if meta.codes is not None:
        _known(vocabulary, meta.codes, value, path, key)
    if meta.keys is not None and isinstance(value, dict):
        _known(vocabulary, meta.keys, list(value), path, key)
    if meta.fields:
        for item in value if isinstance(value, list) else [value]:
            if not isinstance(item, dict) or set(item) != set(meta.fields):
                raise RulebookError(str(path), key, f"expected the keys {sorted(meta.fields)}")
            for name, described in meta.fields.items():
                if described.codes is not None:
                    _known(vocabulary, described.codes, item[name], path, f"{key}.{name}")


def _known(vocabulary: Vocabulary, code_list: str, value: Any, path: Path, key: str) -> None:
    codes = vocabulary.labels(code_list)
    for code in value if isinstance(value, list) else [value]:
        if str(code) not in codes:
            raise RulebookError(str(path), key, f"{code!r} is not a code of {code_list}")
