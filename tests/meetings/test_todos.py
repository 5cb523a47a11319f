"""待办: overdue joint-meeting actions for the office over the place (a department's staff:
their department's), not before the deadline has passed, not in another community."""

import datetime as dt

from django.utils import timezone

from linli.core import todos

from .conftest import record


def actions(user):
    return [t for t in todos.items_for(user) if t.kind == "meetings.action"]


def test_an_overdue_action_waits_for_the_office(world, meeting):
    today = timezone.localdate()
    late = record(meeting, world["worker"], deadline=today - dt.timedelta(days=2))
    record(meeting, world["worker"], deadline=today, decision="修补围墙")  # still in time
    (item,) = actions(world["worker"])
    assert item.url == f"/meetings/actions/{late.pk}/" and item.overdue
    assert item.when.startswith("已超期 2 天") and "疏通排水管" in item.title
    assert len(actions(world["county"])) == 1
    assert actions(world["xt_worker"]) == []
    assert actions(world["leader_a"]) == [] and actions(world["housing_staff"]) == []
    record(
        meeting,
        world["worker"],
        deadline=today - dt.timedelta(days=1),
        party="county_department",
        department=world["housing"],
        decision="更换楼道灯",
    )
    assert [t.title for t in actions(world["housing_staff"])] == [
        "联席会议定事项：更换楼道灯（罗小燕）"
    ]
    assert actions(world["fire_staff"]) == []
    assert todos.count_for(world["worker"]) >= 2
