"""Where a failed check's finding is in the Word deliverable it was read from: 见评价方案表2第5行‘权重’栏.

A decision whose plan or draft was read from a Word file carries, on each PLN/RPT trace entry, the places
it judged (``locations``, :func:`engine.deliverables.attach_locations`). A memo row of a failed check
cites them, counting tables, rows and paragraphs from 1; cells of one column of one table are named
together (表2第3、5行‘权重’栏). Without a reading there are no places and the citation is empty.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from engine.memos.marks import clean

if TYPE_CHECKING:
    from rules.memos import MemoData

__all__ = ["file_location"]

_SHORT = 24  # a paragraph is cited by its first words


def _paragraph_text(text: str) -> str:
    first = " ".join(clean(text).split()).split("。")[0]
    return first if len(first) <= _SHORT else f"{first[:_SHORT]}…"


def _places(wording: MemoData, locations: list[Mapping[str, Any]]) -> list[str]:
    cells: dict[tuple[int, str], list[int]] = {}
    order: list[tuple[str, Any]] = []
    for place in locations:
        if place.get("paragraph") is not None:
            text = _paragraph_text(str(place.get("text", "")))
            order.append(
                (
                    "p",
                    wording.phrase("file_place_paragraph", paragraph=str(place["paragraph"] + 1), text=text),
                )
            )
            continue
        key = (int(place.get("table", 0)), clean(place.get("header") or ""))
        if key not in cells:
            cells[key] = []
            order.append(("c", key))
        row = int(place.get("row", 0)) + 1
        if row not in cells[key]:
            cells[key].append(row)
    out = []
    for kind, value in order:
        if kind == "p":
            out.append(value)
        else:
            table, header = value
            rows = "、".join(str(r) for r in cells[value])
            out.append(wording.phrase("file_place_cells", table=str(table + 1), rows=rows, header=header))
    return out


def file_location(entry: Mapping[str, Any], wording: MemoData, node_label: Callable[[str], str]) -> str:
    """The citation of a failed check's places (``见…``), or ``""`` when it has none or did not fail."""
    locations = entry.get("locations")
    if entry.get("outcome") != "failed" or not isinstance(locations, list) or not locations:
        return ""
    # Imported here: only a decision that carries places (its case read from a file) needs it, so naming
    # the memo kinds (every CLI command does) never loads the deliverables package.
    from engine.deliverables.apply import CONCERNS  # noqa: PLC0415

    concern = CONCERNS.get(str(entry.get("rule")))
    if concern is None:
        return ""
    places = "；".join(_places(wording, locations))
    return wording.phrase("file_location", node=node_label(concern[0]), places=places)
