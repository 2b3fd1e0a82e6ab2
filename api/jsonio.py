"""JSON reading and writing for the edges and the store: exact decimals in, stable bytes out.

One library per direction. msgspec reads: it hands each number with a fraction to ``Decimal`` as written
(orjson reads such numbers as binary floats). orjson writes, as it already writes the engine's facts into
durable_rules: it escapes the Chinese text of a decision with far fewer instructions than msgspec (the
batch benchmark, docs/performance.md); a value orjson does not take (a set, an integer beyond 64 bits, a
key that is not text, a dataclass) is written by msgspec instead, so every value msgspec wrote is written
the same, floats aside (written as ``json.dumps`` writes them: ``1e+16``; kaoping's numbers are decimals).

The standard library is kept for two things: reading what msgspec refuses (so that those inputs keep
their values and their error positions), and finding repeated keys, which msgspec (like every fast
reader) resolves silently by keeping the last (see :func:`loads`).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import msgspec
import orjson

from engine.problems import entry
from rules.messages import Lang

__all__ = [
    "MAX_DEPTH",
    "DuplicateKeyError",
    "JsonError",
    "canonical",
    "dumps",
    "encode",
    "encode_line",
    "loads",
]

MAX_DEPTH = 32
"""Deepest nesting of objects and arrays accepted in a request body (a case is about 6 deep)."""

# msgspec hands each JSON number with a fraction or exponent to float_hook as its text, so Decimal
# gets exactly what the client wrote; NaN and Infinity are not JSON, so it refuses them.
_DECODER = msgspec.json.Decoder(float_hook=Decimal)
_FALLBACK = msgspec.json.Encoder()
_FALLBACK_SORTED = msgspec.json.Encoder(order="sorted")
# A dataclass goes to msgspec (orjson would skip its _fields and keep attributes that are not fields).
_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_PASSTHROUGH_DATACLASS
_LINE = _OPTIONS | orjson.OPT_APPEND_NEWLINE
_SORTED = _OPTIONS | orjson.OPT_SORT_KEYS


def _decimal(value: Any) -> str:
    """What orjson cannot write itself: a Decimal as its text (as msgspec writes it); nothing else."""
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value).__name__)


class JsonError(ValueError):
    """Input that is not JSON kaoping accepts; :meth:`errors` gives the contract's error entries."""

    def __init__(self, detail: str, reason: str | None = None, **ctx: Any) -> None:
        super().__init__(detail)
        self.reason = reason
        self.ctx = ctx

    def text(self, lang: Lang = "zh") -> str:
        """What is wrong, as one sentence in ``lang``."""
        return "；".join(str(e["msg"]) for e in self.errors(lang))

    def errors(self, lang: Lang = "zh") -> list[dict[str, Any]]:
        """One ``json_invalid`` entry at the root, worded in ``lang``."""
        ctx = dict(self.ctx)
        if self.reason:
            ctx["reason"] = self.reason
        return [entry([], "json_invalid", lang, **ctx)]


class DuplicateKeyError(JsonError):
    """An object names a key twice: one ``duplicate_key`` entry per repeated key, at its path."""

    def __init__(self, paths: list[list[str | int]]) -> None:
        self.paths = paths
        where = ", ".join(".".join(str(p) for p in path) for path in paths)
        super().__init__(f"repeated key: {where}", "duplicate")

    def errors(self, lang: Lang = "zh") -> list[dict[str, Any]]:
        """One entry per repeated key, ``loc`` its path."""
        return [entry(path, "duplicate_key", lang) for path in self.paths]


def _reject_constant(name: str) -> Any:
    raise JsonError(f"{name} is not a number kaoping accepts", "constant")


class _Repeated(dict[str, Any]):
    """An object that named some keys more than once (only built on the slow path)."""

    repeated: list[str]


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) == len(pairs):
        return out
    seen: set[str] = set()
    flagged = _Repeated(out)
    flagged.repeated = []
    for key, _ in pairs:
        if key in seen and key not in flagged.repeated:
            flagged.repeated.append(key)
        seen.add(key)
    return flagged


def _repeated_paths(value: Any) -> list[list[str | int]]:
    """Where the repeated keys are, in document order (iterative: any depth)."""
    found: list[list[str | int]] = []
    stack: list[tuple[list[str | int], Any]] = [([], value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            found += [[*path, key] for key in getattr(node, "repeated", ())]
            stack += [([*path, k], v) for k, v in reversed(node.items())]
        elif isinstance(node, list):
            stack += [([*path, i], v) for i, v in reversed(list(enumerate(node)))]
    return found


def _stdlib(text: str | bytes) -> Any:
    """The standard library's reading, with repeated keys found and bad JSON as :class:`JsonError`."""
    try:
        value = json.loads(
            text, parse_float=Decimal, parse_constant=_reject_constant, object_pairs_hook=_pairs
        )
    except json.JSONDecodeError as exc:
        if not text.strip():
            raise JsonError(str(exc), "empty") from None
        raise JsonError(str(exc), line=exc.lineno, column=exc.colno) from None
    except UnicodeDecodeError as exc:
        raise JsonError(str(exc), "encoding") from None
    except RecursionError:
        raise JsonError(f"nested deeper than {MAX_DEPTH} levels", "depth", limit=MAX_DEPTH) from None
    paths = _repeated_paths(value)
    if paths:
        raise DuplicateKeyError(paths)
    return value


def _may_repeat_keys(text: str | bytes, value: Any) -> bool:
    r"""Whether the text may name a key twice in one object (cheap; exact when it answers no).

    Each member of an object is written with one colon, and colons inside strings are written again
    when the value is encoded, so a text whose objects name no key twice has exactly as many colons as
    its value re-encoded; a repeated key, dropped by the reader, leaves the text with more. Only a colon
    written as an escape (``\\u003a``) could hide one: such a text is always checked.
    """
    if not isinstance(value, (dict, list)):
        return False
    colons = encode(value).count(b":")
    # A backslash is rare in a case: looking for it alone is far cheaper than for the escape.
    if isinstance(text, str):
        return text.count(":") != colons or ("\\" in text and "\\u003" in text)
    return text.count(b":") != colons or (b"\\" in text and b"\\u003" in text)


def loads(text: str | bytes) -> Any:
    """Parse JSON keeping every number exact (floats become Decimal; NaN and infinities are refused).

    msgspec reads well-formed UTF-8 JSON (about twice as fast); anything it refuses is read again by
    the standard library, which gives the same values for everything msgspec accepts and keeps what
    only it accepts (a UTF-8 byte-order mark, UTF-16 or UTF-32 bytes, lone surrogate escapes). An
    object that names a key twice is refused (:class:`DuplicateKeyError`, naming each key's path).

    Raises:
        JsonError: bad JSON, a repeated key, NaN or an infinity, or nesting too deep to read.
    """
    try:
        value = _DECODER.decode(text)
    except (msgspec.DecodeError, UnicodeDecodeError):
        return _stdlib(text)
    except RecursionError:
        raise JsonError(f"nested deeper than {MAX_DEPTH} levels", "depth", limit=MAX_DEPTH) from None
    if _may_repeat_keys(text, value):
        _stdlib(text)
    return value


def encode(value: Any) -> bytes:
    """A decision, an error object or a page as UTF-8 JSON: keys in their order, no spaces.

    The same bytes as ``json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()`` for
    kaoping's JSON-ready values; aware UTC times are written ISO 8601 with ``Z``, decimals as strings.
    """
    try:
        return orjson.dumps(value, default=_decimal, option=_OPTIONS)
    except TypeError:
        return _FALLBACK.encode(value)


def encode_line(value: Any) -> bytes:
    """:func:`encode` followed by a line feed: one line of JSON Lines."""
    try:
        return orjson.dumps(value, default=_decimal, option=_LINE)
    except TypeError:
        return _FALLBACK.encode(value) + b"\n"


def dumps(value: Any) -> str:
    """:func:`encode` as text."""
    return encode(value).decode()


def canonical(value: Any) -> bytes:
    """The canonical JSON of a plain value, as hashed: keys sorted, no spaces, UTF-8.

    The same bytes as ``json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))``
    encoded as UTF-8 (keys sorted by code point either way).
    """
    try:
        return orjson.dumps(value, default=_decimal, option=_SORTED)
    except TypeError:
        return _FALLBACK_SORTED.encode(value)
