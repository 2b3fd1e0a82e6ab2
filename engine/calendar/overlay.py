"""The holiday overlay: PRC holiday arrangements of years the ``chinese_calendar`` package does not know.

One strict YAML file per year in ``rules/calendar/`` (format and checks: ``rules/calendar/README.md``); a
malformed file is a :class:`RulebookError` naming the file and the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import yaml
from chinese_calendar import constants as _cc

from engine.errors import RulebookError

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "PACKAGE_FIRST_YEAR",
    "PACKAGE_LAST_YEAR",
    "SATURDAY",
    "OverlayYear",
    "load_overlay",
    "load_overlay_file",
]

PACKAGE_FIRST_YEAR = min(_cc.holidays).year
"""The first year the installed ``chinese_calendar`` package covers."""
PACKAGE_LAST_YEAR = max(_cc.holidays).year
"""The last year the installed ``chinese_calendar`` package covers."""
SATURDAY = 5
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR_FILE = re.compile(r"(?P<year>\d{4})\.yaml")
_DOC_NUMBER = re.compile(r"\S+〔\d{4}〕\d+号")
_TOP_KEYS = ("year", "source", "holidays", "workdays")
_HOLIDAY_KEYS = ("date", "name")


@dataclass(frozen=True, slots=True)
class OverlayYear:
    """One year of holiday arrangements read from ``rules/calendar/<year>.yaml`` (FEE-02)."""

    year: int
    source: str
    holidays: Mapping[date, str]
    workdays: frozenset[date]
    path: Path

    def is_workday(self, day: date) -> bool:
        """Whether ``day`` (in this year) is a working day under this arrangement."""
        if day in self.workdays:
            return True
        return day.weekday() < SATURDAY and day not in self.holidays


# -- strict YAML: no duplicate keys, dates stay strings until checked ---------------------------------


class _StrictLoader(yaml.SafeLoader):
    """Safe loader that refuses duplicate keys and leaves dates as strings until they are checked."""


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


# -- overlay files --------------------------------------------------------------------------------------


def _parse_day(value: object, year: int, where: tuple[str, str]) -> date:
    """Parse an ISO ``YYYY-MM-DD`` string that must fall in ``year``."""
    path, key = where
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise RulebookError(path, key, f"expected an ISO date YYYY-MM-DD, got {value!r}")
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise RulebookError(path, key, f"not a calendar date: {value!r}") from None
    if day.year != year:
        raise RulebookError(path, key, f"{value} is outside the file's year {year}")
    return day


def _check_keys(mapping: object, allowed: tuple[str, ...], path: str, key: str) -> dict[str, Any]:
    if not isinstance(mapping, dict):
        raise RulebookError(path, key or "(top level)", f"expected a mapping with keys {', '.join(allowed)}")
    for name in mapping:
        if name not in allowed:
            raise RulebookError(path, f"{key}.{name}" if key else str(name), "unknown key")
    for name in allowed:
        if name not in mapping:
            raise RulebookError(path, f"{key}.{name}" if key else name, "missing key")
    return mapping


def _read_holidays(raw: object, year: int, path: str) -> dict[date, str]:
    if not isinstance(raw, list) or not raw:
        raise RulebookError(path, "holidays", "expected a non-empty list of {date, name}")
    holidays: dict[date, str] = {}
    for i, entry in enumerate(raw):
        item = _check_keys(entry, _HOLIDAY_KEYS, path, f"holidays[{i}]")
        day = _parse_day(item["date"], year, (path, f"holidays[{i}].date"))
        if day in holidays:
            raise RulebookError(path, f"holidays[{i}].date", f"{day} is listed twice")
        name = item["name"]
        if not isinstance(name, str) or not name.strip():
            raise RulebookError(path, f"holidays[{i}].name", "expected a non-empty holiday name")
        holidays[day] = name
    return holidays


def _read_workdays(raw: object, year: int, path: str, holidays: dict[date, str]) -> frozenset[date]:
    if not isinstance(raw, list):
        raise RulebookError(path, "workdays", "expected a list of ISO dates (may be empty)")
    workdays: set[date] = set()
    for i, value in enumerate(raw):
        key = f"workdays[{i}]"
        day = _parse_day(value, year, (path, key))
        if day in workdays:
            raise RulebookError(path, key, f"{day} is listed twice")
        if day in holidays:
            raise RulebookError(path, key, f"{day} is also listed under holidays")
        if day.weekday() < SATURDAY:
            raise RulebookError(path, key, f"{day} is a weekday; make-up working days fall on weekends")
        workdays.add(day)
    return frozenset(workdays)


def load_overlay_file(path: Path) -> OverlayYear:
    """Read and validate one overlay file ``<year>.yaml`` (FEE-02 calendar).

    Raises:
        RulebookError: the file is malformed; the error names the file and the key.
    """
    where = str(path)
    match = _YEAR_FILE.fullmatch(path.name)
    if match is None:
        raise RulebookError(where, "(file name)", "an overlay file is named <year>.yaml, e.g. 2027.yaml")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # noqa: S506 - safe subclass
    except yaml.YAMLError as exc:
        raise RulebookError(where, "(yaml)", str(exc)) from None
    top = _check_keys(data, _TOP_KEYS, where, "")
    year = top["year"]
    if type(year) is not int or year != int(match["year"]):
        raise RulebookError(where, "year", f"expected {match['year']} (the file name's year), got {year!r}")
    if PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR:
        raise RulebookError(where, "year", f"{year} is already covered by the chinese_calendar package")
    source = top["source"]
    if not isinstance(source, str) or not _DOC_NUMBER.fullmatch(source):
        expected = "a document number like 国办发明电〔2026〕1号"
        raise RulebookError(where, "source", f"expected {expected}, got {source!r}")
    holidays = _read_holidays(top["holidays"], year, where)
    workdays = _read_workdays(top["workdays"], year, where, holidays)
    return OverlayYear(
        year=year, source=source, holidays=MappingProxyType(holidays), workdays=workdays, path=path
    )


def load_overlay(directory: Path) -> dict[int, OverlayYear]:
    """Read every ``*.yaml`` file in ``directory`` (other files, e.g. README.md, are ignored).

    Raises:
        RulebookError: a file is malformed; the error names the file and the key.
    """
    years: dict[int, OverlayYear] = {}
    for path in sorted(directory.glob("*.yaml")):
        overlay = load_overlay_file(path)
        years[overlay.year] = overlay
    return years
