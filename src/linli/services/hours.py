"""Opening hours: RFC 5545 rules (python-dateutil's ``rrulestr``) over the working-day calendar.

A point's hours are lines (:class:`~linli.services.models.Schedule`): the days come from an
RFC 5545 ``RRULE`` counted from ``valid_from`` (``FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR``;
``FREQ=MONTHLY;BYDAY=+1SA`` for "the first Saturday of the month"), the hours from
``opens_at``–``closes_at`` in local time. Only WEEKLY and MONTHLY rules are taken, the two
frequencies HSDS 3 can carry.

A line that follows the working-day calendar (``calendar`` = workdays, the default) is closed
on a day the holiday rules give off (a weekday off, or a holiday that falls on a weekend) and
open on a make-up working day (调休上班, a Saturday or Sunday) as on any working day. So on
2026-10-01 (国庆) the 社区服务站 is closed; the next time it opens is Saturday 2026-10-10, the
调休 day, at 08:30. A line with ``calendar`` = rule_only (a 24-hour self-service terminal)
follows its rule alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from dateutil.rrule import MONTHLY, WEEKLY, rrule, rrulestr
from django.utils import timezone

from linli.core import calendar
from linli.core.errors import Invalid

from .models import CalendarRule

HORIZON_DAYS = 45  # how far ahead "next open" looks (beyond the longest holiday break)


def normalise_rule(text: str) -> str:
    """The rule as stored: upper case, without an ``RRULE:`` prefix or spaces."""
    rule = "".join(str(text or "").split()).upper()
    return rule[6:] if rule.startswith("RRULE:") else rule


def _fail(text: str, reason: str) -> Invalid:
    return Invalid(
        f"开放时间规则“{text}”无法使用：{reason}",
        code="services.invalid_rrule",
        details=[{"field": "rrule", "reason": reason}],
    )


def parse_rule(text: str, *, valid_from: dt.date) -> rrule:
    """The rule as a dateutil ``rrule`` from ``valid_from``; ``Invalid`` (code
    ``invalid_rrule``) with the reason in Chinese for one that does not parse, is not weekly or
    monthly, or never falls on a day."""
    rule_text = normalise_rule(text)
    if not rule_text:
        raise _fail(str(text), "规则为空，应如 FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR")
    if len(rule_text) > 200:
        raise _fail(rule_text[:40] + "…", "规则过长")
    if any(word in rule_text for word in ("DTSTART", "RDATE", "EXDATE", "EXRULE", ":")):
        raise _fail(rule_text, "只填写 RRULE 本身（起始日期另填）")
    if not rule_text.startswith("FREQ=") and ";FREQ=" not in rule_text:
        raise _fail(rule_text, "缺少 FREQ（如 FREQ=WEEKLY）")
    start = dt.datetime.combine(valid_from, dt.time())
    try:
        rule = rrulestr(rule_text, dtstart=start, cache=True)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, AttributeError) as exc:
        raise _fail(rule_text, f"不是有效的 RFC 5545 规则（{exc}）") from None
    if not isinstance(rule, rrule):
        raise _fail(rule_text, "只能是一条规则")
    if rule._freq not in (WEEKLY, MONTHLY):
        raise _fail(rule_text, "只支持每周（FREQ=WEEKLY）或每月（FREQ=MONTHLY）的规则")
    try:
        first = rule.after(start, inc=True)
    except (ValueError, OverflowError) as exc:
        raise _fail(rule_text, f"无法计算开放日（{exc}）") from None
    if first is None:
        raise _fail(rule_text, "按此规则没有任何开放日")
    return rule


def rule_parts(text: str) -> dict[str, str]:
    """``FREQ=WEEKLY;BYDAY=MO,FR`` → ``{"FREQ": "WEEKLY", "BYDAY": "MO,FR"}`` (for HSDS)."""
    parts = {}
    for piece in normalise_rule(text).split(";"):
        key, _, value = piece.partition("=")
        if key:
            parts[key] = value
    return parts


def check_line(*, rrule_text: str, valid_from: dt.date, opens_at: dt.time, closes_at: dt.time):
    """Everything a schedule line must satisfy; returns the normalised rule text."""
    parse_rule(rrule_text, valid_from=valid_from)
    if closes_at <= opens_at:
        raise Invalid(
            f"结束时间 {closes_at:%H:%M} 须晚于开始时间 {opens_at:%H:%M}",
            code="services.invalid_hours",
            details=[{"field": "closes_at"}],
        )
    return normalise_rule(rrule_text)


@lru_cache(maxsize=2048)
def _compiled(rule_text: str, valid_from: dt.date) -> rrule:
    return parse_rule(rule_text, valid_from=valid_from)


@dataclass(frozen=True)
class Line:
    """What the hours need of a schedule line (a model row or a plain value)."""

    rrule: str
    valid_from: dt.date
    opens_at: dt.time
    closes_at: dt.time
    calendar: str = CalendarRule.WORKDAYS


def _as_line(row) -> Line:
    return Line(row.rrule, row.valid_from, row.opens_at, row.closes_at, row.calendar)


def _rule_hits(line: Line, day: dt.date) -> bool:
    if day < line.valid_from:
        return False
    midnight = dt.datetime.combine(day, dt.time())
    hit = _compiled(line.rrule, line.valid_from).after(midnight, inc=True)
    return hit is not None and hit.date() == day


def line_open_on(line: Line, day: dt.date) -> bool:
    """Whether the line opens at all on ``day`` (before the hours of the day)."""
    hits = _rule_hits(line, day)
    if line.calendar == CalendarRule.RULE_ONLY:
        return hits
    if day < line.valid_from:
        return False
    if calendar.is_working_day(day):
        return hits or day.weekday() >= 5  # a make-up working day opens like a working day
    return hits and day.weekday() >= 5 and not calendar.is_public_holiday(day)


def windows_on(lines: Sequence[Line], day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    """The opening windows of ``day`` as aware local datetimes, earliest first."""
    tz = timezone.get_current_timezone()
    out = [
        (
            dt.datetime.combine(day, line.opens_at, tzinfo=tz),
            dt.datetime.combine(day, line.closes_at, tzinfo=tz),
        )
        for line in lines
        if line_open_on(line, day)
    ]
    return sorted(out)


def _local(at: dt.datetime | None) -> dt.datetime:
    at = at or timezone.now()
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    return timezone.localtime(at)


def status(rows: Iterable, at: dt.datetime | None = None) -> tuple[bool, dt.datetime | None]:
    """(open now, the next opening) of a point's schedule rows at ``at`` (default now).

    The next opening is None while open, and None when nothing opens within
    :data:`HORIZON_DAYS`."""
    lines = [r if isinstance(r, Line) else _as_line(r) for r in rows]
    now = _local(at)
    if not lines:
        return False, None
    for start, end in windows_on(lines, now.date()):
        if start <= now < end:
            return True, None
    for offset in range(HORIZON_DAYS + 1):
        day = now.date() + dt.timedelta(days=offset)
        for start, _end in windows_on(lines, day):
            if start > now:
                return False, start
    return False, None


def describe(row) -> str:
    """One line of hours in Chinese: “周一至周五 08:30–12:00（法定节假日休息，调休上班日照常）”."""
    parts = rule_parts(row.rrule)
    days = _days_label(parts)
    text = f"{days} {row.opens_at:%H:%M}–{row.closes_at:%H:%M}"
    if row.calendar == CalendarRule.WORKDAYS:
        text += "（法定节假日休息，调休上班日照常）"
    return text


HOLIDAY_NOTE = "法定节假日休息，调休上班日照常办公"


def summary(rows: Iterable) -> list[str]:
    """A point's hours as a resident reads them: one line per set of days with its windows
    joined (“周一至周五 08:30–12:00、14:30–17:30”), the days in week order, and the holiday
    rule once at the end when any line follows the calendar."""
    grouped: dict[str, list[str]] = {}
    order: dict[str, tuple[int, dt.time]] = {}
    on_calendar = False
    for row in rows:
        parts = rule_parts(row.rrule)
        days = _days_label(parts)
        if row.calendar == CalendarRule.WORKDAYS:
            on_calendar = True
        grouped.setdefault(days, []).append(f"{row.opens_at:%H:%M}–{row.closes_at:%H:%M}")
        first = min(
            (_ORDER.index(d[-2:]) for d in parts.get("BYDAY", "").split(",") if d[-2:] in _ORDER),
            default=7,
        )
        key = (first + (10 if parts.get("FREQ") == "MONTHLY" else 0), row.opens_at)
        order[days] = min(order.get(days, key), key)
    lines = [
        f"{days} {'、'.join(sorted(grouped[days]))}"
        for days in sorted(order, key=lambda d: order[d])
    ]
    if on_calendar and lines:
        lines.append(HOLIDAY_NOTE)
    return lines


_DAY_NAMES = {
    "MO": "周一",
    "TU": "周二",
    "WE": "周三",
    "TH": "周四",
    "FR": "周五",
    "SA": "周六",
    "SU": "周日",
}
_ORDER = list(_DAY_NAMES)


def _days_label(parts: dict[str, str]) -> str:
    byday = [d for d in parts.get("BYDAY", "").split(",") if d]
    interval = parts.get("INTERVAL", "1")
    if parts.get("FREQ") == "MONTHLY":
        if byday:
            labels = []
            for d in byday:
                n, name = d[:-2].lstrip("+"), _DAY_NAMES.get(d[-2:], d[-2:])
                labels.append(f"最后一个{name}" if n == "-1" else f"第{n or ''}个{name}")
            return "每月" + "、".join(labels)
        if parts.get("BYMONTHDAY"):
            return "每月" + "、".join(f"{d}日" for d in parts["BYMONTHDAY"].split(","))
        return "每月"
    prefix = "每周" if interval == "1" else f"每{interval}周"
    if not byday:
        return prefix
    idx = sorted(_ORDER.index(d[-2:]) for d in byday if d[-2:] in _DAY_NAMES)
    if len(idx) == 7:
        return "每天"
    if len(idx) > 2 and idx == list(range(idx[0], idx[-1] + 1)):
        return f"{_DAY_NAMES[_ORDER[idx[0]]]}至{_DAY_NAMES[_ORDER[idx[-1]]]}"
    return "、".join(_DAY_NAMES[_ORDER[i]] for i in idx)
