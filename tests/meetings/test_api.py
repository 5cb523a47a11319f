"""API: create → attendees → agenda → decisions → progress → complete/cancel, the errors as
``{code, message, details}``, the minutes, and isolation per endpoint."""

import datetime as dt

import pytest
from django.test import Client

from linli.meetings import services
from linli.meetings.models import Action, Meeting

from .conftest import D0, record

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_the_whole_flow(world):
    c = client_for(world["worker"])
    r = c.post(
        "/api/v1/meetings/",
        {
            "region": world["regions"]["xingdong"].pk,
            "held_on": "2026-03-02",
            "place": "党群服务中心",
            "compounds": [world["compound"].pk],
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    mid = r.json()["id"]
    assert r.json()["compounds"] == [world["compound"].pk]
    r = c.post(
        f"/api/v1/meetings/{mid}/attendees",
        {"party": "county_department", "name": "谭志勇", "department": world["housing"].pk},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["unit"] == "住建"
    r = c.post(
        f"/api/v1/meetings/{mid}/agenda",
        {"title": "设施安全", "compound": world["compound"].pk, "cases": [world["case"].pk]},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["cases"] == [world["case"].pk]
    item = r.json()["id"]
    r = c.post(
        f"/api/v1/meetings/{mid}/decisions",
        {
            "decision": "更换楼道灯和门禁",
            "responsible_party": "county_department",
            "department": world["housing"].pk,
            "responsible_person": "谭志勇",
            "deadline": "2026-04-01",
            "agenda_item": item,
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    action = r.json()
    assert (action["mode_role"], action["mode_role_label"], action["status"]) == (
        "guide",
        "指导",
        "not_started",
    )
    aid = action["id"]
    r = c.post(
        f"/api/v1/meetings/actions/{aid}/progress",
        {"note": "材料进场"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["status_after"] == "in_progress"
    r = c.post(
        f"/api/v1/meetings/actions/{aid}/complete",
        {"note": "更换完毕"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "done"
    assert [p["kind"] for p in r.json()["progress"]] == ["recorded", "progress", "done"]
    r = c.post(
        f"/api/v1/meetings/actions/{aid}/cancel", {"note": "取消"}, content_type="application/json"
    )
    assert r.status_code == 409 and r.json()["code"] == "meetings.action_closed"
    detail = c.get(f"/api/v1/meetings/{mid}").json()
    assert detail["parties_present"] == ["county_department"]
    assert [a["id"] for a in detail["actions"]] == [aid]
    assert detail["carried_over"] == []


def test_errors_are_codes_and_nothing_written(world, meeting):
    c = client_for(world["worker"])
    r = c.post(
        f"/api/v1/meetings/{meeting.pk}/decisions",
        {
            "decision": "x",
            "responsible_party": "community",
            "responsible_person": "罗小燕",
            "deadline": "2026-03-01",
        },
        content_type="application/json",
    )
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "meetings.deadline_before_meeting"
    assert body["details"] == [{"field": "deadline", "value": "2026-03-01"}]
    # a compound the worker cannot see: the same 404 as a missing one, its name not given
    r = c.post(
        f"/api/v1/meetings/{meeting.pk}/agenda",
        {"title": "新塘的事", "compound": world["other_compound"].pk},
        content_type="application/json",
    )
    missing = c.post(
        f"/api/v1/meetings/{meeting.pk}/agenda",
        {"title": "新塘的事", "compound": 987654321},
        content_type="application/json",
    )
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert r.json() == missing.json() and "新塘" not in r.content.decode()
    assert Action.objects.count() == 0 and meeting.agenda.count() == 0


def test_board_overdue_first_and_minutes(world, meeting):
    w = world["worker"]
    late = record(meeting, w, deadline=D0 + dt.timedelta(days=1), decision="早已逾期")
    record(meeting, w, deadline=dt.date(2099, 1, 1), decision="远期")
    c = client_for(w)
    rows = c.get("/api/v1/meetings/actions").json()
    assert [r["decision"] for r in rows] == ["早已逾期", "远期"]
    assert rows[0]["overdue"] is True and rows[1]["overdue"] is False
    assert [r["id"] for r in c.get("/api/v1/meetings/actions?overdue=true").json()] == [late.pk]
    r = c.get(f"/api/v1/meetings/{meeting.pk}/minutes.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    r = c.get(f"/api/v1/meetings/{meeting.pk}/minutes.docx?public=true")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert "%EF%BC%88%E5%85%AC%E5%BC%80%E7%89%88%EF%BC%89" in r["Content-Disposition"]  # （公开版）
    assert c.get(f"/api/v1/meetings/{meeting.pk}/minutes.xls").status_code == 404


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("worker", True),
        ("county", True),
        ("town_official", True),
        ("xt_worker", False),
        ("housing_staff", True),  # 住建 attended
        ("fire_staff", False),
        ("leader_a", False),
        ("resident_a", False),
    ],
)
def test_isolation_per_endpoint(world, meeting, who, sees):
    services.attendee_add(
        actor=None,
        meeting=meeting,
        party="county_department",
        name="谭志勇",
        department=world["housing"],
    )
    a = record(meeting, None, deadline=D0)
    c = client_for(world[who])
    expected = 200 if sees else 404
    assert len(c.get("/api/v1/meetings/").json()) == (1 if sees else 0)
    assert c.get(f"/api/v1/meetings/{meeting.pk}").status_code == expected
    assert c.get(f"/api/v1/meetings/actions/{a.pk}").status_code == expected
    assert c.get(f"/api/v1/meetings/{meeting.pk}/minutes.pdf").status_code == expected
    board = c.get("/api/v1/meetings/actions").json()
    # department staff see only their department's actions on the board (none assigned here)
    assert len(board) == (1 if sees and who != "housing_staff" else 0)
    r = c.post(
        f"/api/v1/meetings/actions/{a.pk}/progress", {"note": "x"}, content_type="application/json"
    )
    assert r.status_code == (
        201 if who in ("worker", "county", "town_official") else 403 if sees else 404
    )


def test_department_sees_meetings_that_assigned_it_work(world):
    m = services.meeting_create(
        actor=world["worker"], region=world["regions"]["xingdong"], held_on=D0, place="会议室"
    )
    record(m, None, deadline=D0, party="county_department", department=world["fire"])
    c = client_for(world["fire_staff"])
    assert [x["id"] for x in c.get("/api/v1/meetings/").json()] == [m.pk]
    assert len(c.get("/api/v1/meetings/actions").json()) == 1
    assert client_for(world["housing_staff"]).get("/api/v1/meetings/").json() == []


def test_town_meeting_about_a_compound_is_seen_by_its_community(world):
    m = services.meeting_create(
        actor=world["town_official"],
        region=world["regions"]["town"],
        held_on=D0,
        place="镇政府",
        compounds=[world["compound"]],
    )
    assert [x["id"] for x in client_for(world["worker"]).get("/api/v1/meetings/").json()] == [m.pk]
    assert client_for(world["xt_worker"]).get("/api/v1/meetings/").json() == []
    # the community worker sees it but the town convened it: he cannot record decisions
    r = client_for(world["worker"]).post(
        f"/api/v1/meetings/{m.pk}/attendees",
        {"party": "community", "name": "罗小燕"},
        content_type="application/json",
    )
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert Meeting.objects.count() == 1


def test_anonymous_is_401(world, meeting):
    assert client_for(None).get("/api/v1/meetings/").status_code == 401
