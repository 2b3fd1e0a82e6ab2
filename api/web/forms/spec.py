"""A form described by its fields: labels from the vocabulary, values as typed, a body built from them.

A form is a tuple of :class:`Section` in the order of the contract. A section holds :class:`Input`
(one field) and :class:`Repeat` (a list of rows, e.g. ``agency.designated_list``; a row may hold its
own repeat, e.g. a member's ties). Field names are dotted paths with row indices
(``panel.members.0.ties.1.org``); ids replace the dots by ``-``. Values travel as typed (strings, and
lists of strings for multiple choices) between the browser and :func:`build`, which turns them into the
JSON body the store validates: numbers stay decimal strings (the contract reads them exactly), whole
numbers become integers, a checkbox ``true`` or ``false``; blank optional fields and blank rows are left
out; a blank required field is left out too, so the contract's own check names it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["text", "date", "money", "number", "int", "select", "multi", "bool", "lines"]


@dataclass(frozen=True)
class Input:
    """One field: its path below its section or row, what kind of value it takes, its drop-down list."""

    path: str
    kind: Kind = "text"
    codes: str | None = None
    width: str = "w-20"
    optional: bool = False
    label_path: str | None = None
    """The vocabulary path of its label when it is not the field's own (a registry form's fields)."""


@dataclass(frozen=True)
class Repeat:
    """A list of rows of fields (each row a JSON object)."""

    path: str
    inputs: tuple[Input | Repeat, ...]
    label_path: str | None = None


@dataclass(frozen=True)
class Section:
    """A part of the form (a fieldset): a top-level object of the body, maybe optional (a node)."""

    path: str
    items: tuple[Input | Repeat, ...]
    optional: bool = False
    """An optional part (panel, plan, draft): a checkbox ``<path>.present`` says whether it is there."""
    label_path: str | None = None


@dataclass
class Values:
    """What a form holds: values by field name, and how many rows each repeat shows."""

    fields: dict[str, Any] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)

    def text(self, name: str) -> str:
        """A field's value as text."""
        value = self.fields.get(name, "")
        return value if isinstance(value, str) else ""

    def chosen(self, name: str) -> list[str]:
        """A multiple choice's codes."""
        value = self.fields.get(name, [])
        return [value] if isinstance(value, str) and value else list(value) if isinstance(value, list) else []


def dom_id(name: str) -> str:
    """The id of the control of a field name (``agency.kind`` → ``agency-kind``)."""
    return name.replace(".", "-")


def join(*parts: str | int) -> str:
    """A dotted name of parts (empty parts left out)."""
    return ".".join(str(p) for p in parts if p != "")


# ---------------------------------------------------------------- from a stored body to values


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _flatten_items(items: tuple[Input | Repeat, ...], data: dict[str, Any], prefix: str, out: Values) -> None:
    for item in items:
        name = join(prefix, item.path)
        value = _get(data, item.path)
        if isinstance(item, Repeat):
            rows = value if isinstance(value, list) else []
            out.rows[name] = len(rows) + 1
            for index, row in enumerate(rows):
                if isinstance(row, dict):
                    _flatten_items(item.inputs, row, join(name, index), out)
        elif item.kind == "multi":
            out.fields[name] = [str(v) for v in value] if isinstance(value, list) else []
        elif item.kind == "lines":
            out.fields[name] = "\n".join(str(v) for v in value) if isinstance(value, list) else ""
        else:
            out.fields[name] = _scalar(value)


def _get(data: dict[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def flatten(
    sections: tuple[Section, ...], body: dict[str, Any], top: tuple[Input | Repeat, ...] = ()
) -> Values:
    """The form's values of a stored body (a blank row after each list's rows)."""
    out = Values()
    _flatten_items(top, body, "", out)
    for section in sections:
        part = body.get(section.path)
        if section.optional:
            out.fields[join(section.path, "present")] = "true" if isinstance(part, dict) else ""
        _flatten_items(section.items, part if isinstance(part, dict) else {}, section.path, out)
    return out


# ---------------------------------------------------------------- from posted values to a body


def _typed(item: Input, raw: Any) -> tuple[bool, Any]:
    """Whether the field is given, and its JSON value."""
    if item.kind == "multi":
        chosen = [raw] if isinstance(raw, str) and raw else list(raw) if isinstance(raw, list) else []
        return True, chosen
    text = raw.strip() if isinstance(raw, str) else ""
    if item.kind == "bool":
        return True, text == "true"
    if item.kind == "lines":
        return True, [line.strip() for line in text.splitlines() if line.strip()]
    if not text:
        return False, None
    if item.kind == "int" and text.isdigit():
        return True, int(text)
    return True, text


def _row_given(items: tuple[Input | Repeat, ...], values: Values, prefix: str) -> bool:
    """Whether anything was typed into a row (checkboxes and choices alone do not count)."""
    for item in items:
        name = join(prefix, item.path)
        if isinstance(item, Repeat):
            if any(_row_given(item.inputs, values, join(name, i)) for i in range(values.rows.get(name, 0))):
                return True
        elif item.kind not in {"bool", "multi"} and values.text(name).strip():
            return True
    return False


def _build_items(items: tuple[Input | Repeat, ...], values: Values, prefix: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        name = join(prefix, item.path)
        if isinstance(item, Repeat):
            rows = [
                _build_items(item.inputs, values, join(name, index))
                for index in range(values.rows.get(name, 0))
                if _row_given(item.inputs, values, join(name, index))
            ]
            _put(out, item.path, rows)
            continue
        given, value = _typed(item, values.fields.get(name))
        if given and not (item.optional and value in ("", [], None)):
            _put(out, item.path, value)
    return out


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        data = data.setdefault(part, {})
    data[parts[-1]] = value


def build(
    sections: tuple[Section, ...], values: Values, top: tuple[Input | Repeat, ...] = ()
) -> dict[str, Any]:
    """The JSON body of posted values (optional sections only when their ``present`` box is ticked)."""
    body = _build_items(top, values, "")
    for section in sections:
        if section.optional and values.text(join(section.path, "present")) != "true":
            continue
        body[section.path] = _build_items(section.items, values, section.path)
    return body


def renumber(values: Values, posted_rows: dict[str, int]) -> None:
    """Row counts as posted (at least one row per list)."""
    for name, count in posted_rows.items():
        values.rows[name] = max(count, 1)
