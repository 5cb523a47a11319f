"""Pages: the entry page, a meeting, the new-meeting form, the board (htmx filter), an action
with its htmx progress form; who gets 404."""

import datetime as dt

import pytest
from django.test import Client

from linli.meetings import services
from linli.meetings.models import Action, Meeting

from .conftest import D0, record

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_index_lists_meetings_and_overdue_first(world, meeting, django_assert_max_num_queries):
    record(meeting, world["worker"], deadline=dt.date(2099, 1, 1), decision="远期事项")
    record(meeting, world["worker"], deadline=D0, decision="逾期事项")
    c = client_for(world["worker"])
    with django_assert_max_num_queries(12):
        r = c.get("/meetings/")
    html = r.content.decode()
    assert r.status_code == 200
    assert html.index("逾期事项") < html.index("远期事项")
    assert "逾期" in html and meeting.title in html and "新建会议" in html


@pytest.mark.parametrize("who", ["leader_a", "resident_a", "xt_worker"])
def test_pages_refused(world, meeting, who):
    a = record(meeting, None, deadline=D0)
    c = client_for(world[who])
    assert c.get(f"/meetings/{meeting.pk}/").status_code == 404
    assert c.get(f"/meetings/actions/{a.pk}/").status_code == 404
    assert c.get(f"/meetings/{meeting.pk}/minutes.pdf").status_code == 404
    if who != "xt_worker":
        assert c.get("/meetings/").status_code == 404
        assert c.get("/meetings/actions/").status_code == 404


def test_new_meeting_form(world):
    c = client_for(world["worker"])
    assert c.get("/meetings/new/").status_code == 200
    r = c.post(
        "/meetings/new/",
        {
            "region": world["regions"]["xingdong"].pk,
            "held_on": "2026-03-02",
            "place": "党群服务中心",
            "convener": "县委组织部",
            "compounds": [world["compound"].pk],
        },
    )
    m = Meeting.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/meetings/{m.pk}/"
    r = c.post("/meetings/new/", {"region": world["regions"]["xingdong"].pk, "held_on": ""})
    assert r.status_code == 200 and "请填写会议日期" in r.content.decode()
    assert Meeting.objects.count() == 1
    assert client_for(world["housing_staff"]).get("/meetings/new/").status_code == 404


def test_detail_forms(world, meeting):
    c = client_for(world["worker"])
    base = f"/meetings/{meeting.pk}/add"
    c.post(f"{base}/attendee/", {"party": "committee", "name": "李德明", "unit": "业委会主任"})
    c.post(
        f"{base}/agenda/",
        {"title": "设施安全", "compound": world["compound"].pk, "cases": [world["case"].pk]},
    )
    item = meeting.agenda.get()
    r = c.post(
        f"{base}/decision/",
        {
            "agenda_item": item.pk,
            "decision": "更换门禁",
            "responsible_party": "county_department",
            "department": world["housing"].pk,
            "responsible_person": "谭志勇",
            "deadline": "2026-03-01",
        },
        follow=True,
    )
    assert "早于会议日期" in r.content.decode()
    assert Action.objects.count() == 0
    c.post(
        f"{base}/decision/",
        {
            "agenda_item": item.pk,
            "decision": "更换门禁",
            "responsible_party": "county_department",
            "department": world["housing"].pk,
            "responsible_person": "谭志勇",
            "deadline": "2026-04-01",
        },
    )
    a = Action.objects.get()
    assert (a.mode_role, a.agenda_item, a.department) == ("guide", item, world["housing"])
    html = c.get(f"/meetings/{meeting.pk}/").content.decode()
    for text in ("李德明", "设施安全", world["case"].number, "更换门禁", "指导", "纪要 PDF"):
        assert text in html
    # a department's staff who attended read the page but get no forms
    services.attendee_add(
        actor=None,
        meeting=meeting,
        party="county_department",
        name="谭",
        department=world["housing"],
    )
    staff_html = client_for(world["housing_staff"]).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "更换门禁" in staff_html and "登记参会人员" not in staff_html


def test_carried_over_section_on_the_next_meeting(world, meeting):
    record(meeting, world["worker"], deadline=D0, decision="疏通排水管")
    second = services.meeting_create(
        actor=world["worker"],
        region=world["regions"]["xingdong"],
        held_on=D0 + dt.timedelta(days=30),
        place="会议室",
    )
    html = client_for(world["worker"]).get(f"/meetings/{second.pk}/").content.decode()
    assert "上次遗留逾期事项（1）" in html and "会时已逾期30天" in html


def test_board_filters_and_htmx(world, meeting):
    record(meeting, world["worker"], deadline=D0, decision="社区事项")
    record(meeting, world["worker"], deadline=D0, party="town", decision="镇事项")
    c = client_for(world["worker"])
    html = c.get("/meetings/actions/?party=town").content.decode()
    assert "镇事项" in html and "社区事项" not in html
    r = c.get("/meetings/actions/?status=done", HTTP_HX_REQUEST="true")
    assert "没有符合条件" in r.content.decode() and "<html" not in r.content.decode()


def test_action_htmx_progress_complete(world, meeting):
    a = record(meeting, world["worker"], deadline=D0)
    c = client_for(world["worker"])
    url = f"/meetings/actions/{a.pk}"
    assert "记录进展" in c.get(f"{url}/").content.decode()
    r = c.post(f"{url}/progress/", {"note": "已请施工队"}, HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert r.status_code == 200 and "已记录进展" in body and "已请施工队" in body
    assert "<html" not in body
    r = c.post(f"{url}/complete/", {"note": ""}, HTTP_HX_REQUEST="true")
    assert "请填写办结说明" in r.content.decode()
    r = c.post(f"{url}/complete/", {"note": "完工"})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == "done"
    html = c.get(f"{url}/").content.decode()
    assert "办结说明" in html and "记录进展</button>" not in html


def test_list_pages_do_not_grow_with_rows(world, meeting, django_assert_max_num_queries):
    item = services.agenda_item_add(
        actor=None, meeting=meeting, title="议题", compound=world["compound"]
    )
    for i in range(15):
        record(
            meeting,
            None,
            deadline=D0 + dt.timedelta(days=i),
            party="county_department",
            department=world["housing"],
            agenda_item=item,
            decision=f"事项{i}",
        )
    c = client_for(world["worker"])
    with django_assert_max_num_queries(10):
        assert c.get("/meetings/actions/").status_code == 200
    with django_assert_max_num_queries(12):
        assert c.get("/meetings/").status_code == 200
    with django_assert_max_num_queries(20):
        assert c.get(f"/meetings/{meeting.pk}/").status_code == 200
    with django_assert_max_num_queries(10):
        assert len(c.get("/api/v1/meetings/actions").json()) == 15
