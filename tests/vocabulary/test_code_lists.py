"""Every coded field of the case is a closed list: the model's codes are the vocabulary's, in order."""

from __future__ import annotations

import typing
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel

from engine.models import Case
from rules import load_rulebook


def _literals(annotation: Any, path: str, found: dict[str, tuple[str, ...]]) -> None:
    origin = get_origin(annotation)
    if origin is Literal:
        found[path] = tuple(get_args(annotation))
    elif origin is typing.Annotated:
        _literals(get_args(annotation)[0], path, found)
    elif origin is not None:
        for arg in get_args(annotation):
            _literals(arg, path, found)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, info in annotation.model_fields.items():
            _literals(info.annotation, f"{path}.{name}" if path else name, found)


def test_the_models_coded_fields_are_the_vocabularys() -> None:
    """Each Literal field has the codes of its vocabulary list, and each coded vocabulary field is a Literal."""
    vocabulary = load_rulebook().vocabulary
    found: dict[str, tuple[str, ...]] = {}
    _literals(Case, "", found)
    coded = {path: entry.codes for path, entry in vocabulary.field_paths.items() if entry.codes}
    assert set(found) == set(coded)
    for path, codes in found.items():
        assert codes == vocabulary.codes(coded[path]), path


def test_no_word_names_two_codes_and_every_label_reads_back() -> None:
    """Each code's label and synonyms read back as that code, written with spaces or in full width."""
    vocabulary = load_rulebook().vocabulary
    for name in vocabulary.lists:
        for code, label in vocabulary.labels(name).items():
            assert vocabulary.code_for(name, f" {label} ") == code
            assert vocabulary.code_for(name, code.upper().replace("_", "＿")) == code
