"""Small JSON-document helpers of the case store: plain JSON, hashes, merge patch, ETags."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from typing import Any

from api import jsonio


def plain(value: Any) -> Any:
    """The value as plain JSON: decimals become exact decimal strings (``"88.5"``), dates ISO strings."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def canonical_hash(value: Any) -> str:
    """SHA-256 (hex) of the canonical JSON of a plain value (sorted keys, no spaces, UTF-8)."""
    return hashlib.sha256(jsonio.canonical(value)).hexdigest()


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON merge patch: objects merge, ``null`` removes a member, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def etag(version: int) -> str:
    """The strong ETag of a stored version."""
    return f'"{version}"'


def if_match_allows(header: str, version: int) -> bool:
    """Whether an ``If-Match`` header names the current version (``*`` names any; strong comparison)."""
    tags = [tag.strip() for tag in header.split(",")]
    return "*" in tags or etag(version) in tags
