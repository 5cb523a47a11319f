"""The demo: two meetings through the services, one overdue action carried over."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.demo import meetings as demo
from linli.ledger import services as ledger_services
from linli.meetings import selectors
from linli.meetings.models import Action, ActionProgress, Meeting

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(dt.datetime(2026, 11, 26))


@pytest.fixture
def community(world):
    for name in ("状元府", "码头安置区"):
        ledger_services.compound_create(community=world["regions"]["xingdong"], name=name)
    return world["regions"]["xingdong"]


def test_two_meetings_one_overdue_carried_over(community, world):
    lines = demo.build_demo(community=community, seed=2026, now=NOW)
    assert lines == [
        "五方联席会：会议 2 次，议定事项 10 项（已完成 6、进行中 3、未开始 1、逾期 1）"
    ]
    first, second = Meeting.objects.order_by("held_on")
    assert (NOW.date() - first.held_on).days == 120
    assert (NOW.date() - second.held_on).days == 30
    assert {a.party for a in first.attendees.all()} == {
        "county_department",
        "town",
        "community",
        "committee",
        "property",
    }
    overdue = [a for a in Action.objects.all() if a.is_overdue(NOW.date())]
    assert len(overdue) == 1
    assert [a.pk for a in selectors.carried_over(meeting=second)] == [overdue[0].pk]
    assert overdue[0].progress.filter(kind="progress").count() == 2
    # every progress entry is in the past and after its meeting
    for p in ActionProgress.objects.select_related("action__meeting"):
        assert p.action.meeting.held_on <= timezone.localdate(p.at) <= NOW.date()
    # the case this fixture has is 邻-level, not dispatched: no case agenda items here
    assert first.agenda.count() == 2


def test_rebuild_is_identical_and_clear_removes(community, world):
    demo.build_demo(community=community, seed=7, now=NOW)
    first = sorted(Action.objects.values_list("decision", "deadline", "status"))
    demo.build_demo(community=community, seed=7, now=NOW)
    assert sorted(Action.objects.values_list("decision", "deadline", "status")) == first
    assert Meeting.objects.count() == 2
    demo.clear_demo(world["regions"]["town"])
    assert Meeting.objects.count() == 0 and Action.objects.count() == 0


def test_demo_links_dispatched_cases(community, world):
    from linli.cases import services as case_services

    long_ago = NOW - dt.timedelta(days=200)
    case = case_services.case_report(
        actor=world["worker"],
        compound=world["compound"],
        category="facility_safety",
        description="单元门禁损坏",
        when=long_ago,
    )
    case = case_services.case_accept(actor=world["worker"], case=case, when=long_ago)
    case_services.case_dispatch(
        actor=world["worker"], case=case, department=world["housing"], note="派住建", when=long_ago
    )
    demo.build_demo(community=community, seed=2026, now=NOW)
    first = Meeting.objects.order_by("held_on").first()
    linked = [c.pk for item in first.agenda.all() for c in item.cases.all()]
    assert linked == [case.pk]
