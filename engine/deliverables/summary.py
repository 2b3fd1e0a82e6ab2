"""A reading in a few lines for a person: sections found, indicators read, what is unread, warnings.

The CLI prints it on stderr beside the JSON reading; every term comes from the vocabulary and every
sentence from ``rules/messages.yaml``.
"""

from __future__ import annotations

from engine.deliverables.model import Reading
from engine.deliverables.words import SECTION_LISTS
from rules import load_rulebook
from rules.messages import Lang, message

_LISTS = {"plan": "indicators", "draft": "indicator_scores"}
_SEPARATOR = {"zh": "、", "en": ", "}


def summary(reading: Reading, lang: Lang = "zh") -> list[str]:
    """The reading's summary, one line each."""
    vocabulary = load_rulebook().vocabulary
    node = reading.node
    sep = _SEPARATOR[lang]
    lines = [
        message(
            "deliverable.summary_file",
            lang,
            name=reading.file.name,
            node=vocabulary.label("node", node, lang),
        )
    ]
    sections = [
        message(
            "deliverable.summary_section",
            lang,
            section=vocabulary.label(SECTION_LISTS[node], code, lang),
            place=reading.locations[f"sections.{code}"].place(lang),
            text=reading.locations[f"sections.{code}"].text.strip(),
        )
        for code in reading.fields.get("sections", [])
    ]
    lines.append(message("deliverable.summary_sections", lang, sections=sep.join(sections) or "—"))
    if reading.ignored_headings:
        ignored = [
            message("deliverable.summary_heading", lang, place=loc.place(lang), text=loc.text.strip())
            for loc in reading.ignored_headings
        ]
        lines.append(message("deliverable.summary_ignored", lang, headings=sep.join(ignored)))
    items = reading.fields.get(_LISTS[node])
    if items is not None:
        field = vocabulary.field_label([node, _LISTS[node]], lang) or _LISTS[node]
        lines.append(message("deliverable.summary_list", lang, field=field, count=len(items)))
    lines += [
        message(
            "deliverable.summary_value",
            lang,
            field=vocabulary.field_label([node, name], lang) or name,
            value=reading.fields[name],
            place=reading.locations[name].place(lang),
        )
        for name in ("reported_total", "reported_grade")
        if name in reading.fields
    ]
    unread = [vocabulary.field_label([node, name], lang) or name for name in reading.unread]
    if unread:
        lines.append(message("deliverable.summary_unread", lang, fields=sep.join(unread)))
    lines += [message("deliverable.summary_warning", lang, text=w.text(lang)) for w in reading.warnings]
    return lines
