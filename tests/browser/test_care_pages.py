"""A 邻长's care visit on a phone (390 px): the grid page's care box, the overdue list, the
visit form with a mode tapped, and the visit stored.

Screenshots go to $LINLI_SCREENSHOTS (as ``care-*.png``) when it names a folder.
"""

import datetime as dt
import os
from pathlib import Path

import pytest

from linli.care import services
from linli.grid.models import Visit

from .test_pages import CHROMIUM, browser, page, shot  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.mark.django_db(transaction=True)
def test_leader_visits_from_the_phone(page, live_server, grid_world, cases_seeded):  # noqa: F811
    w = grid_world
    wang = services.recipient_register(
        actor=None,
        resident=w["residents"]["a2"],
        categories=["lives_alone"],
        registered_on=dt.date(2026, 1, 5),
    )
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "linzhang_a")
    page.fill("input[name=password]", "pw-linli-test")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/grid/")
    shot(page, "care-grid-box")
    page.click("a.care-box")
    page.wait_for_selector("text=已逾期")
    assert "王桂兰" in page.content()
    shot(page, "care-leader-list")
    page.click("a.care-go >> nth=0")
    page.wait_for_selector("text=保存探访记录")
    page.click("label.care-mode:has-text('电话')")
    page.fill("textarea[name=health]", "血压正常")
    shot(page, "care-leader-form")
    page.click("button.care-submit")
    page.wait_for_selector("text=已记录对王桂兰的探访")
    visit = Visit.objects.get()
    assert (visit.mode, visit.health, list(visit.care_recipients.all())) == (
        "phone",
        "血压正常",
        [wang],
    )
