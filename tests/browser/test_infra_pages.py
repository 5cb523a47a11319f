"""The worker's plan board (一小区一对策) and a problem's page on a phone (390 px): the stage
filter swapped by htmx, a step taken from the page, a skipped stage refused in Chinese; nothing
wider than the screen and no text under 14 px.

Screenshots go to $LINLI_SCREENSHOTS (as ``infra-*.png``) when it names a folder.
"""

import io
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from linli.infra import services
from linli.infra.models import Problem

from ..infra.conftest import add, approved, world  # noqa: F401  (fixtures)
from .test_pages import CHROMIUM, browser, page, shot  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SMALLEST_TEXT = """() => {
  let min = 99;
  for (const el of document.querySelectorAll('main *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || el.offsetParent === null) continue;
    min = Math.min(min, parseFloat(getComputedStyle(el).fontSize));
  }
  return min;
}"""


def _jpeg(colour):
    buf = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(buf, "JPEG")
    return SimpleUploadedFile("p.jpg", buf.getvalue(), content_type="image/jpeg")


def _fits(tab) -> None:
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    assert tab.evaluate(SMALLEST_TEXT) >= 14


@pytest.mark.django_db(transaction=True)
def test_worker_plan_board_and_problem_on_the_phone(page, live_server, world, add, approved):  # noqa: F811
    w = world["worker"]
    add(title="消防通道被电动车堵塞", kind="fire", location="2栋楼下", photos=[_jpeg("red")])
    roof = approved(
        title="1栋顶层屋面漏水",
        kind="roof_leak",
        shares=[("fiscal", "20000"), ("maintenance_fund", "30000")],
    )
    services.fund_vote_open(actor=w, problem=roof)
    lamp = approved(title="院内路灯不亮", kind="street_light", shares=[("fiscal", "7400")])
    services.problem_advance(actor=w, problem=lamp, to="implementing")
    services.photo_add(actor=w, problem=lamp, phase="before", photos=[_jpeg("gray")])
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", w.username)
    page.fill("input[name=password]", "pw-linli-test")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/infra/compound/{world['compound'].pk}/")
    page.wait_for_selector("text=1栋顶层屋面漏水")
    _fits(page)
    shot(page, "infra-board")
    page.click("a.infra-chip:has-text('立项')")
    page.wait_for_selector("a.infra-chip.on:has-text('立项')")  # swapped by htmx
    assert "消防通道被电动车堵塞" not in page.inner_text("#problems")
    page.click("a.infra-title:has-text('1栋顶层屋面漏水')")
    page.wait_for_selector("text=资金来源")
    _fits(page)
    shot(page, "infra-problem")
    assert page.locator("button:has-text('进入下一阶段')").count() == 0  # the money first
    assert "资金落实后才能进入实施" in page.content()
    page.goto(f"{live_server.url}/infra/problem/{lamp.pk}/")
    page.fill("input[name=amount]", "7380.005")
    page.click("button:has-text('登记实际支出')")
    page.wait_for_selector("text=实际支出最多两位小数")
    assert Problem.objects.get(pk=lamp.pk).actual is None
    page.goto(f"{live_server.url}/infra/problem/{lamp.pk}/")
    page.fill("input[name=amount]", "7,380.00")
    page.click("button:has-text('登记实际支出')")
    page.wait_for_selector("text=实际支出已登记")
    _fits(page)
    shot(page, "infra-problem-implementing")
    assert str(Problem.objects.get(pk=lamp.pk).actual) == "7380.00"
