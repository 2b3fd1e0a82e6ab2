"""JSON in and out (api/jsonio.py): msgspec reads, orjson writes, each what the standard library would, exact decimals included."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from api import jsonio


def _stdlib(text: str | bytes) -> Any:
    return json.loads(text, parse_float=Decimal, parse_constant=jsonio._reject_constant)


def _typed(value: Any) -> Any:
    """The value with every leaf's type beside it (Decimal("1.0") == 1 must not pass for equal)."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return (type(value).__name__, str(value))


@pytest.mark.parametrize(
    "text",
    [
        b'{"fee": 80000.50, "score": 88, "text": "\\u4e03\\u5b9d"}',
        b'{"big": 123456789012345678901234567890, "neg": -0, "exp": 1E2, "tiny": 1e-400}',
        b'  [1.0, -0.0, 1e999, "x"]  ',
        '{"名称": "七宝镇"}'.encode(),
        b'\xef\xbb\xbf{"bom": 1}',
        '{"utf16": 1.5}'.encode("utf-16"),
        b'{"surrogate": "\\ud800"}',
    ],
)
def test_values_are_the_standard_librarys(text: bytes) -> None:
    """Same values and types as json.loads(parse_float=Decimal), also where only the stdlib reads it."""
    assert _typed(jsonio.loads(text)) == _typed(_stdlib(text))


@pytest.mark.parametrize(
    "text", [b'{"fee": NaN}', b'{"fee": Infinity}', b"{", b"", b'{"a": 1} x', b'{"a": "\xff"}', b"[1,]"]
)
def test_bad_json_fails_with_the_standard_librarys_error(text: bytes) -> None:
    """Refused input raises a JsonError with what json.loads says (its message and its position)."""
    with pytest.raises(jsonio.JsonError) as ours:
        jsonio.loads(text)
    with pytest.raises(ValueError) as theirs:
        _stdlib(text)
    assert str(ours.value) == str(theirs.value)
    if isinstance(theirs.value, json.JSONDecodeError) and text.strip():
        assert ours.value.ctx == {"line": theirs.value.lineno, "column": theirs.value.colno}
    [error] = ours.value.errors()
    assert (error["loc"], error["type"]) == ([], "json_invalid")


@pytest.mark.parametrize(
    ("text", "paths"),
    [
        (b'{"a": 1, "a": 2}', [["a"]]),
        (
            b'{"plan": {"scores": {"expert_panel": {"E1": "88", "E1": "40"}}}}',
            [["plan", "scores", "expert_panel", "E1"]],
        ),
        (b'{"x": [{"k": 1}, {"k": 1, "k": 1}]}', [["x", 1, "k"]]),
        (b'{"a": "x:y", "a": "\\u003a"}', [["a"]]),
        (b'{"a": "\\u003a", "a": "b:c:d"}', [["a"]]),
        ('\ufeff{"a": {"b": 1, "b": 1}}'.encode(), [["a", "b"]]),
        ('{"名称": 1, "名称": 2}'.encode("utf-16"), [["名称"]]),
        (b"[" * 20 + b'{"d": 1, "d": 2}' + b"]" * 20, [[0] * 20 + ["d"]]),
    ],
)
def test_a_repeated_key_is_refused_at_any_depth(text: bytes, paths: list[list[Any]]) -> None:
    """A key named twice in one object is an error naming its path, however the text is written."""
    with pytest.raises(jsonio.DuplicateKeyError) as info:
        jsonio.loads(text)
    assert info.value.paths == paths
    assert [e["loc"] for e in info.value.errors()] == paths
    assert {e["type"] for e in info.value.errors()} == {"duplicate_key"}


@given(st.dictionaries(st.text(max_size=8), st.text(max_size=8), min_size=1, max_size=5))
def test_colons_in_keys_and_values_never_pass_for_a_repeated_key(document: dict[str, str]) -> None:
    """Text full of colons, no key repeated: read as written (the cheap check sends it the slow way)."""
    text = json.dumps(document, ensure_ascii=False).encode()
    assert jsonio.loads(text) == document


_NUMBER_TEXT = st.from_regex(r"-?(0|[1-9][0-9]{0,20})(\.[0-9]{1,20})?([eE][+-]?[0-9]{1,3})?", fullmatch=True)
_LEAF = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=20), _NUMBER_TEXT.map(lambda t: ("n", t))
)
_DOCUMENT = st.recursive(
    _LEAF, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
)


def _write(value: Any) -> str:
    if isinstance(value, tuple):
        return value[1]  # a number written as text, exactly
    if isinstance(value, list):
        return "[" + ",".join(_write(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{_write(v)}" for k, v in value.items()) + "}"
    return json.dumps(value)


@given(_DOCUMENT)
def test_any_document_reads_as_the_standard_library_reads_it(document: Any) -> None:
    """Generated JSON (numbers written every legal way) reads to the same typed values."""
    text = _write(document).encode()
    assert _typed(jsonio.loads(text)) == _typed(_stdlib(text))


_PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
)


@given(_PLAIN)
def test_written_bytes_are_the_standard_librarys(value: Any) -> None:
    """Decisions and errors: UTF-8 as is (no \\u escapes beyond JSON's), keys in their order, no spaces."""
    expected = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    assert jsonio.encode(value) == expected
    assert jsonio.dumps(value) == expected.decode()


@given(_PLAIN)
def test_canonical_bytes_are_the_standard_librarys_sorted(value: Any) -> None:
    """What is hashed (input and output hashes of stored decisions) keeps its bytes: keys sorted by code point."""
    expected = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    assert jsonio.canonical(value) == expected


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2024, 7, 1, 8, 30, tzinfo=UTC), "2024-07-01T08:30:00Z"),
        (datetime(2024, 7, 1, 8, 30, 0, 120000, tzinfo=ZoneInfo("UTC")), "2024-07-01T08:30:00.120000Z"),
        (
            datetime(2024, 7, 1, 8, 30, 0, 1, tzinfo=timezone(timedelta(hours=8))),
            "2024-07-01T08:30:00.000001+08:00",
        ),
    ],
)
def test_times_are_iso_with_z_for_utc(moment: datetime, text: str) -> None:
    """The case list's updated_at: ISO 8601, UTC written Z, microseconds only when there are some."""
    assert jsonio.encode({"at": moment}) == f'{{"at":"{text}"}}'.encode()


@given(_PLAIN)
def test_a_line_is_the_value_and_a_line_feed(value: Any) -> None:
    """JSON Lines (the batch): each decision's bytes, then one line feed."""
    assert jsonio.encode_line(value) == jsonio.encode(value) + b"\n"


@pytest.mark.parametrize(
    "value",
    [
        {"fee": Decimal("80000.50"), "places": [Decimal("1E+2"), Decimal("-0.000")]},
        {"set": {3, 1}, "big": 2**70},
        [b"bytes", frozenset({"x"})],
    ],
)
def test_what_orjson_does_not_take_is_written_as_msgspec_wrote_it(value: Any) -> None:
    """Decimals as their text; a set, an integer beyond 64 bits, bytes: msgspec's bytes, sorted or not."""
    expected = msgspec.json.encode(value)
    assert jsonio.encode(value) == expected
    assert jsonio.encode_line(value) == expected + b"\n"
    assert jsonio.canonical(value) == msgspec.json.Encoder(order="sorted").encode(value)


def test_keys_that_are_not_text_are_written_as_msgspec_wrote_them() -> None:
    value = {"keys": {1: "a", 2: "b"}}
    assert jsonio.encode(value) == msgspec.json.encode(value) == b'{"keys":{"1":"a","2":"b"}}'


def test_a_dataclass_is_written_as_msgspec_wrote_it() -> None:
    """Its fields in order, a leading underscore included, nothing set beside them (hashes stay true)."""

    @dataclasses.dataclass
    class Record:
        z: int
        _hidden: int

        def __post_init__(self) -> None:
            self.extra = 3

    value = Record(1, 2)
    assert jsonio.encode(value) == msgspec.json.encode(value) == b'{"z":1,"_hidden":2}'
    assert jsonio.canonical(value) == b'{"_hidden":2,"z":1}'
