"""就近办 on a phone (390 px): a resident starts from their own compound, a stranger from the
phone's position (the browser's geolocation, WGS-84); the item's guide page. No horizontal
overflow, no text under 14 px, tap targets at least 44 px high.

Screenshots go to $LINLI_SCREENSHOTS (as ``services-*.png``) when it names a folder.
"""

import os
from pathlib import Path

import pytest

from ..services.conftest import catalogue, town_official  # noqa: F401  (fixtures)
from .test_pages import CHROMIUM, browser, page, shot  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHECK = """() => {
  const main = document.querySelector('main');
  let small = [];
  for (const el of main.querySelectorAll('*')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const r = el.getBoundingClientRect();
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (own && r.width > 0 && size < 14) small.push(el.textContent.trim().slice(0, 20));
  }
  const taps = [...main.querySelectorAll('a.button, button, select, a.svc-name, a.svc-call')]
    .filter(e => e.getBoundingClientRect().height > 0 && e.getBoundingClientRect().height < 44)
    .map(e => e.textContent.trim().slice(0, 20));
  return {width: document.documentElement.scrollWidth, small, taps};
}"""


def _check(tab):
    got = tab.evaluate(CHECK)
    assert got["width"] <= 390, got
    assert not got["small"], got
    assert not got["taps"], got


@pytest.mark.django_db(transaction=True)
def test_resident_finds_the_nearest_point(page, live_server, catalogue, grid_world, compound):  # noqa: F811
    compound.latitude, compound.longitude = 27.083, 112.948
    compound.save(update_fields=["latitude", "longitude"])
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "jumin_a")
    page.fill("input[name=password]", "pw-linli-test")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/services/")
    page.select_option("select[name=item]", label="社保卡补办")
    page.click("button.primary.svc-go")
    page.wait_for_selector("text=从粮站宿舍出发")
    names = page.locator(".svc-results .svc-name").all_inner_texts()
    assert names == ["兴东自助服务终端", "兴东社区服务站", "衡东县政务服务中心"]
    _check(page)
    shot(page, "services-near-resident")
    page.click("a.svc-guide")
    page.wait_for_selector("text=要带的材料")
    _check(page)
    shot(page, "services-item-guide")


@pytest.mark.django_db(transaction=True)
def test_stranger_uses_the_phones_position(browser, live_server, catalogue):  # noqa: F811
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
        geolocation={"latitude": 27.0995, "longitude": 112.9615},
        permissions=["geolocation"],
    )
    phone = context.new_page()
    try:
        phone.goto(f"{live_server.url}/services/")
        _check(phone)
        shot(phone, "services-near-empty")
        phone.select_option("select[name=item]", label="居住证办理")
        phone.click("button[data-geolocate]")
        phone.wait_for_selector("text=从我的位置出发")
        names = phone.locator(".svc-results .svc-name").all_inner_texts()
        assert names == ["衡东县政务服务中心", "兴东社区服务站"]
        _check(phone)
        shot(phone, "services-near-position")
        phone.click(".svc-results .svc-name >> nth=0")
        phone.wait_for_selector("text=办公时间")
        _check(phone)
        shot(phone, "services-point")
    finally:
        context.close()
