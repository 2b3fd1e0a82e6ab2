"""Read a deliverable: bytes in, the contract's reading out."""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import PureWindowsPath
from typing import Any

from engine.deliverables import draft, plan
from engine.deliverables.body import Block, walk
from engine.deliverables.convert import convert_to_docx
from engine.deliverables.files import Converter, open_docx, prepare
from engine.deliverables.model import FileInfo, Node, Reading
from engine.deliverables.sections import read_sections
from engine.deliverables.styles import Styles
from engine.deliverables.words import words

_NAME_CHARS = 255


def file_name(name: str) -> str:
    """The name a file was received under, as a reading shows it.

    Its last path part, without control or format characters, at most 255 characters.
    """
    last = PureWindowsPath(name).name  # splits on both / and \\
    shown = "".join(c for c in last if unicodedata.category(c) not in {"Cc", "Cf"}).strip()
    return shown[:_NAME_CHARS] or "-"


def read_blocks(blocks: list[Block], node: Node, file: FileInfo) -> Reading:
    """The reading of a document already walked into blocks."""
    vocabulary_words = words()
    sections = read_sections(blocks, node, vocabulary_words)
    reader = plan.read_plan if node == "plan" else draft.read_draft
    found = reader(blocks, sections, vocabulary_words)
    return Reading(
        node=node,
        file=file,
        fields=found.fields,
        locations=found.locations,
        unread=found.unread,
        warnings=found.warnings,
        ignored_headings=sections.ignored,
    )


def document_blocks(document: Any) -> list[Block]:
    """A python-docx Document's body as blocks (a file without styles gets python-docx's defaults)."""
    return walk(document.element.body, Styles(document.styles.element))


def read_deliverable(data: bytes, *, name: str, node: Node, convert: Converter = convert_to_docx) -> Reading:
    """The reading of a plan or draft report received as ``data`` under the file name ``name``.

    Raises:
        OfficeFileError: the Office guard refuses the file (``.status`` 413 when too large, else 422).
        DeliverableError: a PDF, another format, a .doc/.wps that cannot be converted, a file python-docx
            cannot open (``.status`` 422, 503 when LibreOffice is missing).
    """
    info = FileInfo(name=file_name(name), sha256=hashlib.sha256(data).hexdigest(), bytes=len(data))
    document = open_docx(prepare(data, name, convert=convert))
    return read_blocks(document_blocks(document), node, info)
