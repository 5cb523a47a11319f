"""Working-day arithmetic over the editable calendar, for every app (case deadlines, the
opening hours of service points, …).

A day in the table is what the table says (officials may correct it); a day missing from it
falls back to the ``holidays`` library for China — public holidays off, adjusted working
weekends (调休) on — and otherwise Monday–Friday.

The table itself (``cases.WorkCalendarDay``, edited by officials) belongs to an app above core,
so that app hands its loader over with :func:`use_table` from its ``AppConfig.ready()`` and calls
:func:`clear_cache` when a day is saved or deleted (again when the edit commits). Without a
table the library and the weekdays decide.

The table is small (one row a day for the seeded and edited years), so each process keeps all
of it in memory (``linli.core.cache.Table``): loaded on first use, dropped in every process when a
day changes — at once where the cache is shared (Redis in production) — and reloaded at least
every :data:`CACHE_SECONDS`. Deadlines are therefore computed without a query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache

from linli.core import cache

CACHE_SECONDS = 60.0

_source: list[Callable[[], dict[dt.date, bool]]] = []


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


def clear_cache() -> None:
    """Forget the kept calendar; the next lookup reads the table again."""
    _table.forget()


def use_table(load: Callable[[], dict[dt.date, bool]]) -> None:
    """Read the edited days from ``load`` (``{date: is_working_day}``), replacing the last."""
    _source[:] = [load]
    clear_cache()


def _days() -> dict[dt.date, bool]:
    """Every row of the table as ``{date: is_working_day}`` (from the cache when kept)."""
    return _table.get()


def _load() -> dict[dt.date, bool]:
    return _source[0]() if _source else {}


def _working(day: dt.date, table: dict[dt.date, bool]) -> bool:
    return table[day] if day in table else library_is_working_day(day)


def is_working_day(day: dt.date) -> bool:
    return _working(day, _days())


def is_public_holiday(day: dt.date) -> bool:
    """A day off by the holiday rules (国庆, 春节 … and their 调休 days off), not an ordinary
    weekend: a weekday the table marks off, else a day the ``holidays`` library lists —
    unless the table marks the day a working day."""
    table = _days()
    if day in table:
        if table[day]:
            return False
        if day.weekday() < 5:
            return True
    return day in _library_year(day.year)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The ``n``-th working day after ``start`` (``start`` itself is not counted).

    ``add_working_days(2026-09-30, 1)`` is 2026-10-08: 10-01..10-07 is the National Day break.
    With ``n == 0`` the answer is ``start`` if it is a working day, else the next one.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    day = start
    table = _days()
    if n == 0:
        while not _working(day, table):
            day += dt.timedelta(days=1)
        return day
    counted = 0
    while counted < n:
        day += dt.timedelta(days=1)
        if _working(day, table):
            counted += 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]: 0 when ``end <= start``."""
    if end <= start:
        return 0
    table = _days()
    n = 0
    day = start + dt.timedelta(days=1)
    while day <= end:
        if _working(day, table):
            n += 1
        day += dt.timedelta(days=1)
    return n


_table: cache.Table = cache.Table("core.calendar", _load, CACHE_SECONDS)
