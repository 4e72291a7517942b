"""Deadlines in Chinese working days (工作日), from the `chinese-calendar` package.

A working day is one the State Council's calendar says is worked: public holidays (春节, 国庆…) are
off, and the adjusted working weekends (调休, e.g. Sunday 2024-09-29) are on.

Fallback: `chinese-calendar` only knows the years it ships data for (`CALENDAR_YEARS`, 2004–2026 in
version 1.11) and raises NotImplementedError outside them. For any other year these functions fall
back to a plain Monday–Friday week, with no holidays and no 调休, so dates there are approximate
until the package is updated with the new year's arrangement.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar

__all__ = ["CALENDAR_YEARS", "add_workdays", "is_workday", "uses_official_calendar", "workdays_between"]

_known = [d.year for d in chinese_calendar.holidays]
#: the years for which the official holiday arrangement is known (others use Monday–Friday).
CALENDAR_YEARS: range = range(min(_known), max(_known) + 1)
del _known


def _as_date(d: dt.date) -> dt.date:
    return d.date() if isinstance(d, dt.datetime) else d


def uses_official_calendar(d: dt.date) -> bool:
    """Whether `d` falls in a year the package knows (else the Monday–Friday fallback applies)."""
    return _as_date(d).year in CALENDAR_YEARS


def is_workday(d: dt.date) -> bool:
    """Whether `d` is a working day: holidays off, 调休 weekends on; Monday–Friday outside `CALENDAR_YEARS`."""
    d = _as_date(d)
    try:
        return chinese_calendar.is_workday(d)
    except NotImplementedError:
        return d.weekday() < 5


def add_workdays(d: dt.date, n: int) -> dt.date:
    """The `n`-th working day after `d` (before it when `n` is negative); `d` itself is not counted.

    add_workdays(deadline, -3) is "3 working days before the deadline" (a reminder date); with n = 0
    the date is returned unchanged, working day or not. The result is always a working day for n != 0.
    """
    d = _as_date(d)
    step = dt.timedelta(days=1 if n > 0 else -1)
    left = abs(n)
    while left:
        d += step
        if is_workday(d):
            left -= 1
    return d


def workdays_between(a: dt.date, b: dt.date) -> int:
    """Working days from `a` to `b`: those in (a, b] when b >= a, minus those in (b, a] when b < a.

    So for today `a` and a deadline `b` it is the working days left (today excluded, the deadline
    included), negative once overdue. It is antisymmetric, and workdays_between(d, add_workdays(d, n))
    == n for n >= 0, and for n < 0 whenever `d` is itself a working day.
    """
    a, b = _as_date(a), _as_date(b)
    if b < a:
        return -workdays_between(b, a)
    count = 0
    d = a
    while d < b:
        d += dt.timedelta(days=1)
        if is_workday(d):
            count += 1
    return count
