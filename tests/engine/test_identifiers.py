"""Ids, names and text: whole-string patterns, no control, format or bidi characters where they hide."""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest
from pydantic import TypeAdapter, ValidationError

from engine import identifier_problem
from engine.identifiers import FORMAT_CHARACTERS, ID_PATTERN, MemberId, Name, Text
from engine.models import CaseId

NAME = TypeAdapter(Name)
TEXT = TypeAdapter(Text)
MEMBER_ID = TypeAdapter(MemberId)
CASE_ID = TypeAdapter(CaseId)
BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]


def test_the_format_character_class_is_unicodes_cf() -> None:
    """Every Cf character of this Python's Unicode is in the class; everything else in it is Cf or unassigned."""
    pattern = re.compile(f"[{FORMAT_CHARACTERS}]")
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        category = unicodedata.category(ch)
        if category == "Cf":
            assert pattern.fullmatch(ch), f"U+{code:04X}"
        elif pattern.fullmatch(ch):
            assert category == "Cn", f"U+{code:04X} is {category}"


@pytest.mark.parametrize("value", ["E1", "专家-01", "a" * 64, "E 1"])
def test_good_ids_pass(value: str) -> None:
    """Letters of any script, digits, punctuation and inner spaces make ids."""
    assert identifier_problem(value) is None
    assert MEMBER_ID.validate_python(value) == value


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", "string_too_short"),
        ("a" * 65, "string_too_long"),
        ("E1\n", "control_character"),
        ("E\t1", "control_character"),
        ("U\x01\x1b[31m", "control_character"),
        ("E\u00851", "control_character"),
        ("E1\u200b", "control_character"),
        ("E\u202e1", "control_character"),
        ("\ufeffE1", "control_character"),
    ],
)
def test_bad_ids_are_refused_by_one_rule(value: str, problem: str) -> None:
    """The public id check and the model's member id agree on every refusal."""
    assert identifier_problem(value) == problem
    with pytest.raises(ValidationError):
        MEMBER_ID.validate_python(value)


def test_a_unit_name_in_a_token_may_be_as_long_as_a_name() -> None:
    """``max_length``: a project unit's name (200 characters) is checked by the same rule."""
    assert identifier_problem("七宝镇" * 60, max_length=200) is None
    assert identifier_problem("七宝镇" * 67, max_length=200) == "string_too_long"
    assert identifier_problem("七宝镇\n", max_length=200) == "control_character"


@pytest.mark.parametrize("ch", [*BIDI, "\u200b", "\u200d", "\u00ad", "\ufeff"])
def test_names_refuse_invisible_format_characters(ch: str) -> None:
    """A name with a bidi control or a zero-width character would print differently from how it compares."""
    with pytest.raises(ValidationError) as info:
        NAME.validate_python(f"张{ch}立")
    assert info.value.errors()[0]["type"] == "string_pattern_mismatch"


@pytest.mark.parametrize("ch", BIDI)
def test_no_text_holds_a_bidi_control(ch: str) -> None:
    """Free text keeps tabs and line breaks but never a bidi control."""
    assert TEXT.validate_python("第一行\n第二行\t完") == "第一行\n第二行\t完"
    with pytest.raises(ValidationError):
        TEXT.validate_python(f"备注{ch}")


@pytest.mark.parametrize("value", ["QB-2024-007\n", "QB-2024-007\r\n", "QB-２０２４", "QB-٢٠٢٤"])
def test_a_case_id_is_matched_on_the_whole_string(value: str) -> None:
    """No trailing line feed slips past ``$``; only ASCII digits are digits."""
    with pytest.raises(ValidationError):
        CASE_ID.validate_python(value)


def test_the_id_pattern_is_anchored_for_every_engine() -> None:
    """pydantic-core runs the pattern in Rust; the schema shows it anchored at both ends."""
    assert ID_PATTERN.startswith("^")
    assert ID_PATTERN.endswith("$")
