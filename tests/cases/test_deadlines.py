"""Working days on the editable calendar, deadlines across 国庆 2026, and the deadline job."""

import datetime as dt

import pytest
from django.core.management import call_command

from linli.cases import services, tasks
from linli.cases.models import CaseEvent, HandlerLevel, WorkCalendarDay
from linli.core import calendar
from linli.core.errors import DomainError

from .conftest import category

CST = dt.timezone(dt.timedelta(hours=8))
D = dt.date


def test_seeded_calendar_knows_2026_holidays_and_adjusted_weekends(db):
    assert WorkCalendarDay.objects.filter(date__year=2026).count() == 365
    assert not WorkCalendarDay.objects.get(date=D(2026, 10, 1)).is_working_day
    sat = WorkCalendarDay.objects.get(date=D(2026, 10, 10))  # 调休上班
    assert sat.is_working_day and sat.note == "调休上班"
    assert WorkCalendarDay.objects.get(date=D(2026, 2, 14)).is_working_day  # 春节调休
    assert not WorkCalendarDay.objects.get(date=D(2026, 2, 17)).is_working_day


def test_add_working_days_across_national_day(db):
    assert calendar.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    # 10-08 Thu, 10-09 Fri, 10-10 Sat (调休上班), 10-12 Mon, 10-13 Tue
    assert calendar.add_working_days(D(2026, 9, 30), 5) == D(2026, 10, 13)
    assert calendar.add_working_days(D(2026, 10, 3), 0) == D(2026, 10, 8)
    assert calendar.working_days_between(D(2026, 9, 30), D(2026, 10, 13)) == 5
    # 9-20 (Sunday) is a working day; Spring Festival 2-15..2-23 is not
    assert calendar.add_working_days(D(2026, 9, 18), 1) == D(2026, 9, 20)
    assert calendar.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert calendar.add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)


def test_missing_days_fall_back_to_the_library_and_weekdays(db):
    WorkCalendarDay.objects.filter(date__year=2026).delete()
    assert calendar.add_working_days(D(2026, 9, 30), 5) == D(2026, 10, 13)
    assert calendar.add_working_days(D(2031, 3, 7), 1) == D(2031, 3, 10)  # Fri → Mon


def test_officials_edit_the_calendar_for_a_year_the_library_does_not_know(db, county_official):
    # Suppose the State Council declares Fri 2027-03-05 a day off and Sun 03-07 a working day
    assert calendar.add_working_days(D(2027, 3, 4), 1) == D(2027, 3, 5)
    services.calendar_day_set(
        actor=county_official, date=D(2027, 3, 5), is_working_day=False, note="假设放假"
    )
    services.calendar_day_set(
        actor=county_official, date=D(2027, 3, 7), is_working_day=True, note="调休上班"
    )
    assert calendar.add_working_days(D(2027, 3, 4), 1) == D(2027, 3, 7)


def test_others_may_not_edit_the_calendar(db, xingdong_worker):
    with pytest.raises(DomainError) as err:
        services.calendar_day_set(actor=xingdong_worker, date=D(2027, 1, 1), is_working_day=True)
    assert err.value.code == "forbidden"
    assert not WorkCalendarDay.objects.filter(date=D(2027, 1, 1)).exists()


def test_case_reported_before_national_day_gets_its_deadline_after_it(world, report):
    case = report(when=dt.datetime(2026, 9, 30, 16, tzinfo=CST))
    assert case.deadline == D(2026, 10, 13)


def test_deadline_job_warns_then_escalates_once_across_the_holiday(world, report):
    case = report(
        "flying_lead_charging",
        description="飞线充电",
        when=dt.datetime(2026, 9, 30, 16, tzinfo=CST),
    )
    assert case.deadline == D(2026, 10, 9)  # 2 working days: 10-08, 10-09
    # during the break nothing is due yet
    assert tasks.check_deadlines(today="2026-10-03") == {"warned": 0, "escalated": 0}
    assert tasks.check_deadlines(today="2026-10-08") == {"warned": 1, "escalated": 0}
    assert tasks.check_deadlines(today="2026-10-08") == {"warned": 0, "escalated": 0}
    assert tasks.check_deadlines(today="2026-10-09") == {"warned": 0, "escalated": 0}
    # Saturday 10-10 is a working day (调休): overdue → one level up, fresh time limit
    assert tasks.check_deadlines(today="2026-10-10") == {"warned": 0, "escalated": 1}
    assert tasks.check_deadlines(today="2026-10-10") == {"warned": 0, "escalated": 0}
    case.refresh_from_db()
    assert (case.level, case.grid) == (HandlerLevel.GROUP, world["group"])
    assert case.deadline == D(2026, 10, 13)  # 10-12 Mon, 10-13 Tue
    assert case.original_deadline == D(2026, 10, 9)
    overdue = case.events.get(action=CaseEvent.Action.OVERDUE)
    assert overdue.actor is None and "2026-10-09" in overdue.note
    assert case.events.filter(action=CaseEvent.Action.WARN).count() == 1


def test_resolved_cases_are_left_alone(world, report):
    case = report(when=dt.datetime(2026, 9, 30, 16, tzinfo=CST))
    case = services.case_accept(actor=world["leader_a"], case=case)
    services.case_resolve(actor=world["leader_a"], case=case, note="好了")
    assert tasks.check_deadlines(today="2026-12-01") == {"warned": 0, "escalated": 0}


def test_command_runs_the_job(world, report, capsys):
    report(when=dt.datetime(2026, 9, 30, 16, tzinfo=CST))
    call_command("cases", "check-deadlines", "--date", "2026-10-20")
    out = capsys.readouterr().out
    assert "上报 1" in out
    assert category("neighbour_dispute").time_limit_days == 5
