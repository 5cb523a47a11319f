"""Public accounts at phone width (390 px): the worker enters income with a voucher, the
committee approves it from the queue and publishes the quarter's notice, the resident reads
the account with their share and the notice.

Screenshots go to $LINLI_SCREENSHOTS (as ``commons-*.png``) when it names a folder; the
notice PDF is saved there too (``commons-notice.pdf``).
"""

import datetime as dt
import os
from pathlib import Path

import pytest

from linli.commons import services
from linli.commons.models import Entry, Notice

from ..commons.conftest import _media, enter, post, world  # noqa: F401  (fixtures)
from .test_cases_pages import login
from .test_pages import CHROMIUM, browser, page, shot  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.mark.django_db(transaction=True)
def test_enter_approve_publish_read_on_a_phone(page, live_server, world, post, tmp_path):  # noqa: F811
    from PIL import Image

    today = dt.date.today()
    year, quarter = services.last_full_quarter(today)
    q_start, q_end = services.quarter_bounds(year, quarter)
    # last quarter's history, entered and approved
    post(
        kind="parking",
        amount="2100.00",
        date=q_start + dt.timedelta(days=2),
        description="院内泊车费 42个车位×50元",
    )
    post(
        kind="advertising",
        amount="3600.00",
        date=q_start + dt.timedelta(days=20),
        counterparty="衡东县广源广告有限公司",
        description="宣传栏及道闸广告位租金",
    )
    post(
        kind="facility",
        amount="260.00",
        date=q_start + dt.timedelta(days=33),
        counterparty="深圳市丰巢科技有限公司",
        description="丰巢快递柜场地费",
    )
    post(
        kind="cleaning",
        amount="780.00",
        date=q_start + dt.timedelta(days=40),
        counterparty="张桂香",
        counterparty_is_person=True,
        description="公共区域保洁",
    )
    post(
        kind="lighting",
        amount="126.40",
        date=q_end - dt.timedelta(days=5),
        counterparty="国网衡东县供电公司",
        description="路灯及楼道照明电费",
    )
    post(
        kind="repair",
        amount="450.00",
        date=q_end - dt.timedelta(days=2),
        counterparty="洣水镇光明电器维修部",
        description="维修楼道声控灯",
    )

    # the worker enters this month's parking income with a photo of the receipt
    receipt = tmp_path / "receipt.png"
    Image.new("RGB", (80, 60), "white").save(receipt)
    login(page, live_server, "xd_worker", f"/commons/{world['account'].pk}/entries/new/")
    page.click("text=停车/院内泊车")
    page.fill("input[name=amount]", "2,250.00")
    page.fill("input[name=counterparty]", "院内停车管理员")
    page.fill("textarea[name=description]", "本月院内泊车费 45个车位×50元")
    page.set_input_files("input[name=vouchers]", str(receipt))
    shot(page, "commons-entry-form")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=待审核")
    shot(page, "commons-entry-pending")
    entry = Entry.objects.get(description__startswith="本月")
    assert entry.vouchers.count() == 1 and str(entry.amount) == "2250.00"

    # the committee's queue: approve it
    login(page, live_server, "yeweihui_a", "/commons/queue/")
    assert "待审核（1）" in page.content()
    shot(page, "commons-queue")
    page.click("main form[action$='/approve/'] button")
    page.wait_for_selector("text=已审核入账")
    entry.refresh_from_db()
    assert entry.sequence == 7
    page.goto(f"{live_server.url}/commons/entries/{entry.pk}/")
    page.wait_for_selector("text=本笔哈希")
    shot(page, "commons-entry-posted")

    # publish last quarter's notice
    page.goto(f"{live_server.url}/commons/{world['account'].pk}/notices/new/")
    shot(page, "commons-notice-form")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=下载 A4 PDF")
    notice = Notice.objects.get()
    assert (notice.year, notice.quarter) == (year, quarter)

    # the resident: the account with their share, then the notice
    login(page, live_server, "jumin_a", "/commons/")
    page.wait_for_selector("text=本户应享份额")
    assert "账目校验完整" in page.content()
    shot(page, "commons-resident-account")
    page.click(f'a:has-text("{year}年第{quarter}季度")')
    page.wait_for_selector("text=防篡改校验")
    body = page.content()
    assert "张*香" in body and "张桂香" not in body
    shot(page, "commons-notice")
    pdf = page.request.get(f"{live_server.url}/commons/notices/{notice.pk}/pdf/")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    folder = os.environ.get("LINLI_SCREENSHOTS")
    if folder:
        (Path(folder) / "commons-notice.pdf").write_bytes(pdf.body())

    # the community worker's overview
    login(page, live_server, "xd_worker", "/commons/")
    shot(page, "commons-office-index")
