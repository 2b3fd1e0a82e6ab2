"""PRC working days and late working-day counts (rulebook §5 FEE-02).

Working days follow the PRC calendar: weekends off except the official make-up days (调休), statutory
holidays off (FEE-02). The years the ``chinese_calendar`` package knows come from it; later years come
from an overlay of YAML files, one per year, in ``rules/calendar/`` (:mod:`engine.calendar.overlay`).
A year covered by neither is a gap: counting through it raises :class:`CalendarGapError`.

Each covered year is turned, on first use, into a prefix count of working days by day of the year, so a
count is a couple of subtractions (plus one per whole year spanned).
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from pathlib import Path

from chinese_calendar import constants as _cc

from engine.calendar.overlay import (
    PACKAGE_FIRST_YEAR,
    PACKAGE_LAST_YEAR,
    SATURDAY,
    OverlayYear,
    load_overlay,
    load_overlay_file,
)
from engine.errors import KaopingError, RulebookError
from rules import RULES_DIR

__all__ = [
    "DEFAULT_OVERLAY_DIR",
    "CalendarGapError",
    "OverlayYear",
    "WorkingDayCalendar",
    "default_calendar",
    "load_overlay",
    "load_overlay_file",
]

DEFAULT_OVERLAY_DIR = RULES_DIR / "calendar"
"""The repository's overlay directory, ``rules/calendar/``."""


class CalendarGapError(KaopingError):
    """The working-day calendar does not cover ``year`` (FEE-02: a late node there is bad input)."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"the working-day calendar does not cover {year}: add rules/calendar/{year}.yaml "
            "from the State Council holiday notice"
        )


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
        return PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR or year in self._overlay

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
    return day in _cc.workdays or (day.weekday() < SATURDAY and day not in _cc.holidays)


@functools.cache
def default_calendar() -> WorkingDayCalendar:
    """The process-wide calendar over ``rules/calendar/`` (FEE-02), built once on first use."""
    return WorkingDayCalendar()
