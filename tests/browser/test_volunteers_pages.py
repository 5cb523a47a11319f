"""Volunteer pages at phone width (390 px): the volunteer signs up, scans the activity's code
and checks in and out, reads their hours and points; the organiser shows the QR code, ticks
the roll and approves; the public certificate check.

Screenshots go to $LINLI_SCREENSHOTS (as ``volunteers-*.png``) when it names a folder.
"""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from linli.volunteers import services
from linli.volunteers.models import RecordStatus, ServiceRecord, Shift

from ..volunteers.conftest import vworld  # noqa: F401  (fixture)
from .test_cases_pages import login
from .test_pages import CHROMIUM, browser, page, shot  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.mark.django_db(transaction=True)
def test_volunteer_and_organiser_on_a_phone(page, live_server, vworld):  # noqa: F811
    w = vworld
    now = timezone.now()
    # history: an approved morning, 30 points of awards, the 积分超市
    services.roll_record(
        actor=w["worker"], shift=w["shift"], volunteer=w["va"], when=w["shift"].end
    )
    services.record_approve_batch(actor=w["worker"], records=list(ServiceRecord.objects.all()))
    services.award_grant(
        actor=w["worker"],
        volunteer=w["va"],
        title="优秀志愿者",
        date=now.date(),
        issuer="兴东社区",
        points=30,
    )
    for name, points, stock in (("毛巾", 20, 10), ("大米5公斤", 120, 3)):
        services.reward_item_create(
            actor=w["worker"], community=w["community"], name=name, points=points, stock=stock
        )
    live = Shift.objects.create(
        activity=w["activity"],
        start=now - dt.timedelta(minutes=20),
        end=now + dt.timedelta(hours=2),
        places=8,
        role="清扫",
    )
    services.activity_create(
        actor=w["worker"],
        community=w["community"],
        title="夜间安全巡逻",
        kind="patrol",
        place="粮站宿舍",
        rrule="FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=6",
        first_start=now + dt.timedelta(days=1),
        duration=dt.timedelta(hours=2),
        places=10,
    )

    login(page, live_server, "jumin_a", "/volunteers/")
    page.click("text=我要报名 >> nth=0")
    page.wait_for_load_state()
    assert "已报名" in page.content()
    shot(page, "volunteers-mine")

    token = services.checkin_token(live)
    page.goto(f"{live_server.url}/volunteers/checkin/{token}/")
    shot(page, "volunteers-checkin")
    page.click("button:has-text('签到')")
    page.wait_for_load_state()
    assert "签到成功" in page.content()
    record = ServiceRecord.objects.get(shift=live)
    record.check_in = now - dt.timedelta(minutes=15)  # a quarter of an hour of service
    record.save()
    page.click("button:has-text('签退')")
    page.wait_for_load_state()
    shot(page, "volunteers-checkout")
    assert ServiceRecord.objects.get(shift=live).status == RecordStatus.PENDING

    page.goto(f"{live_server.url}/volunteers/hours/")
    page.click("text=时间不对？申请更正 >> nth=0")
    shot(page, "volunteers-hours")
    page.goto(f"{live_server.url}/volunteers/points/")
    shot(page, "volunteers-points")

    login(page, live_server, "xd_worker", "/volunteers/desk/")
    shot(page, "volunteers-desk")
    page.goto(f"{live_server.url}/volunteers/desk/shifts/{live.pk}/")
    shot(page, "volunteers-roll")
    page.goto(f"{live_server.url}/volunteers/desk/approvals/")
    shot(page, "volunteers-approvals")
    page.click("text=确认所选")
    page.wait_for_load_state()
    assert ServiceRecord.objects.get(shift=live).status == RecordStatus.APPROVED

    cert = services.certificate_issue(
        actor=w["worker"],
        volunteer=w["va"],
        period_start=w["shift"].start.date(),
        period_end=now.date(),
        person_in_charge="李书记",
        handler="王芳",
        contact="0734-5221234",
    )
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/v/{cert.token}/")
    assert "此证明真实有效" in page.content()
    shot(page, "volunteers-verify")
