"""Joint meetings in headless Chromium at phone width (390 px): the worker's entry page, a new
meeting, the meeting with its carried-over section and exports, the actions board (overdue
first, htmx filter), an action with the htmx progress form.

Screenshots go to $LINLI_SCREENSHOTS (as ``meetings-*.png``) when it names a folder.
"""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linli.accounts.models import Role
from linli.cases.models import Department
from linli.meetings import services
from linli.meetings.models import Action, Meeting
from tests.factories import make_user

from .test_cases_pages import login
from .test_pages import CHROMIUM, browser, page, shot  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.mark.django_db(transaction=True)
def test_meetings_on_a_phone(page, live_server, regions, compound, cases_seeded):  # noqa: F811
    worker = make_user("xd_worker", Role.COMMUNITY_WORKER, regions["xingdong"], "兴东工作人员")
    housing = Department.objects.get(code="housing")
    today = timezone.localdate()
    first = services.meeting_create(
        actor=worker,
        region=regions["xingdong"],
        held_on=today - dt.timedelta(days=60),
        place="兴东社区党群服务中心会议室",
        title="兴东社区第一季度五方联席会",
        chair="刘卫东",
    )
    for party, name, dep in (
        ("county_department", "周振华", None),
        ("county_department", "谭志勇", housing),
        ("town", "刘卫东", None),
        ("community", "罗小燕", None),
        ("committee", "李德明", None),
        ("property", "王建军", None),
    ):
        services.attendee_add(actor=worker, meeting=first, party=party, name=name, department=dep)
    item = services.agenda_item_add(
        actor=worker,
        meeting=first,
        title="粮站宿舍雨污管网堵塞",
        compound=compound,
        problem="主干排水管老化堵塞，雨季院内积水。",
    )
    drain = services.action_record(
        actor=worker,
        meeting=first,
        agenda_item=item,
        decision="疏通并更换院内主干排水管",
        responsible_party="community",
        responsible_unit="兴东社区",
        responsible_person="罗小燕",
        deadline=today - dt.timedelta(days=20),
    )
    services.action_progress_add(actor=worker, action=drain, note="已请市政队伍检测")
    done = services.action_record(
        actor=worker,
        meeting=first,
        agenda_item=item,
        decision="制定楼道照明改造方案",
        responsible_party="county_department",
        department=housing,
        responsible_person="谭志勇",
        deadline=today - dt.timedelta(days=30),
    )
    services.action_complete(actor=worker, action=done, note="楼道灯 36 盏更换完毕")
    services.action_record(
        actor=worker,
        meeting=first,
        agenda_item=item,
        decision="业委会起草停车管理公约",
        responsible_party="committee",
        responsible_person="李德明",
        deadline=today + dt.timedelta(days=20),
    )

    # entry page: figures, open actions overdue first, meetings
    login(page, live_server, "xd_worker", "/meetings/")
    assert page.locator("h1").inner_text() == "五方联席会"
    rows = page.locator("#open-actions li")
    assert rows.count() == 2
    assert "疏通并更换" in rows.nth(0).inner_text() and "逾期20天" in rows.nth(0).inner_text()
    shot(page, "meetings-index")

    # a new meeting through the form
    page.click("text=新建会议")
    page.fill("input[name=place]", "兴东社区党群服务中心会议室")
    page.fill("input[name=title]", "兴东社区第二季度五方联席会")
    shot(page, "meetings-new")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=已登记会议")
    second = Meeting.objects.get(title="兴东社区第二季度五方联席会")
    shot(page, "meetings-created")
    assert "上次遗留逾期事项（1）" in page.content()

    # add an attendee and a decision on the meeting page
    page.click("summary:has-text('登记参会人员')")
    page.select_option("form[action$='/attendee/'] select[name=party]", "town")
    page.fill("form[action$='/attendee/'] input[name=name]", "刘卫东")
    page.fill("form[action$='/attendee/'] input[name=unit]", "洣水镇党委副书记")
    page.click("form[action$='/attendee/'] button[type=submit]")
    page.wait_for_selector("text=已登记参会人员")
    page.click("summary:has-text('记录议定事项')")
    page.fill("form[action$='/decision/'] textarea[name=decision]", "落实管网改造资金")
    page.select_option("form[action$='/decision/'] select[name=responsible_party]", "town")
    page.fill("form[action$='/decision/'] input[name=responsible_person]", "刘卫东")
    page.fill(
        "form[action$='/decision/'] input[name=deadline]",
        (today + dt.timedelta(days=30)).isoformat(),
    )
    page.click("form[action$='/decision/'] button[type=submit]")
    page.wait_for_selector("text=已记录议定事项")
    assert second.actions.get().mode_role == "organise"
    page.goto(f"{live_server.url}/meetings/{first.pk}/")
    shot(page, "meetings-detail")
    page.goto(f"{live_server.url}/meetings/{second.pk}/")
    shot(page, "meetings-detail-second")

    # the board: overdue first; filter by status with htmx
    page.goto(f"{live_server.url}/meetings/actions/")
    items = page.locator("#board li")
    assert items.count() == 4
    assert "疏通并更换" in items.nth(0).inner_text()
    assert "制定楼道照明" in items.nth(3).inner_text()  # closed last
    shot(page, "meetings-board")
    page.select_option("select[name=status]", "done")
    expect(page.locator("#board li")).to_have_count(1)  # no string eval: the CSP forbids it

    # the overdue action: record progress with htmx, then complete it
    page.goto(f"{live_server.url}/meetings/actions/{drain.pk}/")
    page.fill("form[action$='/progress/'] textarea[name=note]", "镇财政同意列支，施工队进场")
    page.click("form[action$='/progress/'] button[type=submit]")
    page.wait_for_selector("text=已记录进展")
    assert page.locator("#log li").count() == 3
    shot(page, "meetings-action")
    page.click("summary:has-text('办结')")
    page.fill("form[action$='/complete/'] textarea[name=note]", "管网更换完毕，社区验收")
    page.click("form[action$='/complete/'] button[type=submit]")
    page.wait_for_selector("text=事项已办结")
    drain.refresh_from_db()
    assert drain.status == "done"
    assert Action.objects.filter(status="done").count() == 2
    shot(page, "meetings-action-done")
