"""Working-day arithmetic against the official holiday arrangements (chinese-calendar)."""

from __future__ import annotations

import datetime as dt

import pytest

from taizhang.track.workdays import (
    CALENDAR_YEARS,
    add_workdays,
    is_workday,
    uses_official_calendar,
    workdays_between,
)

D = dt.date


def test_calendar_covers_recent_years():
    assert 2004 in CALENDAR_YEARS
    assert {2023, 2024, 2025} <= set(CALENDAR_YEARS)


def test_national_day_2024():
    for day in range(1, 8):
        assert not is_workday(D(2024, 10, day)), f"2024-10-{day:02d} is a National Day holiday"
    assert is_workday(D(2024, 9, 29))  # Sunday, 调休 working day
    assert is_workday(D(2024, 10, 12))  # Saturday, 调休 working day
    assert is_workday(D(2024, 9, 30)) and is_workday(D(2024, 10, 8))
    assert not is_workday(D(2024, 9, 28))  # ordinary Saturday


def test_spring_festival_2025():
    for d in (D(2025, 1, 28), D(2025, 1, 31), D(2025, 2, 3), D(2025, 2, 4)):
        assert not is_workday(d)
    assert is_workday(D(2025, 1, 26))  # Sunday worked before the holiday
    assert is_workday(D(2025, 2, 8))  # Saturday worked after it
    assert is_workday(D(2025, 2, 5))
    assert not is_workday(D(2025, 1, 25))


@pytest.mark.skipif(2026 not in CALENDAR_YEARS, reason="installed chinese-calendar does not cover 2026")
def test_spring_festival_2026():
    for day in range(15, 24):
        assert not is_workday(D(2026, 2, day))
    assert is_workday(D(2026, 2, 14)) and is_workday(D(2026, 2, 28))  # Saturdays worked
    assert is_workday(D(2026, 1, 4))  # Sunday worked after New Year
    assert add_workdays(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert add_workdays(D(2026, 2, 14), 1) == D(2026, 2, 24)


def test_add_workdays_across_national_day():
    assert add_workdays(D(2024, 9, 30), 1) == D(2024, 10, 8)
    assert add_workdays(D(2024, 9, 27), 1) == D(2024, 9, 29)  # the worked Sunday
    assert add_workdays(D(2024, 10, 8), -1) == D(2024, 9, 30)
    # a reminder 3 working days before a deadline that falls in the holiday
    assert add_workdays(D(2024, 10, 7), -3) == D(2024, 9, 27)
    assert add_workdays(D(2024, 10, 3), 0) == D(2024, 10, 3)


def test_workdays_between():
    assert workdays_between(D(2024, 9, 30), D(2024, 10, 8)) == 1
    assert workdays_between(D(2024, 10, 8), D(2024, 9, 30)) == -1
    assert workdays_between(D(2024, 6, 7), D(2024, 6, 11)) == 1  # Dragon Boat Monday 2024-06-10 off
    assert workdays_between(D(2024, 6, 7), D(2024, 6, 7)) == 0
    assert workdays_between(D(2025, 1, 27), D(2025, 2, 5)) == 1  # Spring Festival week


def test_round_trip():
    start = D(2024, 9, 20)
    for offset in range(30):
        d = start + dt.timedelta(days=offset)
        for n in range(0, 12):
            assert workdays_between(d, add_workdays(d, n)) == n
            if is_workday(d):
                assert workdays_between(d, add_workdays(d, -n)) == -n
            assert workdays_between(d, d + dt.timedelta(days=n)) == -workdays_between(
                d + dt.timedelta(days=n), d
            )


def test_datetime_accepted():
    assert not is_workday(dt.datetime(2024, 10, 1, 9, 30))
    assert add_workdays(dt.datetime(2024, 9, 30, 18, 0), 1) == D(2024, 10, 8)


def test_fallback_outside_known_years():
    late = max(CALENDAR_YEARS) + 4
    monday = D(late, 1, 1) + dt.timedelta(days=(7 - D(late, 1, 1).weekday()) % 7)
    assert not uses_official_calendar(monday)
    assert is_workday(monday)
    assert not is_workday(monday + dt.timedelta(days=5))  # Saturday
    assert add_workdays(monday + dt.timedelta(days=4), 1) == monday + dt.timedelta(days=7)
    assert workdays_between(monday, monday + dt.timedelta(days=7)) == 5
    early = D(min(CALENDAR_YEARS) - 1, 10, 1)  # 2003-10-01, a Wednesday: Mon–Fri rule, no holidays
    assert not uses_official_calendar(early)
    assert is_workday(early) == (early.weekday() < 5)
