"""A form's fields as the template draws them: ids, names, labels, values, choices, rows.

Labels come from the vocabulary by the field's contract path (indices left out); a drop-down's choices
are its code list's codes with their labels. Each list shows the rows it holds and one blank row (more
with the form's "再加一行" button), so nothing needs JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from api.web.forms.spec import Input, Repeat, Section, Values, dom_id, join
from api.web.pages import codes
from api.web.pages import field as field_label


@dataclass
class FieldView:
    """One control."""

    id: str
    name: str
    label: str
    kind: str
    hint_key: str
    value: str = ""
    chosen: list[str] = field(default_factory=list)
    options: list[tuple[str, str]] = field(default_factory=list)
    width: str = "w-20"
    optional: bool = False
    is_repeat: bool = False


@dataclass
class RepeatView:
    """A list of rows."""

    id: str
    name: str
    label: str
    rows: list[list[FieldView | RepeatView]]
    is_repeat: bool = True


@dataclass
class SectionView:
    """A fieldset."""

    id: str
    name: str
    label: str
    items: list[FieldView | RepeatView]
    optional: bool
    present: bool


def _label_path(prefix: str, path: str) -> str:
    return join(prefix, path)


def _items(
    items: tuple[Input | Repeat, ...], values: Values, name_prefix: str, label_prefix: str
) -> list[FieldView | RepeatView]:
    out: list[FieldView | RepeatView] = []
    for item in items:
        name = join(name_prefix, item.path)
        labelled = item.label_path or _label_path(label_prefix, item.path)
        if isinstance(item, Repeat):
            count = max(values.rows.get(name, 1), 1)
            rows = [_items(item.inputs, values, join(name, index), labelled) for index in range(count)]
            out.append(RepeatView(id=dom_id(name), name=name, label=field_label(labelled), rows=rows))
            continue
        out.append(
            FieldView(
                id=dom_id(name),
                name=name,
                label=field_label(labelled),
                kind=item.kind,
                hint_key=labelled if labelled in _SPECIAL_HINTS else item.kind,
                value=values.text(name),
                chosen=values.chosen(name) if item.kind == "multi" else [],
                options=codes(item.codes) if item.codes else [],
                width=item.width,
                optional=item.optional,
            )
        )
    return out


_SPECIAL_HINTS = frozenset(
    {
        "case_id",
        "agency.credit_code",
        "panel.members.id",
        "plan.indicators.level1",
        "plan.indicators.standard",
        "commission.procurement.order_no",
    }
)
"""Fields whose hint is their own (the template's hints by path); the others are hinted by their kind."""


def sections_view(
    sections: tuple[Section, ...],
    values: Values,
    top: tuple[Input | Repeat, ...] = (),
    label_prefix: str = "",
) -> tuple[list[FieldView | RepeatView], list[SectionView]]:
    """The top-level fields and the sections of a form, ready for the template."""
    head = _items(top, values, "", label_prefix)
    out = []
    for section in sections:
        name = section.path
        labelled = section.label_path or _label_path(label_prefix, section.path)
        out.append(
            SectionView(
                id=dom_id(name) if name else "record",
                name=name,
                label=field_label(labelled) if labelled else "",
                items=_items(section.items, values, name, labelled),
                optional=section.optional,
                present=values.text(join(name, "present")) == "true",
            )
        )
    return head, out


def row_counts(values: Values, posted: dict[str, Any]) -> None:
    """Take the posted ``rows.<name>`` counts into ``values`` (each at least 1, at most 200)."""
    for key, raw in posted.items():
        if key.startswith("rows.") and isinstance(raw, str) and raw.isdigit():
            values.rows[key.removeprefix("rows.")] = min(max(int(raw), 1), 200)


def control_ids(head: list[FieldView | RepeatView], sections: list[SectionView]) -> set[str]:
    """Every control's id (where an error may point)."""
    found: set[str] = set()

    def walk(items: list[FieldView | RepeatView]) -> None:
        for item in items:
            found.add(item.id)
            if isinstance(item, RepeatView):
                for row in item.rows:
                    walk(row)

    walk(head)
    for section in sections:
        found.add(section.id)
        walk(section.items)
    return found
