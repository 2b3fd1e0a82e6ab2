"""WordprocessingML names and the small helpers every part of the reader shares."""

from __future__ import annotations

from typing import Any

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"

_OFF = frozenset({"0", "false", "off", "none"})


def on(element: Any, attribute: str = f"{W}val", *, default: bool = True) -> bool:
    """A WordprocessingML on/off property: present without a value means on."""
    value = element.get(attribute)
    if value is None:
        return default
    return value.strip().lower() not in _OFF


def local(element: Any) -> str:
    """An element's tag without its namespace (``p``, ``tbl``, ``r``…); comments and PIs give ``""``."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]
