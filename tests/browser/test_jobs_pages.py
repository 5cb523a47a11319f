"""The job board and a posting on a phone (390 px), anonymous: the posting's JobPosting JSON-LD
is read back from the DOM and parsed, with no CSP violation (a data block is not a script the
policy governs); then 居民 B's job-seeker page: applying, his applications and courses.

Screenshots go to $LINLI_SCREENSHOTS (as ``jobs-*.png``) when it names a folder.
"""

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from linli.jobs import services

from ..jobs.conftest import jworld, make_posting  # noqa: F401  (fixtures)
from .test_csp import WATCH
from .test_pages import CHROMIUM, browser, page, shot  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _no_overflow(tab) -> None:
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.django_db(transaction=True)
def test_board_posting_and_seeker_page_on_a_phone(page, live_server, jworld):  # noqa: F811
    w = jworld
    page.context.add_init_script(WATCH)
    make_posting(w)
    home = make_posting(
        w,
        employer=w["workshop"],
        title="居家串珠手工",
        description="在家串珠、编织饰品，按件计酬，车间上门收发。</script><b>",
        at_home=True,
        days=[],
        start_time=None,
        end_time=None,
        salary_min="15",
        work_hours="孩子上学时在家做",
        skills="手工",
        total_openings=30,
    )
    make_posting(
        w,
        title="家政保洁（日结）",
        employment_type="PER_DIEM",
        salary_min="150",
        salary_unit="DAY",
        days=[],
        start_time=None,
        end_time=None,
    )
    page.goto(f"{live_server.url}/jobs/")
    page.wait_for_load_state("networkidle")
    assert "居家串珠手工" in page.content()
    _no_overflow(page)
    shot(page, "jobs-board")
    page.click("text=居家串珠手工")
    page.wait_for_selector("h1")
    raw = page.evaluate(
        "document.querySelector('script[type=\"application/ld+json\"]').textContent"
    )
    data = json.loads(raw)
    assert data["@type"] == "JobPosting" and data["jobLocationType"] == "TELECOMMUTE"
    assert data["description"].endswith("</script><b>")
    assert page.evaluate("window.__csp") == []
    _no_overflow(page)
    shot(page, "jobs-posting")

    course_day = dt.date.today() + dt.timedelta(days=10)
    services.course_create(
        actor=w["worker"],
        community=w["community"],
        title="手工编织培训",
        skill="手工",
        starts_on=course_day,
        capacity=20,
        sessions=[course_day],
        place="兴东社区党群服务中心",
    )
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "jumin_b")
    page.fill("input[name=password]", "pw-linli-test")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/jobs/posting/{home.pk}/")
    page.click("text=我要报名")
    page.wait_for_selector("text=已报名")
    page.goto(f"{live_server.url}/jobs/me/")
    page.click("text=报名 >> nth=-1")
    page.wait_for_selector("text=已报名“手工编织培训”")
    assert "居家串珠手工" in page.content()
    assert page.evaluate("window.__csp") == []
    _no_overflow(page)
    shot(page, "jobs-seeker")


def _login(tab, live_server, username):
    tab.context.clear_cookies()
    tab.goto(f"{live_server.url}/login/")
    tab.fill("input[name=username]", username)
    tab.fill("input[name=password]", "pw-linli-test")
    tab.click("main button[type=submit]")
    tab.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_employer_form_and_station_on_a_phone(page, live_server, jworld):  # noqa: F811
    w = jworld
    page.context.add_init_script(WATCH)
    _login(page, live_server, "wuye")
    page.goto(f"{live_server.url}/jobs/employer/post/")
    page.fill("input[name=title]", "小区保洁员")
    page.fill("textarea[name=description]", "楼道和公共区域每日清扫")
    page.fill("input[name=salary_min]", "20元")  # bad: a clear error, nothing stored
    page.click("button.jobs-go")
    page.wait_for_selector("text=薪酬须为金额")
    _no_overflow(page)
    shot(page, "jobs-employer-form-error")
    page.fill("input[name=salary_min]", "20")
    page.click("label.jobs-day:has-text('一')")
    page.click("button.jobs-go")
    page.wait_for_selector("text=已发布")
    posting = w["property"].postings.get()
    assert posting.days == [1]
    _login(page, live_server, "xd_worker")
    page.goto(f"{live_server.url}/jobs/station/posting/{posting.pk}/")
    page.click(f"form:has(input[value='{w['sa'].pk}']) button")
    page.wait_for_selector("text=已推荐刘建国")
    assert page.evaluate("window.__csp") == []
    _no_overflow(page)
    shot(page, "jobs-station-posting")
