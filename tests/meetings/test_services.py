"""Services: each write and each broken rule (a clear DomainError and nothing written)."""

import datetime as dt

import pytest

from linli.core.errors import DomainError
from linli.meetings import services
from linli.meetings.models import (
    Action,
    ActionProgress,
    ActionStatus,
    AgendaItem,
    Attendee,
    Meeting,
    ModeRole,
)

from .conftest import D0, record

pytestmark = pytest.mark.django_db


def test_meeting_create_defaults_and_compounds(world):
    m = services.meeting_create(
        actor=world["worker"],
        region=world["regions"]["xingdong"],
        held_on=D0,
        place=" 会议室 ",
        compounds=[world["compound"]],
    )
    assert (m.title, m.convener, m.place) == ("兴东社区五方联席会", "县委组织部", "会议室")
    assert list(m.compounds.all()) == [world["compound"]]
    assert m.number == f"LXH20260302-{m.pk:03d}"


@pytest.mark.parametrize(
    ("who", "region", "code"),
    [
        ("worker", "county", "meetings.bad_region"),  # a county is not a meeting place
        ("xt_worker", "xingdong", "forbidden"),  # another community's worker
        ("resident_a", "xingdong", "forbidden"),
        ("housing_staff", "xingdong", "forbidden"),
    ],
)
def test_meeting_create_refused(world, who, region, code):
    with pytest.raises(DomainError) as exc:
        services.meeting_create(
            actor=world[who], region=world["regions"][region], held_on=D0, place="会议室"
        )
    assert exc.value.code == code
    assert Meeting.objects.count() == 0


def test_town_official_convenes_for_the_town(world):
    m = services.meeting_create(
        actor=world["town_official"], region=world["regions"]["town"], held_on=D0, place="镇政府"
    )
    assert m.region == world["regions"]["town"]


def test_meeting_with_compound_outside_writes_nothing(world):
    with pytest.raises(DomainError) as exc:
        services.meeting_create(
            actor=world["county"],
            region=world["regions"]["xingdong"],
            held_on=D0,
            place="会议室",
            compounds=[world["compound"], world["other_compound"]],
        )
    assert exc.value.code == "meetings.compound_outside"
    assert "新塘小区" in exc.value.message
    assert Meeting.objects.count() == 0


def test_meeting_needs_a_place(world):
    with pytest.raises(DomainError) as exc:
        services.meeting_create(
            actor=world["worker"], region=world["regions"]["xingdong"], held_on=D0, place="  "
        )
    assert exc.value.code == "meetings.required"
    assert exc.value.details == [{"field": "place", "value": None}]


def test_attendees_of_the_five_parties(world, meeting):
    a = services.attendee_add(
        actor=world["worker"],
        meeting=meeting,
        party="county_department",
        name="谭志勇",
        department=world["housing"],
    )
    assert (a.unit, a.is_resident) == ("住建", False)
    c = services.attendee_add(
        actor=world["worker"], meeting=meeting, party="committee", name="李德明"
    )
    assert c.is_resident is True  # committee members are residents: masked in public minutes
    with pytest.raises(DomainError) as exc:
        services.attendee_add(
            actor=world["worker"],
            meeting=meeting,
            party="town",
            name="刘卫东",
            department=world["fire"],
        )
    assert exc.value.code == "meetings.department_party"
    with pytest.raises(DomainError) as exc:
        services.attendee_add(actor=world["worker"], meeting=meeting, party="mayor", name="某")
    assert exc.value.code == "meetings.bad_choice"
    assert Attendee.objects.count() == 2


def test_agenda_items_link_compound_cases_problem(world, meeting):
    one = services.agenda_item_add(
        actor=world["worker"],
        meeting=meeting,
        title="粮站宿舍设施安全",
        compound=world["compound"],
        cases=[world["case"]],
    )
    two = services.agenda_item_add(
        actor=world["worker"], meeting=meeting, title="排水", problem="雨污管网堵塞"
    )
    assert (one.position, two.position) == (1, 2)
    assert list(one.cases.all()) == [world["case"]]
    assert list(meeting.compounds.all()) == [world["compound"]]  # joined the meeting's list


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"compound": "other_compound"}, "meetings.compound_outside"),
        ({"cases": ["xt_case"]}, "meetings.case_outside"),
        ({"compound": "second_compound", "cases": ["case"]}, "meetings.case_compound"),
        ({}, "meetings.agenda_empty"),
    ],
)
def test_agenda_item_refused_writes_nothing(world, meeting, kwargs, code):
    args = {k: ([world[x] for x in v] if k == "cases" else world[v]) for k, v in kwargs.items()}
    with pytest.raises(DomainError) as exc:
        services.agenda_item_add(actor=world["worker"], meeting=meeting, title="议题", **args)
    assert exc.value.code == code
    assert AgendaItem.objects.count() == 0
    assert meeting.compounds.count() == 0


def test_decision_becomes_an_action_with_mode_role(world, meeting):
    item = services.agenda_item_add(
        actor=world["worker"], meeting=meeting, title="门禁", compound=world["compound"]
    )
    a = record(
        meeting,
        world["worker"],
        deadline=D0 + dt.timedelta(days=30),
        party="county_department",
        person="谭志勇",
        department=world["housing"],
        agenda_item=item,
    )
    assert a.status == ActionStatus.NOT_STARTED
    assert a.mode_role == ModeRole.GUIDE  # 县直部门指导
    assert a.responsible_unit == "住建"
    assert [p.kind for p in a.progress.all()] == ["recorded"]
    for party, mode in (
        ("town", "organise"),
        ("community", "implement"),
        ("committee", "self_govern"),
        ("property", "self_govern"),
    ):
        assert record(meeting, None, deadline=D0, party=party).mode_role == mode
    other = record(meeting, None, deadline=D0, party="town", mode_role="implement")
    assert other.mode_role == "implement"


def test_deadline_on_meeting_day_ok_before_refused(world, meeting):
    assert record(meeting, world["worker"], deadline=D0).deadline == D0
    with pytest.raises(DomainError) as exc:
        record(meeting, world["worker"], deadline=D0 - dt.timedelta(days=1))
    assert exc.value.code == "meetings.deadline_before_meeting"
    assert "2026-03-01" in exc.value.message and "2026-03-02" in exc.value.message
    assert Action.objects.count() == 1
    assert ActionProgress.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"party": "nobody"}, "meetings.bad_choice"),
        ({"mode_role": "lead"}, "meetings.bad_choice"),
        ({"person": ""}, "meetings.required"),
        ({"decision": " "}, "meetings.required"),
        ({"party": "town", "department": "fire"}, "meetings.department_party"),
    ],
)
def test_bad_decisions_write_nothing(world, meeting, kwargs, code):
    if "department" in kwargs:
        kwargs["department"] = world[kwargs["department"]]
    with pytest.raises(DomainError) as exc:
        record(meeting, world["worker"], deadline=D0, **kwargs)
    assert exc.value.code == code
    assert Action.objects.count() == 0 and ActionProgress.objects.count() == 0


def test_agenda_item_of_another_meeting_refused(world, meeting):
    other = services.meeting_create(
        actor=world["worker"], region=world["regions"]["xingdong"], held_on=D0, place="会议室"
    )
    item = services.agenda_item_add(actor=None, meeting=other, title="议题", problem="问题")
    with pytest.raises(DomainError) as exc:
        record(meeting, world["worker"], deadline=D0, agenda_item=item)
    assert exc.value.code == "meetings.agenda_other_meeting"


def test_progress_then_complete(world, meeting):
    a = record(meeting, world["worker"], deadline=D0 + dt.timedelta(days=10))
    services.action_progress_add(actor=world["worker"], action=a, note="已请施工队检测")
    a.refresh_from_db()
    assert a.status == ActionStatus.IN_PROGRESS
    services.action_progress_add(actor=world["worker"], action=a, note="更换 80 米管道")
    a = services.action_complete(actor=world["worker"], action=a, note="管网更换完毕")
    assert (a.status, a.closing_note) == (ActionStatus.DONE, "管网更换完毕")
    assert a.closed_at is not None
    log = list(a.progress.order_by("at", "id"))
    assert [p.kind for p in log] == ["recorded", "progress", "progress", "done"]
    assert [p.status_after for p in log] == ["not_started", "in_progress", "in_progress", "done"]
    assert log[1].actor_label == "兴东工作人员（社区工作人员）"
    with pytest.raises(DomainError) as exc:
        services.action_progress_add(actor=world["worker"], action=a, note="再补充")
    assert exc.value.code == "meetings.action_closed" and exc.value.status == 409
    with pytest.raises(DomainError) as exc:
        services.action_complete(actor=world["worker"], action=a, note="再办结")
    assert exc.value.code == "meetings.action_closed"
    with pytest.raises(DomainError):
        services.action_cancel(actor=world["worker"], action=a, reason="取消")
    assert a.progress.count() == 4


def test_cancelled_cannot_be_completed_or_progressed(world, meeting):
    a = record(meeting, world["worker"], deadline=D0)
    services.action_cancel(actor=world["worker"], action=a, reason="已由其他事项覆盖")
    with pytest.raises(DomainError) as exc:
        services.action_complete(actor=world["worker"], action=a, note="完成")
    assert exc.value.code == "meetings.action_cancelled"
    assert "已取消" in exc.value.message
    with pytest.raises(DomainError) as exc:
        services.action_progress_add(actor=world["worker"], action=a, note="进展")
    assert exc.value.code == "meetings.action_closed"
    a.refresh_from_db()
    assert (a.status, a.closing_note) == ("cancelled", "已由其他事项覆盖")
    assert a.progress.count() == 2


def test_closing_needs_a_note(world, meeting):
    a = record(meeting, world["worker"], deadline=D0)
    with pytest.raises(DomainError) as exc:
        services.action_complete(actor=world["worker"], action=a, note="  ")
    assert exc.value.code == "meetings.required"
    a.refresh_from_db()
    assert a.status == "not_started" and a.progress.count() == 1


def test_progress_log_is_append_only(world, meeting):
    a = record(meeting, world["worker"], deadline=D0)
    entry = a.progress.get()
    entry.note = "改写"
    with pytest.raises(ValueError, match="只能追加"):
        entry.save()


def test_department_staff_work_on_their_own_actions(world, meeting):
    mine = record(
        meeting,
        world["worker"],
        deadline=D0,
        party="county_department",
        department=world["housing"],
    )
    theirs = record(
        meeting, world["worker"], deadline=D0, party="county_department", department=world["fire"]
    )
    staff = world["housing_staff"]
    services.action_progress_add(actor=staff, action=mine, note="方案已出")
    with pytest.raises(DomainError) as exc:
        services.action_progress_add(actor=staff, action=theirs, note="越权")
    assert exc.value.code == "forbidden" and exc.value.status == 403
    with pytest.raises(DomainError) as exc:
        services.action_cancel(actor=staff, action=mine, reason="不做了")
    assert exc.value.code == "forbidden"
    services.action_complete(actor=staff, action=mine, note="完成")
    assert theirs.progress.count() == 1


def test_other_community_worker_cannot_write(world, meeting):
    a = record(meeting, world["worker"], deadline=D0)
    for call in (
        lambda: services.attendee_add(
            actor=world["xt_worker"], meeting=meeting, party="town", name="某"
        ),
        lambda: services.agenda_item_add(
            actor=world["xt_worker"], meeting=meeting, title="议题", problem="问题"
        ),
        lambda: record(meeting, world["xt_worker"], deadline=D0),
        lambda: services.action_progress_add(actor=world["xt_worker"], action=a, note="x"),
    ):
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.code == "forbidden"
    assert Action.objects.count() == 1 and ActionProgress.objects.count() == 1
