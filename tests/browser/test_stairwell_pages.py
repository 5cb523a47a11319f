"""楼道码 on a phone (390 px): a resident scans the stairwell's code, sees its 三长 and the
nearest service points, reports a problem without signing in; the 邻长 confirms it.

Screenshots go to $LINLI_SCREENSHOTS (as ``stairwell-*.png``) when it names a folder.
"""

import dataclasses
import datetime as dt
import os
from pathlib import Path

import pytest

from linli.cases.models import Case
from linli.grid import services as grid_services
from linli.stairwell import services, views

from .test_pages import CHROMIUM, browser, page, shot  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@dataclasses.dataclass
class NearPoint:
    point_id: int
    name: str
    address: str
    phone: str
    distance_m: float
    open_now: bool
    next_open: dt.datetime | None


def _no_overflow(tab) -> None:
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.django_db(transaction=True)
def test_scan_report_and_confirm(page, live_server, grid_world, cases_seeded, monkeypatch):  # noqa: F811
    w = grid_world
    grid_services.post_assign(
        grid=w["group"], resident=w["residents"]["a"], user=w["group_leader"], reason="推选"
    )
    w["n_a"].complaint_phone = "0734-5212345"
    w["n_a"].save()
    monkeypatch.setattr(
        views,
        "nearby_points",
        lambda compound: [
            NearPoint(1, "兴东社区党群服务中心", "兴东路 8 号", "0734-5216677", 320, True, None),
            NearPoint(
                2,
                "洣水镇便民服务中心",
                "洣水大道 1 号",
                "",
                1530,
                False,
                dt.datetime(2026, 12, 3, 8, 30),
            ),
        ],
    )
    code = dict(services.codes_for_community(community=w["community"]))
    token = next(iter(code.values())).token

    page.goto(f"{live_server.url}/s/{token}/")
    assert "王桂兰" in page.content() and "刘建国" in page.content()
    _no_overflow(page)
    shot(page, "stairwell-page")
    page.select_option("select[name=category]", "sanitation")
    page.fill("textarea[name=description]", "二楼到三楼的楼梯间堆满了纸箱，晚上容易绊倒。")
    page.click("button.sw-submit")
    page.wait_for_selector("text=已收到，谢谢您")
    _no_overflow(page)
    shot(page, "stairwell-done")
    case = Case.objects.get()
    assert case.unverified and case.reporter is None

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "linzhang_a")
    page.fill("input[name=password]", "pw-linli-test")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/todo/")
    assert "1 条楼道码反映待您核实" in page.content()
    shot(page, "stairwell-todo")
    page.goto(f"{live_server.url}/stairwell/reports/")
    _no_overflow(page)
    shot(page, "stairwell-reports")
    page.click("button:has-text('属实，转入办理')")
    page.wait_for_selector("text=已核实属实")
    case.refresh_from_db()
    assert not case.unverified
