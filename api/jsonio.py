"""JSON reading and writing for the edges and the store: exact decimals in, stable bytes out.

One library, msgspec, reads and writes. The standard library is kept for one thing: reading what msgspec
refuses, so that those inputs keep their values and the error messages stay Python's (see :func:`loads`).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import msgspec

# msgspec hands each JSON number with a fraction or exponent to float_hook as its text, so Decimal
# gets exactly what the client wrote; NaN and Infinity are not JSON, so it refuses them.
_DECODER = msgspec.json.Decoder(float_hook=Decimal)
_ENCODER = msgspec.json.Encoder()
_CANONICAL = msgspec.json.Encoder(order="sorted")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number kaoping accepts")


def loads(text: str | bytes) -> Any:
    """Parse JSON keeping every number exact (floats become Decimal; NaN and infinities are refused).

    msgspec reads well-formed UTF-8 JSON (about twice as fast); anything it refuses is read again by
    the standard library, which gives the same values for everything msgspec accepts and keeps what
    only it accepts (a UTF-8 byte-order mark, UTF-16 or UTF-32 bytes, lone surrogate escapes) and its
    error messages.
    """
    try:
        return _DECODER.decode(text)
    except (msgspec.DecodeError, UnicodeDecodeError):
        return json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)


def encode(value: Any) -> bytes:
    """A decision, an error object or a page as UTF-8 JSON: keys in their order, no spaces.

    The same bytes as ``json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()`` for
    kaoping's JSON-ready values; aware UTC times are written ISO 8601 with ``Z``, decimals as strings.
    """
    return _ENCODER.encode(value)


def dumps(value: Any) -> str:
    """:func:`encode` as text."""
    return _ENCODER.encode(value).decode()


def canonical(value: Any) -> bytes:
    """The canonical JSON of a plain value, as hashed: keys sorted, no spaces, UTF-8.

    The same bytes as ``json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))``
    encoded as UTF-8 (keys sorted by code point either way).
    """
    return _CANONICAL.encode(value)
