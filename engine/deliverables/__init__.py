"""Reading the agency's Word deliverables: a plan or a draft report in, the contract's reading out.

``read_deliverable(data, name=..., node="plan"|"draft")`` returns a :class:`Reading` (contract "Reading a
deliverable"): the node's fields the file determines, where each was read, what it leaves unread, and
warnings naming the places. :func:`apply_reading` fills a case's node with a reading;
:func:`attach_locations` adds the places to the PLN/RPT trace entries of a decision.

Nothing here is imported by ``engine.evaluate``: deciding a case that carries no file never loads the
reader (python-docx loads only when a file is read).
"""

from __future__ import annotations

from engine.deliverables.apply import apply_reading, attach_locations
from engine.deliverables.errors import DeliverableError
from engine.deliverables.model import FileInfo, Location, Reading, ReadingWarning
from engine.deliverables.reader import read_deliverable

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
