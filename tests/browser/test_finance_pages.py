"""The fee pages in headless Chromium at phone width (390 px): the worker finds a household,
takes a payment in a few taps (htmx) and prints the receipt; the resident sees bills and
receipts; the 邻长 sees the arrears of his 邻, names masked; the rates page.

Screenshots go to $LINLI_SCREENSHOTS (as ``finance-*.png``) when it names a folder.
"""

import os
from pathlib import Path

import pytest

from linli.finance import services
from linli.finance.models import Payment

from ..finance.conftest import billed, fees  # noqa: F401  (fixtures)
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
def test_fee_desk_resident_and_arrears_on_a_phone(page, live_server, billed):  # noqa: F811
    h = billed["households"]
    services.payment_record(actor=billed["worker"], household=h["201"], amount="200", method="cash")

    # the worker: search → household → take a payment → receipt
    login(page, live_server, "xd_worker", "/finance/desk/")
    shot(page, "finance-desk")
    page.fill("input[name=q]", "刘建国")
    page.wait_for_selector("#results a")
    shot(page, "finance-desk-search")
    page.click("#results a")
    page.wait_for_selector("text=确认收款")
    assert page.input_value("input[name=amount]") == "600.00"
    page.fill("input[name=amount]", "400")
    page.click("text=微信")
    shot(page, "finance-desk-household")
    page.click("text=确认收款")
    page.wait_for_selector("text=打印收据")
    shot(page, "finance-desk-paid")
    payment = Payment.objects.get(household=h["101"])
    assert (payment.amount, payment.method) == (400, "wechat")
    assert page.input_value("input[name=amount]") == "200.00"  # what is left
    page.goto(f"{live_server.url}/finance/receipts/{payment.pk}/")
    assert payment.receipt_no in page.content()
    shot(page, "finance-receipt")
    # an overpayment is refused on the spot, nothing recorded
    page.goto(f"{live_server.url}/finance/desk/households/{h['101'].pk}/")
    page.fill("input[name=amount]", "999")
    page.click("text=确认收款")
    page.wait_for_selector("text=超过当前欠费")
    shot(page, "finance-desk-overpay")
    assert Payment.objects.filter(household=h["101"]).count() == 1
    page.goto(f"{live_server.url}/finance/desk/rates/?start=2026-01&end=2026-03&by=neighbour")
    shot(page, "finance-rates")
    page.goto(f"{live_server.url}/finance/desk/run/")
    shot(page, "finance-run")

    # the resident
    login(page, live_server, "jumin_a", "/finance/mine/")
    assert payment.receipt_no in page.content()
    shot(page, "finance-mine")

    # 邻长 B: his 邻's arrears, names masked
    login(page, live_server, "linzhang_b", "/finance/arrears/")
    body = page.content()
    assert "赵*强" in body and "赵志强" not in body and "1单元101" not in body
    shot(page, "finance-arrears")


@pytest.mark.django_db(transaction=True)
def test_voiding_a_payment_on_a_phone(page, live_server, billed):  # noqa: F811
    """A worker asks to void a payment taken from the wrong household; a second worker
    approves it; the receipt keeps its number and carries a 作废 stamp with the reason."""
    h = billed["households"]["101"]
    payment = services.payment_record(
        actor=billed["worker"], household=h, amount="400", method="wechat"
    )
    login(page, live_server, "xd_worker", f"/finance/desk/households/{h.pk}/")
    page.click("text=申请作废")
    page.fill("form[action$='/void/'] input[name=reason]", "错收到其他户（应为102室）")
    page.locator("form[action$='/void/'] button[type=submit]").click()
    page.wait_for_selector("text=作废申请待审批")
    login(page, live_server, "xd_worker2", "/finance/desk/waivers/")
    page.click("text=批准作废")
    page.wait_for_selector("text=已作废")
    page.goto(f"{live_server.url}/finance/receipts/{payment.pk}/")
    assert "本收据已作废" in page.content() and payment.receipt_no in page.content()
    shot(page, "finance-receipt-voided")
    payment.refresh_from_db()
    assert payment.voided_at is not None
