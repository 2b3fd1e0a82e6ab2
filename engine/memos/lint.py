"""Check a memo template the office edited in Word before it is ever rendered.

Each part docxtpl renders (body, headers, footers, footnotes, core properties) is cleaned up as docxtpl
does and its Jinja checked against the template's field contract (:mod:`engine.memos.checker`, in the
same sandboxed environment as rendering); then the template must use every field its contract requires.
The office may edit everything else (wording, formatting, layout) in Word.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from engine.memos.checker import check_source
from engine.memos.errors import Problem
from engine.memos.fields import TEMPLATE_FIELDS, Field
from engine.memos.sandbox import DocxTemplate

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["check_source", "check_template"]

_NOTES_TYPES = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml",
)


def _sources(data: bytes) -> list[tuple[str, str]]:
    """(where, Jinja source) of every part docxtpl renders, after its tag clean-up."""
    template = DocxTemplate(io.BytesIO(data))
    document = template.get_docx()
    out = [("body", template.patch_xml(template.get_xml()))]
    for uri, name in ((template.HEADER_URI, "header"), (template.FOOTER_URI, "footer")):
        for rel_id, part in template.get_headers_footers(uri):
            out.append((f"{name} {rel_id}", template.patch_xml(template.get_part_xml(part))))
    out.extend(
        (str(part.partname), template.patch_xml(part.blob.decode("utf-8")))
        for part in document.part.package.parts
        if part.content_type in _NOTES_TYPES
    )
    props = document.core_properties
    for name in ("author", "comments", "identifier", "language", "subject", "title"):
        value = getattr(props, name)
        if value:
            out.append((f"core property {name}", value))
    return out


def check_template(path: Path | str, *, stem: str | None = None, data: bytes | None = None) -> list[Problem]:
    """Every problem of a memo template (.docx); an empty list means it may be used.

    A template may be edited freely outside its fields (text, formatting, layout), but it must use the
    fields its contract marks as required (the findings, statuses, figures and their footnote marks) and
    no others.

    Args:
        path: the template file.
        stem: which contract to check against (``eligibility``, ``review``, ``fee``, ``referral``);
            by default the file name without ``.docx``.
        data: the file's bytes, if already read.

    Returns:
        One readable message per problem, naming the part and the text near it.
    """
    path = Path(path)
    stem = stem or path.stem
    fields = TEMPLATE_FIELDS.get(stem)
    if fields is None:
        return [f"{path.name}: unknown template name {stem!r}; expected one of {', '.join(TEMPLATE_FIELDS)}"]
    try:
        raw = data if data is not None else path.read_bytes()
        sources = _sources(raw)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        return [f"{path.name}: not a readable .docx file: {exc}"]
    problems: list[Problem] = []
    used: set[str] = set()
    for where, source in sources:
        problems += check_source(source, fields, f"{path.name}, {where}", body=where == "body", used=used)
    if not any(isinstance(p, str) and "Jinja syntax error" in p for p in problems):
        problems += [
            f"{path.name}: the required field {name!r} is not used ({doc})"
            for name, doc in _missing(fields, used)
        ]
    return problems


def _missing(fields: Mapping[str, Field], used: set[str]) -> list[tuple[str, str]]:
    """The required fields a template does not use (a used list's required row fields included)."""
    missing = [(name, spec.doc) for name, spec in fields.items() if spec.required and name not in used]
    for name, spec in fields.items():
        if spec.row is None or name not in used:
            continue
        missing += [
            (f"{name}[].{sub}", row.doc)
            for sub, row in spec.row.items()
            if row.required and f"{name}[].{sub}" not in used
        ]
    return missing
