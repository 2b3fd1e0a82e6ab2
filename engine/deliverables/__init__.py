"""Reading the agency's Word deliverables: a plan or a draft report in, the contract's reading out.

``read_deliverable(data, name=..., node="plan"|"draft")`` returns a :class:`Reading` (contract "Reading a
deliverable"): the node's fields the file determines, where each was read, what it leaves unread, and
warnings naming the places. :func:`apply_reading` fills a case's node with a reading;
:func:`attach_locations` adds the places to the PLN/RPT trace entries of a decision.

Nothing here is imported by ``engine.evaluate``: deciding a case that carries no file never loads the
reader. The names load on first use (PEP 562), so the memos, which only cite the places a decision
carries, do not load the reader, the Office guard or python-docx.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.deliverables.apply import apply_reading, attach_locations
    from engine.deliverables.errors import DeliverableError
    from engine.deliverables.model import FileInfo, Location, Reading, ReadingWarning
    from engine.deliverables.reader import read_deliverable

_LAZY = {
    "DeliverableError": "engine.deliverables.errors",
    "FileInfo": "engine.deliverables.model",
    "Location": "engine.deliverables.model",
    "Reading": "engine.deliverables.model",
    "ReadingWarning": "engine.deliverables.model",
    "apply_reading": "engine.deliverables.apply",
    "attach_locations": "engine.deliverables.apply",
    "read_deliverable": "engine.deliverables.reader",
}

__all__ = [
    "DeliverableError",
    "FileInfo",
    "Location",
    "Reading",
    "ReadingWarning",
    "apply_reading",
    "attach_locations",
    "read_deliverable",
]


def __getattr__(name: str) -> Any:
    """The package's names, imported on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
