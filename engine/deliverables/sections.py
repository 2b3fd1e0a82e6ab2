"""The sections of a deliverable: the recognised headings in document order, each section once.

Besides ``sections`` and their locations, the reading says which section each paragraph stands in (the
draft's statements of its total are weighed by it) and lists the heading-like paragraphs that head no
known section.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.deliverables.body import Block, Paragraph
from engine.deliverables.headings import HeadingReader
from engine.deliverables.model import Location
from engine.deliverables.words import Node, Words


@dataclass
class Sections:
    """The sections read: codes in order with the location of their heading, and what else was seen."""

    codes: list[str] = field(default_factory=list)
    locations: dict[str, Location] = field(default_factory=dict)
    ignored: list[Location] = field(default_factory=list)
    section_of: dict[int, str | None] = field(default_factory=dict)
    """Paragraph index → the code of the section it stands in (None before the first)."""
    skipped: set[int] = field(default_factory=set)
    """Paragraphs of a table of contents."""


def read_sections(blocks: list[Block], node: Node, words: Words) -> Sections:
    """Every recognised heading of the body, in order; a section's first heading is its location."""
    out = Sections()
    reader = HeadingReader(node, words)
    current: str | None = None
    for block in blocks:
        if not isinstance(block, Paragraph):
            continue
        match = reader.read(block)
        if match is None:
            if block.text.strip():
                out.skipped.add(block.index)
            out.section_of[block.index] = current
            continue
        if match.code is not None:
            current = match.code
            if match.code not in out.locations:
                out.codes.append(match.code)
                out.locations[match.code] = Location(text=block.text, paragraph=block.index)
        elif match.heading_like:
            out.ignored.append(Location(text=block.text, paragraph=block.index))
        out.section_of[block.index] = current
    return out
