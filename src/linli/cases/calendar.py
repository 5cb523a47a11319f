"""Working-day arithmetic over the editable calendar (:class:`WorkCalendarDay`).

A day in the table is what the table says (officials may correct it); a day missing from it
falls back to the ``holidays`` library for China — public holidays off, adjusted working
weekends (调休) on — and otherwise Monday–Friday.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from .models import WorkCalendarDay


@lru_cache(maxsize=32)
def _library_year(year: int):
    import holidays

    return holidays.China(years=year)


def library_is_working_day(day: dt.date) -> bool:
    cn = _library_year(day.year)
    if day in getattr(cn, "weekend_workdays", ()):
        return True
    if day in cn:
        return False
    return day.weekday() < 5


def _table(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    return dict(
        WorkCalendarDay.objects.filter(date__gte=start, date__lte=end).values_list(
            "date", "is_working_day"
        )
    )


def _working(day: dt.date, table: dict[dt.date, bool]) -> bool:
    return table[day] if day in table else library_is_working_day(day)


def is_working_day(day: dt.date) -> bool:
    known = _table(day, day)
    return known[day] if day in known else library_is_working_day(day)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after ``start`` (``start`` itself is not counted).

    ``add_working_days(2026-09-30, 1)`` is 2026-10-08: 10-01..10-07 is the National Day break.
    With ``n == 0`` the answer is ``start`` if it is a working day, else the next one.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    span = n * 2 + 30
    day = start
    table = _table(start, start + dt.timedelta(days=span))
    horizon = start + dt.timedelta(days=span)
    if n == 0:
        while not _working(day, table):
            day += dt.timedelta(days=1)
        return day
    counted = 0
    while counted < n:
        day += dt.timedelta(days=1)
        if day > horizon:
            horizon = day + dt.timedelta(days=span)
            table.update(_table(day, horizon))
        if _working(day, table):
            counted += 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]: 0 when ``end <= start``."""
    if end <= start:
        return 0
    table = _table(start + dt.timedelta(days=1), end)
    n = 0
    day = start + dt.timedelta(days=1)
    while day <= end:
        if _working(day, table):
            n += 1
        day += dt.timedelta(days=1)
    return n
