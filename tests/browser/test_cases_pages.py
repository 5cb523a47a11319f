"""The case loop in headless Chromium at phone width (390 px): a resident reports in three
taps, the 邻长 accepts and resolves from the inbox, the resident rates; the worker's board.

Screenshots go to $LINLI_SCREENSHOTS (as ``cases-*.png``) when it names a folder.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from linli.cases import services
from linli.cases.models import Case, Category, Department

from .test_pages import CHROMIUM, browser, page, shot  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def login(tab, live_server, username: str, lands: str) -> None:
    tab.context.clear_cookies()
    tab.goto(f"{live_server.url}/login/")
    tab.fill("input[name=username]", username)
    tab.fill("input[name=password]", "pw-linli-test")
    tab.click("main button[type=submit]")
    tab.wait_for_load_state()
    tab.goto(f"{live_server.url}{lands}")


@pytest.mark.django_db(transaction=True)
def test_report_handle_rate_on_a_phone(page, live_server, grid_world, cases_seeded, tmp_path):  # noqa: F811
    from PIL import Image

    photo = tmp_path / "wire.png"
    Image.new("RGB", (64, 48), "orange").save(photo)

    # tap 1: category, tap 2: describe + photo, tap 3: submit
    login(page, live_server, "jumin_a", "/cases/new/")
    shot(page, "cases-report-pick")
    page.click("text=飞线充电")
    page.fill("textarea[name=description]", "3楼窗口拉电线给电动车充电，晚上一直插着")
    page.set_input_files("input[name=photos]", str(photo))
    shot(page, "cases-report-form")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=办理过程")
    assert "第1邻邻长" in page.content()
    case = Case.objects.get()
    assert case.photos.count() == 1
    shot(page, "cases-resident-detail")

    # the 邻长's inbox, ordered by deadline; accept, then resolve
    login(page, live_server, "linzhang_a", "/cases/inbox/")
    assert case.number in page.content()
    shot(page, "cases-leader-inbox")
    page.click(f"text={case.number}")
    page.wait_for_selector("text=办理过程")
    shot(page, "cases-leader-act")
    page.click("form[action$='/accept/'] button[type=submit]")
    page.wait_for_selector("text=已受理")
    page.click("summary:has-text('办结并反馈')")
    page.fill("form[action$='/resolve/'] textarea[name=note]", "已劝导拆除飞线，引导到充电桩充电")
    page.click("form[action$='/resolve/'] button[type=submit]")
    page.wait_for_selector("text=已办结并反馈")
    case.refresh_from_db()
    assert case.stage == "feedback"

    # the resident sees the timeline and rates
    login(page, live_server, "jumin_a", f"/cases/{case.pk}/")
    page.click("text=满意 >> nth=0")
    shot(page, "cases-resident-rate")
    page.click("text=提交评价")
    page.wait_for_selector("text=已评价")
    case.refresh_from_db()
    assert (case.stage, case.satisfaction) == ("rated", "satisfied")
    page.goto(f"{live_server.url}/cases/mine/")
    shot(page, "cases-resident-mine")


@pytest.mark.django_db(transaction=True)
def test_dispatch_board_and_department_on_a_phone(
    page,  # noqa: F811
    live_server,
    grid_world,
    cases_seeded,
    xingdong_worker,
    regions,
):
    from linli.accounts.models import Role
    from tests.factories import make_user

    sanitation = Category.objects.get(code="sanitation")
    fire = Department.objects.get(code="fire")
    staff = make_user("fire_staff", Role.DEPARTMENT_STAFF, regions["county"], "消防员")
    services.department_member_add(actor=None, department=fire, user=staff)
    for room, text in (("101", "楼道堆放纸箱"), ("102", "垃圾桶满溢"), ("201", "单元门口积水")):
        services.case_report(
            actor=xingdong_worker,
            household=grid_world["households"][room],
            category=sanitation,
            description=text,
        )
    flying = services.case_report(
        actor=grid_world["resident_a"],
        household=grid_world["households"]["101"],
        category=Category.objects.get(code="flying_lead_charging"),
        description="飞线充电",
    )
    flying = services.case_accept(actor=xingdong_worker, case=flying)
    flying = services.case_escalate(actor=xingdong_worker, case=flying, reason="劝导无效")
    assert flying.level == 4  # 组/片 posts are vacant here: straight to the community

    login(page, live_server, "xd_worker", "/cases/board/")
    assert page.locator("#board li").count() == 4
    shot(page, "cases-board")
    page.select_option("select[name=stage]", "accepted")
    expect(page.locator("#board li")).to_have_count(1)  # no string eval: the CSP forbids it
    shot(page, "cases-board-filtered")
    page.click(f"text={flying.number}")
    page.wait_for_selector("text=办理过程")
    page.click("summary:has-text('派遣部门')")
    page.select_option("form[action$='/dispatch/'] select[name=department]", str(fire.pk))
    page.click("form[action$='/dispatch/'] button[type=submit]")
    page.wait_for_selector("text=已派遣部门")
    shot(page, "cases-worker-dispatched")

    login(page, live_server, "fire_staff", "/cases/department/")
    assert flying.number in page.content()
    shot(page, "cases-department")
    page.goto(f"{live_server.url}/cases/measures/")
    shot(page, "cases-measures-department")
    login(page, live_server, "xd_worker", "/cases/measures/?by=neighbour")
    shot(page, "cases-measures")
