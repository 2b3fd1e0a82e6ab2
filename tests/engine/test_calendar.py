"""PRC working days and late working-day counts (rulebook §5 FEE-02)."""

from __future__ import annotations

import random
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import chinese_calendar
import pytest
import yaml

from engine.calendar import (
    DEFAULT_OVERLAY_DIR,
    CalendarGapError,
    WorkingDayCalendar,
    default_calendar,
)
from engine.errors import KaopingError, RulebookError

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "calendar_cases.yaml").read_text(encoding="utf-8")
)
FIRST_YEAR = min(chinese_calendar.constants.holidays).year
LAST_YEAR = max(chinese_calendar.constants.holidays).year
UNCOVERED = LAST_YEAR + 1  # the first year the package does not know


def brute_count(deadline: date, submitted_on: date) -> int:
    """Day-by-day count with chinese_calendar.is_workday: the definition of FEE-02."""
    days = (submitted_on - deadline).days
    return sum(chinese_calendar.is_workday(deadline + timedelta(k)) for k in range(1, days + 1))


@pytest.fixture
def empty_dir(tmp_path: Path) -> Path:
    overlay = tmp_path / "calendar"
    overlay.mkdir()
    return overlay


@pytest.fixture
def calendar(empty_dir: Path) -> WorkingDayCalendar:
    return WorkingDayCalendar(empty_dir)


# -- the table ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_late_working_days_table(case: dict[str, Any]) -> None:
    """Each case in calendar_cases.yaml gives its expected count, which is also the day-by-day count."""
    deadline = date.fromisoformat(case["deadline"])
    submitted_on = date.fromisoformat(case["submitted_on"])

    assert case["expected"] == default_calendar().late_working_days(deadline, submitted_on)
    assert case["expected"] == brute_count(deadline, submitted_on)


def test_calendar_cases_are_well_formed() -> None:
    """Every calendar case has exactly a name sentence, two ISO dates and a count."""
    for case in CASES:
        assert {"name", "deadline", "submitted_on", "expected"} == set(case)
        assert case["name"].endswith(".")


# -- against chinese_calendar, day by day ------------------------------------------------------------------


def test_is_workday_matches_the_package_on_every_covered_day(calendar: WorkingDayCalendar) -> None:
    """is_workday agrees with chinese_calendar.is_workday on every day the package covers."""
    day = date(FIRST_YEAR, 1, 1)
    while day.year <= LAST_YEAR:
        assert chinese_calendar.is_workday(day) == calendar.is_workday(day), day
        day += timedelta(days=1)


def test_late_working_days_matches_a_day_by_day_count(calendar: WorkingDayCalendar) -> None:
    """Seeded random date pairs in 2021-2026 (many across years) agree with a day-by-day count."""
    start, end = date(2021, 1, 1), date(2026, 12, 31)
    workday = {}
    day = start - timedelta(days=1)
    while day <= end:
        workday[day] = chinese_calendar.is_workday(day)
        day += timedelta(days=1)
    rng = random.Random(20240415)
    span = (end - start).days
    for i in range(3_000):
        deadline = start + timedelta(days=rng.randrange(span + 1))
        reach = 40 if i % 3 else 800  # mostly short delays, some spanning years
        submitted_on = min(end, deadline + timedelta(days=rng.randrange(-10, reach)))
        expected = sum(workday[deadline + timedelta(k)] for k in range(1, (submitted_on - deadline).days + 1))
        assert expected == calendar.late_working_days(deadline, submitted_on), (deadline, submitted_on)


def test_full_years_count_every_working_day(calendar: WorkingDayCalendar) -> None:
    """From 31 December to 31 December counts every working day of the year (2024 had 251)."""
    assert calendar.late_working_days(date(2023, 12, 31), date(2024, 12, 31)) == 251
    for year in range(FIRST_YEAR + 1, LAST_YEAR + 1):
        expected = brute_count(date(year - 1, 12, 31), date(year, 12, 31))
        assert expected == calendar.late_working_days(date(year - 1, 12, 31), date(year, 12, 31))


# -- coverage and gaps -------------------------------------------------------------------------------------


def test_covers_the_package_years_only(calendar: WorkingDayCalendar) -> None:
    """Without overlay files the calendar covers exactly the chinese_calendar years."""
    assert calendar.covers(FIRST_YEAR)
    assert calendar.covers(LAST_YEAR)
    assert not calendar.covers(FIRST_YEAR - 1)
    assert not calendar.covers(UNCOVERED)


def test_uncovered_year_raises_a_gap_error(calendar: WorkingDayCalendar) -> None:
    """A late count that needs an uncovered year raises CalendarGapError naming the year."""
    with pytest.raises(CalendarGapError) as caught:
        calendar.late_working_days(date(LAST_YEAR, 12, 30), date(UNCOVERED, 1, 4))
    assert caught.value.year == UNCOVERED
    assert isinstance(caught.value, KaopingError)
    assert str(UNCOVERED) in str(caught.value)

    with pytest.raises(CalendarGapError):
        calendar.late_working_days(date(LAST_YEAR, 12, 31), date(UNCOVERED, 1, 4))
    with pytest.raises(CalendarGapError):
        calendar.late_working_days(date(UNCOVERED, 3, 1), date(UNCOVERED, 3, 9))
    with pytest.raises(CalendarGapError):
        calendar.late_working_days(date(FIRST_YEAR - 1, 12, 1), date(FIRST_YEAR, 1, 9))
    with pytest.raises(CalendarGapError):
        calendar.is_workday(date(UNCOVERED, 6, 1))


def test_on_time_in_an_uncovered_year_needs_no_calendar(calendar: WorkingDayCalendar) -> None:
    """A node on or before its deadline counts 0 even in a year the calendar does not cover."""
    assert calendar.late_working_days(date(UNCOVERED, 5, 5), date(UNCOVERED, 5, 5)) == 0
    assert calendar.late_working_days(date(UNCOVERED, 5, 5), date(UNCOVERED, 5, 1)) == 0
    assert calendar.late_working_days(date(2099, 1, 1), date(1999, 1, 1)) == 0


def test_deadline_on_the_last_day_of_an_uncovered_year_only_needs_the_next(
    calendar: WorkingDayCalendar,
) -> None:
    """Only the days after the deadline are looked up: 31 December of an uncovered year is not needed."""
    expected = brute_count(date(FIRST_YEAR - 1, 12, 31), date(FIRST_YEAR, 1, 9))

    assert expected == calendar.late_working_days(date(FIRST_YEAR - 1, 12, 31), date(FIRST_YEAR, 1, 9))


# -- overlay files -----------------------------------------------------------------------------------------

# A made-up arrangement for the first uncovered year: test data only, not the real notice.
VALID = f"""\
year: {UNCOVERED}
source: 国办发明电〔{LAST_YEAR}〕99号
holidays:
  - {{date: "{UNCOVERED}-01-01", name: 元旦}}
  - {{date: {UNCOVERED}-05-03, name: 劳动节}}
workdays:
  - "{UNCOVERED}-05-08"
"""


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _valid_text() -> str:
    """VALID with the make-up day moved to a real weekend day of the uncovered year."""
    saturday = _weekday_on_or_after(date(UNCOVERED, 5, 8), 5)
    weekday = _weekday_on_or_after(date(UNCOVERED, 5, 3), 0)  # a Monday
    return VALID.replace(f"{UNCOVERED}-05-08", saturday.isoformat()).replace(
        f"{UNCOVERED}-05-03", weekday.isoformat()
    )


def test_overlay_adds_a_year(empty_dir: Path) -> None:
    """A valid <year>.yaml makes its year count: listed holidays off, listed make-up days on."""
    (empty_dir / f"{UNCOVERED}.yaml").write_text(_valid_text(), encoding="utf-8")
    (empty_dir / "README.md").write_text("ignored", encoding="utf-8")
    calendar = WorkingDayCalendar(empty_dir)
    overlay = calendar.overlay[UNCOVERED]
    new_year = date(UNCOVERED, 1, 1)
    saturday = next(iter(overlay.workdays))
    monday_off = next(d for d in overlay.holidays if d != new_year)

    assert calendar.covers(UNCOVERED)
    assert not calendar.covers(UNCOVERED + 1)
    assert f"国办发明电〔{LAST_YEAR}〕99号" == overlay.source
    assert not calendar.is_workday(new_year)
    assert not calendar.is_workday(monday_off)
    assert calendar.is_workday(saturday)
    assert not calendar.is_workday(saturday + timedelta(days=1))  # the Sunday after
    assert calendar.is_workday(monday_off + timedelta(days=1))
    assert calendar.late_working_days(monday_off - timedelta(days=1), monday_off + timedelta(days=1)) == 1
    plain_weekdays = sum(
        1 for k in range(365 + (UNCOVERED % 4 == 0)) if (new_year + timedelta(k)).weekday() < 5
    )
    weekday_holidays = sum(1 for d in overlay.holidays if d.weekday() < 5)
    assert plain_weekdays - weekday_holidays + len(overlay.workdays) == calendar.late_working_days(
        date(UNCOVERED - 1, 12, 31), date(UNCOVERED, 12, 31)
    )
    across = brute_count(date(LAST_YEAR, 12, 20), date(LAST_YEAR, 12, 31))
    first_workday = _weekday_on_or_after(date(UNCOVERED, 1, 2), 0)
    head = sum(1 for k in range(2, first_workday.day + 1) if date(UNCOVERED, 1, k).weekday() < 5)
    assert across + head == calendar.late_working_days(date(LAST_YEAR, 12, 20), first_workday)


def test_default_overlay_dir_is_the_repository_rules_calendar() -> None:
    """The default overlay is rules/calendar/ of this repository, and it loads."""
    assert Path(__file__).resolve().parents[2] / "rules" / "calendar" == DEFAULT_OVERLAY_DIR
    assert default_calendar() is default_calendar()
    assert default_calendar().covers(2024)


def test_missing_overlay_directory_is_refused(tmp_path: Path) -> None:
    """An overlay directory that was asked for must exist."""
    with pytest.raises(RulebookError, match="not found"):
        WorkingDayCalendar(tmp_path / "nowhere")


BAD_FILES = [
    ("unknown top-level key", lambda t: t + "notes: hi\n", "notes"),
    ("missing workdays", lambda t: t.split("workdays:")[0], "workdays"),
    ("year differs from the file name", lambda t: t.replace(f"year: {UNCOVERED}", "year: 2099"), "year"),
    ("year as a string", lambda t: t.replace(f"year: {UNCOVERED}", f'year: "{UNCOVERED}"'), "year"),
    (
        "source not a document number",
        lambda t: t.replace("国办发明电", "国务院通知 ").replace("〔", "("),
        "source",
    ),
    ("holidays empty", lambda t: t.split("holidays:")[0] + "holidays: []\nworkdays: []\n", "holidays"),
    (
        "holiday outside the year",
        lambda t: t.replace(f'"{UNCOVERED}-01-01"', f'"{LAST_YEAR}-12-31"'),
        "holidays[0].date",
    ),
    (
        "holiday not a date",
        lambda t: t.replace(f'"{UNCOVERED}-01-01"', f'"{UNCOVERED}-02-30"'),
        "holidays[0].date",
    ),
    (
        "holiday not ISO",
        lambda t: t.replace(f'"{UNCOVERED}-01-01"', f'"{UNCOVERED}/01/01"'),
        "holidays[0].date",
    ),
    (
        "holiday with an unknown key",
        lambda t: t.replace("name: 元旦", "name: 元旦, note: x"),
        "holidays[0].note",
    ),
    ("holiday without a name", lambda t: t.replace(", name: 元旦", ""), "holidays[0].name"),
    ("holiday with a blank name", lambda t: t.replace("name: 元旦", 'name: " "'), "holidays[0].name"),
    (
        "holiday listed twice",
        lambda t: t.replace(
            "name: 劳动节}", "name: 劳动节}\n  - {date: " + f'"{UNCOVERED}-01-01", name: 元旦}}'
        ),
        "holidays[2].date",
    ),
    (
        "holiday entry not a mapping",
        lambda t: t.replace("name: 元旦}", "name: 元旦}\n  - just text"),
        "holidays[1]",
    ),
    ("make-up day also a holiday", lambda t: t + f'  - "{UNCOVERED}-01-01"\n', "workdays[1]"),
    (
        "make-up day on a weekday",
        lambda t: t + f'  - "{_weekday_on_or_after(date(UNCOVERED, 6, 1), 2)}"\n',
        "workdays[1]",
    ),
    ("make-up day outside the year", lambda t: t + f'  - "{UNCOVERED + 1}-01-02"\n', "workdays[1]"),
    (
        "make-up day listed twice",
        lambda t: t + f'  - "{_weekday_on_or_after(date(UNCOVERED, 5, 8), 5)}"\n',
        "workdays[1]",
    ),
    ("workdays not a list", lambda t: t.split("workdays:")[0] + "workdays: none\n", "workdays"),
    ("duplicate key", lambda t: t + "source: again\n", "(yaml)"),
    ("not a mapping", lambda _t: "- just\n- a list\n", "(top level)"),
    ("not YAML", lambda _t: "year: [\n", "(yaml)"),
]


@pytest.mark.parametrize(("change", "key"), [(b[1], b[2]) for b in BAD_FILES], ids=[b[0] for b in BAD_FILES])
def test_invalid_overlay_file_is_refused(empty_dir: Path, change: Any, key: str) -> None:
    """Each malformed overlay file is refused with an error naming the file and the key."""
    path = empty_dir / f"{UNCOVERED}.yaml"
    path.write_text(change(_valid_text()), encoding="utf-8")

    with pytest.raises(RulebookError) as caught:
        WorkingDayCalendar(empty_dir)
    assert str(path) == caught.value.path
    assert key == caught.value.key
    assert f"{path}: {key}: " in str(caught.value)


def test_overlay_for_a_package_year_is_refused(empty_dir: Path) -> None:
    """A file for a year chinese_calendar already covers is refused (delete it once the package knows)."""
    path = empty_dir / f"{LAST_YEAR}.yaml"
    path.write_text(_valid_text().replace(str(UNCOVERED), str(LAST_YEAR)), encoding="utf-8")

    with pytest.raises(RulebookError, match="already covered") as caught:
        WorkingDayCalendar(empty_dir)
    assert ("year", str(path)) == (caught.value.key, caught.value.path)


def test_overlay_file_name_must_be_a_year(empty_dir: Path) -> None:
    """Overlay files are named <year>.yaml."""
    path = empty_dir / "next-year.yaml"
    path.write_text(_valid_text(), encoding="utf-8")

    with pytest.raises(RulebookError) as caught:
        WorkingDayCalendar(empty_dir)
    assert ("(file name)", str(path)) == (caught.value.key, caught.value.path)


# -- concurrency and speed ---------------------------------------------------------------------------------


def test_concurrent_readers_agree(empty_dir: Path) -> None:
    """Threads building the per-year tables at the same time all get the same answers."""
    calendar = WorkingDayCalendar(empty_dir)
    rng = random.Random(3)
    pairs = []
    for _ in range(400):
        deadline = date(2021, 1, 1) + timedelta(days=rng.randrange(2000))
        pairs.append((deadline, deadline + timedelta(days=rng.randrange(200))))
    expected = [WorkingDayCalendar(empty_dir).late_working_days(*p) for p in pairs]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda p: calendar.late_working_days(*p), pairs * 8))
    assert expected * 8 == results


def test_late_working_days_is_fast(calendar: WorkingDayCalendar) -> None:
    """A count costs microseconds once its years are built (the benchmark runs thousands of cases/s)."""
    pairs = [(date(2024, 4, 15), date(2024, 4, 17)), (date(2024, 12, 20), date(2025, 1, 10))]
    calendar.late_working_days(*pairs[1])
    calls = 20_000
    started = time.perf_counter()
    for _ in range(calls // 2):
        for pair in pairs:
            calendar.late_working_days(*pair)
    per_call = (time.perf_counter() - started) / calls

    assert per_call < 50e-6
