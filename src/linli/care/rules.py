"""The care rules as pure functions: a person's tier, and when their next visit is due.

After 民政部等10部门《关于开展特殊困难老年人探访关爱服务的指导意见》(2022) and the provincial rules
that implement it (shared/domain-rules.md §7):

- **高风险** (high): a life-threatening illness, or aged 80+ (``LINLI_CARE_HIGH_AGE``) and living
  alone or left behind — visited at least weekly, and within 24 hours of a declared event
  (寒潮, 高温, 暴雨 …);
- **重点** (key): 失能, 重度残疾, 特困, 计生特殊家庭, 留守·困境儿童, or aged 80+ — at least monthly;
- **一般** (general): everyone else in the registry (空巢, 独居 under 80, 低保 …) — at least
  quarterly.

The intervals and windows are settings (``LINLI_CARE_INTERVAL_HIGH`` …), read by the caller and
passed in, so these functions hold no state and are tested alone. Month arithmetic uses
``dateutil.relativedelta``: 31 January + one month is 28 (or 29) February, never 3 March.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

HIGH, KEY, GENERAL = "high", "key", "general"
TIERS = (HIGH, KEY, GENERAL)

# The categories that make a person 重点 by themselves.
KEY_CATEGORIES = frozenset(
    {
        "disabled",
        "severe_disability",
        "extreme_poverty",
        "family_planning",
        "left_behind_child",
        "child_in_difficulty",
    }
)
# With age ≥ the high age, these make a person 高风险.
ALONE_CATEGORIES = frozenset({"lives_alone", "left_behind_elder"})

OK, DUE, OVERDUE = "ok", "due", "overdue"
STATUS_LABELS = {OK: "未到期", DUE: "应探访", OVERDUE: "已逾期"}


def derive_tier(
    *, age: int | None, categories: Iterable[str], serious_illness: bool, high_age: int = 80
) -> str:
    """The tier the rules give a person (an official may override it, with a reason)."""
    cats = set(categories)
    old = age is not None and age >= high_age
    if serious_illness or (old and cats & ALONE_CATEGORIES):
        return HIGH
    if cats & KEY_CATEGORIES or old:
        return KEY
    return GENERAL


_PERIOD = re.compile(r"^\s*(\d+)\s*([dwm])\s*$")


def parse_period(text: str) -> relativedelta:
    """``7d`` → 7 days, ``2w`` → 14 days, ``1m`` → one calendar month."""
    match = _PERIOD.match(text or "")
    if not match or int(match.group(1)) < 1:
        raise ValueError(f"{text!r}: expected a period such as 7d, 2w or 1m")
    n, unit = int(match.group(1)), match.group(2)
    if unit == "d":
        return relativedelta(days=n)
    if unit == "w":
        return relativedelta(weeks=n)
    return relativedelta(months=n)


@dataclass(frozen=True)
class Window:
    """When a person's next visit falls: from ``earliest`` to ``latest`` (both inclusive).

    ``status`` on the day asked: ``ok`` before the window, ``due`` inside it, ``overdue`` after
    ``latest``; ``event`` is True when a declared event brought ``latest`` forward.
    """

    earliest: dt.date
    latest: dt.date
    status: str
    event: bool = False

    def days_overdue(self, as_of: dt.date) -> int:
        return max(0, (as_of - self.latest).days)


def due_window(
    *,
    tier: str,
    last_visit: dt.date | None,
    registered_on: dt.date,
    as_of: dt.date,
    interval: relativedelta,
    lead: relativedelta,
    events: Iterable[dt.datetime] = (),
    event_hours: int = 24,
) -> Window:
    """Next due = last visit (or registration, before any visit) + interval.

    The window opens ``lead`` before that date. For a 高风险 person every event declared after
    their last visit's day (``events``: the declaration times, local) is due within
    ``event_hours`` of its declaration; the earliest such deadline wins.
    """
    base = last_visit or registered_on
    latest = base + interval
    earliest = max(base, latest - lead)
    by_event = False
    if tier == HIGH:
        for declared in events:
            day = declared.date()
            if last_visit is not None and last_visit >= day:
                continue  # visited on or after the event's day
            if day > as_of:
                continue
            deadline = (declared + dt.timedelta(hours=event_hours)).date()
            if deadline < latest:
                latest, by_event = deadline, True
            earliest = min(earliest, day)
    if as_of > latest:
        status = OVERDUE
    elif as_of >= earliest:
        status = DUE
    else:
        status = OK
    return Window(earliest=earliest, latest=latest, status=status, event=by_event)


def rate(visited: int, registered: int) -> str:
    """月探访率 as a decimal string with three places (``"0.875"``; ``"0.000"`` for none)."""
    if registered <= 0:
        return "0.000"
    # integer arithmetic, rounded half up: no float ever touches the figure
    thousandths = (visited * 1000 * 2 + registered) // (registered * 2)
    return f"{thousandths // 1000}.{thousandths % 1000:03d}"
