"""Each ledger page in headless Chromium at phone width (390 px).

Screenshots go to $LINLI_SCREENSHOTS when it names a folder, so a person can look at them.
Skipped where Debian's Chromium is not installed (CI installs it).
"""

import os
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from linli.ledger import services

CHROMIUM = "/usr/bin/chromium"
SAMPLE = Path(__file__).resolve().parents[2].parent / "shared/samples/兴东社区台账样例.xlsx"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed"),
]
# Playwright's sync API runs an event loop in this thread; the ORM calls in the test body are
# ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    yield context.new_page()
    context.close()


def shot(page, name: str) -> None:
    folder = os.environ.get("LINLI_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def login(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    shot(page, "login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-linli-test")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/ledger/")


@pytest.mark.django_db(transaction=True)
def test_ledger_pages_on_a_phone(page, live_server, xingdong_worker, regions, compound):
    household = services.household_ensure(
        compound=compound, building="1栋", unit="1单元", room="101", area=Decimal("68.50")
    )
    services.resident_save(
        household=household,
        name="刘建国",
        id_number="430424195606055010",
        phone="13921869779",
        is_party_member=True,
    )
    services.compound_create(
        community=regions["xingdong"], name="东门安置小区", property_service="community_custody"
    )
    login(page, live_server, "xd_worker")
    assert page.locator("h1").inner_text() == "小区台账"
    assert "兴东社区" in page.content()
    shot(page, "ledger-index")

    page.click("text=兴东社区")
    page.wait_for_selector("#compounds")
    assert page.locator("#compounds li").count() == 2
    shot(page, "ledger-community")
    page.check("input[name=sanwu]")
    expect(page.locator("#compounds li")).to_have_count(1)  # no string eval: the CSP forbids it
    shot(page, "ledger-community-sanwu")

    page.click("text=粮站宿舍")
    page.wait_for_selector("text=刘建国")
    body = page.content()
    assert "4304**********5010" in body and "430424195606055010" not in body
    shot(page, "ledger-compound")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not SAMPLE.exists(), reason="shared sample missing")
def test_import_page_takes_the_sample(page, live_server, xingdong_worker, regions):
    login(page, live_server, "xd_worker")
    page.goto(f"{live_server.url}/ledger/import/")
    shot(page, "ledger-import")
    page.set_input_files("input[name=file]", str(SAMPLE))
    page.uncheck("input[name=dry_run]")
    page.click("text=上传")
    page.wait_for_selector("text=导入完成")
    shot(page, "ledger-import-done")
    from linli.ledger.models import Resident

    assert Resident.objects.count() == 12


@pytest.mark.django_db(transaction=True)
def test_import_page_lists_errors(page, live_server, xingdong_worker, regions, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "居民台账"
    ws.append(["社区", "小区", "楼栋", "单元", "房号", "建筑面积", "姓名", "身份证号码"])
    ws.append(
        ["兴东社区", "粮站宿舍", "1栋", "1单元", "101", "八十", "刘建国", "430424195606055011"]
    )
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    login(page, live_server, "xd_worker")
    page.goto(f"{live_server.url}/ledger/import/")
    page.set_input_files("input[name=file]", str(path))
    page.click("text=上传")
    page.wait_for_selector("text=未写入任何数据")
    body = page.content()
    assert "八十" in body and "校验位" in body
    shot(page, "ledger-import-errors")
