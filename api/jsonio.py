"""JSON reading and writing for the edges: exact decimals in, stable bytes out."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import msgspec
import orjson

# msgspec hands each JSON number with a fraction or exponent to float_hook as its text, so Decimal
# gets exactly what the client wrote; NaN and Infinity are not JSON, so it refuses them.
_DECODER = msgspec.json.Decoder(float_hook=Decimal)


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


def dumps(value: Any) -> str:
    """Serialise a decision or error object: UTF-8 text, contract key order, no spaces wasted.

    orjson writes the same bytes as ``json.dumps(value, ensure_ascii=False, separators=(",", ":"))``
    for kaoping's JSON-ready values, several times faster.
    """
    return orjson.dumps(value).decode()
