"""The rule versions as plain data: what ``kaoping rules --json`` prints and ``GET /rules`` serves."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rules.rulebook import Rulebook


def rules_as_json(rulebook: Rulebook, version: str | None = None) -> list[dict[str, Any]]:
    """Every version (or one) with its rules, as plain data (also served by the API)."""
    out = []
    for rs in rulebook.versions:
        if version is not None and rs.version != version:
            continue
        out.append(
            {
                "version": rs.version,
                "valid_from": rs.valid_from.isoformat(),
                "valid_to": rs.valid_to.isoformat() if rs.valid_to else None,
                "measure": rs.measure,
                "content_hash": rs.content_hash,
                "rules": [
                    {
                        "id": r.id,
                        "title": r.title,
                        "text_zh": r.text_zh,
                        "text_en": r.text_en,
                        "severity": r.severity,
                        "cite": r.cite,
                        "parameters": {p: _plain(rs.param(p)) for p in r.parameters},
                    }
                    for r in rs.rules
                ],
            }
        )
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (int, str, bool)) or value is None:
        return value
    return str(value)
