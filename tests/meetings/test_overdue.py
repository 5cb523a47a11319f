"""Overdue with a fixed ``today``: the board puts overdue first; the next meeting of the same
place carries over the actions overdue on its day."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.meetings import selectors, services

from .conftest import D0, record

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def test_the_deadline_day_is_still_in_time(world, meeting):
    a = record(meeting, world["worker"], deadline=D0 + 5 * DAY)
    assert not a.is_overdue(D0 + 5 * DAY)
    assert a.is_overdue(D0 + 6 * DAY)
    services.action_complete(actor=None, action=a, note="完成")
    a.refresh_from_db()
    assert not a.is_overdue(D0 + 60 * DAY)


def test_board_overdue_first_then_open_by_deadline_then_closed(world, meeting):
    w = world["worker"]
    later = record(meeting, w, deadline=D0 + 40 * DAY, decision="以后")
    late_small = record(meeting, w, deadline=D0 + 10 * DAY, decision="逾期10")
    late_big = record(meeting, w, deadline=D0 + 3 * DAY, decision="逾期17")
    soon = record(meeting, w, deadline=D0 + 21 * DAY, decision="临近")
    done = record(meeting, w, deadline=D0 + 1 * DAY, decision="已完成")
    services.action_complete(actor=w, action=done, note="完成")
    services.action_progress_add(actor=w, action=late_small, note="在办")
    today = D0 + 20 * DAY
    board = list(selectors.action_board(actor=w, today=today))
    assert [a.decision for a in board] == ["逾期17", "逾期10", "临近", "以后", "已完成"]
    only = selectors.action_board(actor=w, today=today, overdue=True)
    assert [a.pk for a in only] == [late_big.pk, late_small.pk]
    assert [a.pk for a in selectors.action_board(actor=w, today=today, status="in_progress")] == [
        late_small.pk
    ]
    assert [a.pk for a in selectors.action_board(actor=w, today=today, party="town")] == []
    counts = selectors.action_counts(actor=w, today=today)
    assert counts == {
        "not_started": 3,
        "in_progress": 1,
        "done": 1,
        "cancelled": 0,
        "overdue": 2,
        "total": 5,
    }
    assert {later.pk, soon.pk} <= {a.pk for a in board}


def test_next_meeting_carries_over_what_was_overdue_on_its_day(world, meeting):
    w = world["worker"]
    open_late = record(meeting, w, deadline=D0 + 10 * DAY, decision="逾期未办")
    done_before = record(meeting, w, deadline=D0 + 10 * DAY, decision="会前办结")
    done_after = record(meeting, w, deadline=D0 + 10 * DAY, decision="会后才办结")
    cancelled = record(meeting, w, deadline=D0 + 10 * DAY, decision="会前取消")
    not_due = record(meeting, w, deadline=D0 + 40 * DAY, decision="未到期")
    services.action_complete(actor=w, action=done_before, note="完成", when=at(D0 + 25 * DAY))
    services.action_cancel(actor=w, action=cancelled, reason="撤销", when=at(D0 + 12 * DAY))
    second = services.meeting_create(
        actor=w, region=world["regions"]["xingdong"], held_on=D0 + 30 * DAY, place="会议室"
    )
    services.action_complete(actor=w, action=done_after, note="完成", when=at(D0 + 31 * DAY))
    carried = selectors.carried_over(meeting=second)
    assert [a.decision for a in carried] == ["逾期未办", "会后才办结"]
    assert not_due.pk not in {a.pk for a in carried}
    # the first meeting carries nothing over from itself
    assert selectors.carried_over(meeting=meeting) == []
    # a meeting of another community does not see 兴东's actions
    xt = services.meeting_create(
        actor=world["xt_worker"],
        region=world["regions"]["xintang"],
        held_on=D0 + 30 * DAY,
        place="新塘",
    )
    assert selectors.carried_over(meeting=xt) == []
    # still open and past its deadline at a third meeting: carried over again
    third = services.meeting_create(
        actor=w, region=world["regions"]["xingdong"], held_on=D0 + 60 * DAY, place="会议室"
    )
    assert [a.pk for a in selectors.carried_over(meeting=third)] == [open_late.pk, not_due.pk]


def test_closed_on_the_meeting_day_is_not_carried_over(world, meeting):
    w = world["worker"]
    a = record(meeting, w, deadline=D0 + 5 * DAY, decision="会当天办结")
    services.action_complete(actor=w, action=a, note="完成", when=at(D0 + 30 * DAY, 23))
    second = services.meeting_create(
        actor=w, region=world["regions"]["xingdong"], held_on=D0 + 30 * DAY, place="会议室"
    )
    assert selectors.carried_over(meeting=second) == []
