"""The catalogue's wording: blanks that name a parameter or a fact.

A rule's title, texts, citation notes and trace wording may write a number as a blank that names a
parameter path, ``{fees.grade_coefficients.良}`` or ``{fees.late_deduction.rate_per_working_day:percent}``:
it is filled when the snapshot of a version is made, so every text shows the numbers in force under that
version. The trace wording's other blanks, ``{member_count}``, name facts of the case and are filled for each
decision (``engine/trace.py``), through the printf-style text :func:`printf_style` makes.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Literal

Lang = Literal["zh", "en"]
_FORMATTER = string.Formatter()
_ZH_COUNTS = "一两三四五六七八九十"


def printf_style(text: str) -> tuple[str, list[str]]:
    """The wording with ``%s`` for each ``{blank}`` (and ``%%`` for ``%``), and the blanks in order.

    Wording without blanks comes back as it is (it is used without filling).

    Raises:
        ValueError: a blank with a format spec or conversion (``{x:>5}``, ``{x!r}``), which the
            catalogue does not use; or unbalanced braces.
    """
    parts, names = [], []
    for literal, name, spec, conversion in _FORMATTER.parse(text):
        parts.append(literal.replace("%", "%%"))
        if name is not None:
            if spec or conversion or not name:
                raise ValueError(f"the blank {{{name}}} in {text!r} is not a plain name")
            parts.append("%s")
            names.append(name)
    return ("".join(parts) if names else text), names


def blanks(text: str) -> list[str]:
    """The names of a wording's blanks, in order (parameter paths included)."""
    return [name for _, name, _, _ in _FORMATTER.parse(text) if name is not None]


def is_parameter_blank(name: str) -> bool:
    """A blank names a parameter when it is a dotted path (``panel.min_members``), else a fact."""
    return "." in name


def _plain(value: Any, lang: Lang, _params: Mapping[str, Any]) -> str:
    if isinstance(value, (bool, Mapping)):
        raise TypeError("names a mapping or a flag: name one of its keys, or use a format")
    if isinstance(value, (tuple, list)):
        if not all(isinstance(v, str) for v in value):
            raise TypeError("names a table: use the format bands")
        return ("、" if lang == "zh" else ", ").join(value)
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def _percent(value: Any, _lang: Lang, _params: Mapping[str, Any]) -> str:
    if not isinstance(value, Decimal):
        raise TypeError("the format percent needs a decimal share")
    return f"{(value * 100).normalize():f}%"


def _count(value: Any, lang: Lang, _params: Mapping[str, Any]) -> str:
    """A small count as Chinese writes it (三年, 两位, 一次); English and larger counts in digits."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("the format count needs a whole number")
    return _ZH_COUNTS[value - 1] if lang == "zh" and 1 <= value <= len(_ZH_COUNTS) else str(value)


def _bands_of(params: Mapping[str, Any]) -> list[tuple[str, Decimal, Decimal]]:
    """The grade bands, best grade first."""
    return sorted(params["assessment.grade_bands"], key=lambda band: band[1], reverse=True)


def _grades(value: Any, lang: Lang, params: Mapping[str, Any]) -> str:
    """A grade → number mapping in band order: 优1.00，良0.95，… (English: 优 1.00, 良 0.95, …)."""
    if not isinstance(value, Mapping):
        raise TypeError("the format grades needs a mapping of grade to number")
    order = [band[0] for band in _bands_of(params)]
    grades = [g for g in order if g in value] + [g for g in value if g not in order]
    if lang == "zh":
        return "，".join(f"{g}{_plain(value[g], lang, params)}" for g in grades)
    return ", ".join(f"{g} {_plain(value[g], lang, params)}" for g in grades)


def _bands(value: Any, lang: Lang, _params: Mapping[str, Any]) -> str:
    """Grade bands, best first: 优≥90，良≥80，中≥60，差<60 (English: 优 ≥ 90, …, 差 < 60)."""
    if not isinstance(value, tuple) or not all(isinstance(b, tuple) and len(b) == 3 for b in value):
        raise TypeError("the format bands needs grade bands")
    ordered = sorted(value, key=lambda band: band[1], reverse=True)
    gap = "" if lang == "zh" else " "
    parts = [f"{g}{gap}≥{gap}{low:f}" for g, low, _ in ordered[:-1]]
    last_grade, _, last_high = ordered[-1]
    parts.append(f"{last_grade}{gap}<{gap}{last_high:f}")
    return ("，" if lang == "zh" else ", ").join(parts)


FORMATS: dict[str, Callable[[Any, Lang, Mapping[str, Any]], str]] = {
    "": _plain,
    "percent": _percent,
    "count": _count,
    "grades": _grades,
    "bands": _bands,
}


def parameter_value(path: str, params: Mapping[str, Any]) -> Any:
    """The value a dotted path names: a parameter, or a key inside a mapping parameter.

    Raises:
        ValueError: no parameter (or key) of that name.
    """
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        name = ".".join(parts[:cut])
        if name in params:
            value = params[name]
            for key in parts[cut:]:
                if not isinstance(value, Mapping) or key not in value:
                    raise ValueError(f"names no key {key} of the parameter {name}")
                value = value[key]
            return value
    raise ValueError("names no parameter")


def fill_parameters(text: str, params: Mapping[str, Any], lang: Lang, *, facts_allowed: bool) -> str:
    """The text with every parameter blank filled for one version.

    With ``facts_allowed`` (trace wording) the fact blanks stay as they are, and the filled text keeps
    literal braces escaped, ready for :func:`printf_style`; otherwise every blank must name a parameter.

    Raises:
        ValueError: a message naming the first blank that names no parameter, uses an unknown format,
            shows a value its format cannot show, or (without ``facts_allowed``) names no parameter.
    """
    if "{" not in text and "}" not in text:
        return text
    out = []
    for literal, name, spec, conversion in _FORMATTER.parse(text):
        out.append(literal.replace("{", "{{").replace("}", "}}") if facts_allowed else literal)
        if name is None:
            continue
        if not is_parameter_blank(name):
            if not facts_allowed:
                raise ValueError(f"the blank {{{name}}} names no parameter (write a dotted path)")
            out.append(f"{{{name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}")
            continue
        shape = FORMATS.get(spec or "")
        if shape is None or conversion:
            raise ValueError(f"the blank {{{name}:{spec}}} uses an unknown format (known: {_known()})")
        try:
            value = parameter_value(name, params)
        except ValueError as exc:
            raise ValueError(f"the blank {{{name}}} {exc}") from None
        try:
            out.append(shape(value, lang, params))
        except TypeError as exc:
            raise ValueError(f"the blank {{{name}}}: {exc}") from None
    return "".join(out)


def _known() -> str:
    return ", ".join(name for name in FORMATS if name)
