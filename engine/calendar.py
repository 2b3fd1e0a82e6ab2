"""PRC working days and late working-day counts (rulebook §5 FEE-02).

Working days follow the PRC calendar: weekends off except the official make-up days (调休), statutory
holidays off (FEE-02). The years the ``chinese_calendar`` package knows come from it; later years come
from an overlay of YAML files, one per year, in ``rules/calendar/`` (format: ``rules/calendar/README.md``).
A year covered by neither is a gap: counting through it raises :class:`CalendarGapError`.

Each covered year is turned, on first use, into a prefix count of working days by day of the year, so a
count is a couple of subtractions (plus one per whole year spanned).
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import yaml
from chinese_calendar import constants as _cc

from engine.errors import KaopingError, RulebookError

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "DEFAULT_OVERLAY_DIR",
    "CalendarGapError",
    "OverlayYear",
    "WorkingDayCalendar",
    "default_calendar",
    "load_overlay",
    "load_overlay_file",
]

DEFAULT_OVERLAY_DIR = Path(__file__).resolve().parent.parent / "rules" / "calendar"
"""The repository's overlay directory, ``rules/calendar/``."""

_PACKAGE_FIRST_YEAR = min(_cc.holidays).year
_PACKAGE_LAST_YEAR = max(_cc.holidays).year
_SATURDAY = 5
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR_FILE = re.compile(r"(?P<year>\d{4})\.yaml")
_DOC_NUMBER = re.compile(r"\S+〔\d{4}〕\d+号")
_TOP_KEYS = ("year", "source", "holidays", "workdays")
_HOLIDAY_KEYS = ("date", "name")


class CalendarGapError(KaopingError):
    """The working-day calendar does not cover ``year`` (FEE-02: a late node there is bad input)."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"the working-day calendar does not cover {year}: add rules/calendar/{year}.yaml "
            "from the State Council holiday notice"
        )


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
        return day.weekday() < _SATURDAY and day not in self.holidays


# -- strict YAML: no duplicate keys, dates stay strings until checked ---------------------------------


class _StrictLoader(yaml.SafeLoader):
    """Safe loader that refuses duplicate keys and leaves dates as strings (style.md §6.6 item 8)."""


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
        if day.weekday() < _SATURDAY:
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
    if _PACKAGE_FIRST_YEAR <= year <= _PACKAGE_LAST_YEAR:
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


# -- the calendar ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _YearTable:
    """Working days by day of the year: ``prefix[i]`` counts them among the year's first ``i`` days.

    A date ``d`` of the year has index ``d.toordinal() - base`` (1 for 1 January).
    """

    base: int
    prefix: tuple[int, ...]


class WorkingDayCalendar:
    """PRC working days from ``chinese_calendar`` plus the ``rules/calendar`` overlay (rulebook FEE-02).

    Args:
        overlay_dir: directory of overlay files; ``None`` means ``rules/calendar/`` of the repository
            (a missing default directory is an empty overlay; a given directory must exist).

    Raises:
        RulebookError: an overlay file is malformed, or ``overlay_dir`` is not a directory.
    """

    def __init__(self, overlay_dir: Path | None = None) -> None:
        if overlay_dir is None:
            self._overlay = load_overlay(DEFAULT_OVERLAY_DIR) if DEFAULT_OVERLAY_DIR.is_dir() else {}
        elif overlay_dir.is_dir():
            self._overlay = load_overlay(overlay_dir)
        else:
            raise RulebookError(str(overlay_dir), "(directory)", "overlay directory not found")
        self._tables: dict[int, _YearTable] = {}
        self._lock = threading.Lock()

    @property
    def overlay(self) -> dict[int, OverlayYear]:
        """The overlay years, by year (a copy)."""
        return dict(self._overlay)

    def covers(self, year: int) -> bool:
        """Whether working days are known for ``year`` (FEE-02)."""
        return _PACKAGE_FIRST_YEAR <= year <= _PACKAGE_LAST_YEAR or year in self._overlay

    def is_workday(self, day: date) -> bool:
        """Whether ``day`` is a PRC working day (FEE-02).

        Raises:
            CalendarGapError: ``day.year`` is not covered.
        """
        table = self._table(day.year)
        i = day.toordinal() - table.base
        return table.prefix[i] != table.prefix[i - 1]

    def late_working_days(self, deadline: date, submitted_on: date) -> int:
        """Working days ``d`` with ``deadline < d <= submitted_on`` (rulebook FEE-02).

        Returns 0 when ``submitted_on <= deadline`` without consulting the calendar.

        Raises:
            CalendarGapError: a year holding one of those days is not covered.
        """
        if submitted_on <= deadline:
            return 0
        if deadline.year == submitted_on.year:
            table = self._table(deadline.year)
            before = table.prefix[deadline.toordinal() - table.base]
            return table.prefix[submitted_on.toordinal() - table.base] - before
        total = 0
        if (deadline.month, deadline.day) != (12, 31):  # else nothing of the deadline's year counts
            head = self._table(deadline.year)
            total = head.prefix[-1] - head.prefix[deadline.toordinal() - head.base]
        for year in range(deadline.year + 1, submitted_on.year):
            total += self._table(year).prefix[-1]
        tail = self._table(submitted_on.year)
        return total + tail.prefix[submitted_on.toordinal() - tail.base]

    def _table(self, year: int) -> _YearTable:
        table = self._tables.get(year)
        if table is None:
            table = self._build(year)
        return table

    def _build(self, year: int) -> _YearTable:
        with self._lock:
            table = self._tables.get(year)
            if table is not None:
                return table
            if not self.covers(year):
                raise CalendarGapError(year)
            base = date(year, 1, 1).toordinal() - 1
            days = [date.fromordinal(n) for n in range(base + 1, date(year, 12, 31).toordinal() + 1)]
            overlay = self._overlay.get(year)
            is_workday = overlay.is_workday if overlay else _package_is_workday
            flags = [is_workday(d) for d in days]
            table = _YearTable(base=base, prefix=(0, *accumulate(int(f) for f in flags)))
            self._tables[year] = table
            return table


def _package_is_workday(day: date) -> bool:
    """``chinese_calendar.is_workday`` without its per-call range check (same rule, same data)."""
    return day in _cc.workdays or (day.weekday() < _SATURDAY and day not in _cc.holidays)


@functools.cache
def default_calendar() -> WorkingDayCalendar:
    """The process-wide calendar over ``rules/calendar/`` (FEE-02), built once on first use."""
    return WorkingDayCalendar()
