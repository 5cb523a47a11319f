"""Under the Content-Security-Policy (no inline script or style), pages load in Chromium without
a single violation and still work: htmx swaps, [data-autosubmit] filters, [data-print] buttons,
the admin, the API docs, and the two-factor set-up with its QR code.

Violations are caught twice: a ``securitypolicyviolation`` listener installed before any page
script, and Chromium's console messages. Screenshots go to $LINLI_SCREENSHOTS (``csp-*.png``).
"""

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from linli.cases import services as case_services
from linli.finance import services as finance_services

from ..accounts.test_two_factor import code
from ..finance.conftest import billed, fees  # noqa: F401  (fixtures)
from .test_pages import CHROMIUM, browser, page, shot  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
window.__printed = 0;
window.print = () => { window.__printed += 1; };
"""


class Watch:
    """Visits pages and collects every CSP complaint on the way."""

    def __init__(self, tab, live_server):
        self.tab, self.base, self.console = tab, live_server.url, []
        tab.context.add_init_script(WATCH)
        tab.on("console", self._console)

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def violations(self) -> list[str]:
        return self.tab.evaluate("window.__csp || []") + self.console

    def visit(self, path: str, name: str) -> None:
        response = self.tab.goto(f"{self.base}{path}")
        assert response.status == 200, (path, response.status)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        self.tab.wait_for_load_state("networkidle")
        assert self.violations() == [], path
        shot(self.tab, f"csp-{name}")

    def login(self, username: str) -> None:
        self.tab.context.clear_cookies()
        self.visit("/login/", "login")
        self.tab.fill("input[name=username]", username)
        self.tab.fill("input[name=password]", "pw-linli-test")
        self.tab.click("main button[type=submit]")
        self.tab.wait_for_load_state()
        assert self.violations() == []


@pytest.mark.django_db(transaction=True)
def test_pages_load_without_a_csp_violation_and_still_work(
    page,  # noqa: F811
    live_server,
    billed,  # noqa: F811
    cases_seeded,
    settings,
):
    h = billed["households"]
    worker = billed["worker"]
    payment = finance_services.payment_record(
        actor=worker, household=h["101"], amount="200", method="cash"
    )
    case = case_services.case_report(
        actor=billed["resident_a"],
        household=h["101"],
        category="sanitation",
        description="楼道垃圾满溢",
    )
    get_user_model().objects.create_superuser("root", password="pw-linli-test")
    w = Watch(page, live_server)

    # the worker: ledger, a household of the grid, a case, the fee desk
    w.login("xd_worker")
    w.visit(f"/ledger/compound/{billed['compound'].pk}/", "ledger-compound")
    w.visit(f"/grid/household/{h['101'].pk}/", "grid-household")
    page.click("text=显示号码")  # htmx with hx-vals, no eval
    page.wait_for_selector("#phone-{} >> text=/1[3-9]\\d{{9}}/".format(billed["residents"]["a"].pk))
    w.visit(f"/cases/{case.pk}/", "case")
    w.visit("/finance/desk/", "finance-desk")
    page.fill("input[name=q]", "刘建国")  # htmx search as you type
    page.wait_for_selector("#results a")
    w.visit("/finance/desk/rates/?start=2026-01&end=2026-03&by=neighbour", "finance-rates")
    assert page.locator("progress.bar").count() >= 2
    w.visit(f"/finance/receipts/{payment.pk}/", "finance-receipt")
    page.click("button[data-print]")
    assert page.evaluate("window.__printed") == 1
    w.visit(f"/grid/cell/{billed['n_a'].pk}/card/", "grid-card")
    page.click("button[data-print]")
    assert page.evaluate("window.__printed") == 1
    w.visit("/api/v1/docs", "api-docs")
    page.wait_for_selector("text=Linli 邻里 API")
    assert w.violations() == []

    # the 邻长: the "not visited lately" checkbox submits its form by itself
    w.login("linzhang_a")
    w.visit("/grid/", "grid-mine")
    page.check("input[name=stale][data-autosubmit]")
    page.wait_for_url("**/grid/?*stale=1*")
    assert page.is_checked("input[name=stale]")
    assert w.violations() == []

    # the admin: its own static files; inline styles allowed there only, scripts never
    w.login("root")
    w.visit("/admin/", "admin")
    w.visit("/admin/ledger/compound/", "admin-compounds")
    w.visit(f"/admin/ledger/compound/{billed['compound'].pk}/change/", "admin-compound")
    w.visit(f"/admin/ledger/compound/{billed['compound'].pk}/history/", "admin-history")

    # two-factor required: the set-up page draws its QR code inline, a code lets the worker in
    settings.LINLI_REQUIRE_2FA = True
    w.login("xd_worker")
    assert "/account/2fa/setup/" in page.url
    assert w.violations() == []
    shot(page, "csp-2fa-setup")
    qr = page.locator(".qr img")
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    assert page.evaluate("document.querySelector('.qr img').naturalWidth") > 0
    device = TOTPDevice.objects.get(user=worker)
    page.fill("input[name=token]", code(device))
    page.click("main form.form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/ledger/")
    assert w.violations() == []
