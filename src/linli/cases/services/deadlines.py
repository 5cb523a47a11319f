"""Time limits: a case's limit in working days, the periodic deadline check (warn, then
escalate overdue cases one level) and the working calendar officials maintain."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from linli.core import calendar
from linli.core.errors import Forbidden
from linli.core.policy import Capability, can

from ..models import WORKING_STAGES, Case, Category, HandlerLevel, Status, Urgency, WorkCalendarDay
from .routing import _escalate
from .steps import Action, _event, _lock, _save


def _time_limit(category: Category, urgency: str) -> int:
    days = category.time_limit_days
    return max(1, days // 2) if urgency == Urgency.URGENT else days


def _escalate_overdue(case: Case, *, today: dt.date, now: dt.datetime) -> str:
    if case.level >= HandlerLevel.JOINT_MEETING:
        return ""
    days = calendar.working_days_between(case.deadline, today)
    note = f"超过办理时限（{case.deadline:%Y-%m-%d}）{days} 个工作日，自动上报"
    case.deadline = calendar.add_working_days(today, _time_limit(case.category, case.urgency))
    _escalate(case, actor=None, at=now, note=note, action=Action.OVERDUE)
    return "escalated"


@transaction.atomic
def _check_one(case_id: int, *, today: dt.date, warn_until: dt.date, now: dt.datetime) -> str:
    case = _lock(Case(pk=case_id), None)
    if case.status != Status.OPEN or case.stage not in WORKING_STAGES or case.unverified:
        return ""  # an unconfirmed 楼道码 report has no running deadline
    if case.deadline < today:
        return _escalate_overdue(case, today=today, now=now)
    if case.deadline <= warn_until and case.warned_for != case.deadline:
        case.warned_for = case.deadline
        _save(case)
        _event(
            case,
            actor=None,
            action=Action.WARN,
            at=now,
            from_stage=case.stage,
            from_holder=case.holder,
            note=f"办理时限为 {case.deadline:%Y-%m-%d}，请抓紧办理",
        )
        return "warned"
    return ""


def deadlines_check(
    *, today: dt.date | None = None, now: dt.datetime | None = None, warn_days: int = 1
) -> dict[str, int]:
    """The periodic job: warn cases due within ``warn_days`` working days, escalate overdue
    ones one level (the new holder gets a fresh time limit). Each case is handled in its own
    transaction under a row lock and re-checked there, so overlapping runs do each thing once."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    warn_until = calendar.add_working_days(today, warn_days)
    ids = list(
        Case.objects.filter(
            status=Status.OPEN,
            stage__in=WORKING_STAGES,
            deadline__lte=warn_until,
            unverified=False,
        )
        .order_by("deadline", "id")
        .values_list("pk", flat=True)
    )
    counts = {"warned": 0, "escalated": 0}
    for case_id in ids:
        outcome = _check_one(case_id, today=today, warn_until=warn_until, now=now)
        if outcome:
            counts[outcome] += 1
    return counts


def _check_calendar_editor(actor) -> None:
    if actor is not None and not can(actor, Capability.CASES_CALENDAR):
        raise Forbidden("只有县、镇干部可以维护工作日历")


@transaction.atomic
def calendar_day_set(
    *, actor, date: dt.date, is_working_day: bool, note: str = ""
) -> WorkCalendarDay:
    """Officials enter the State Council's schedule for a year the library does not know."""
    _check_calendar_editor(actor)
    day, _ = WorkCalendarDay.objects.update_or_create(
        date=date,
        defaults={"is_working_day": is_working_day, "note": note.strip()[:60], "source": "manual"},
    )
    return day
