"""待办: each source for the person it waits for and for nobody else, the top bar's count,
the page and the API (issue 14 item 1).

Personas: grid_world (兴东社区: 片长 A, 组长 A, 邻长 A of 101/102, 邻长 B of 201, 居民 A/B), the
兴东 worker who asks, a second 兴东 worker (his colleague) who decides, the 新塘 worker (another
community: sees none of 兴东's to-dos).
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from linli.accounts.models import Role
from linli.cases import services as case_services
from linli.cases.models import Case
from linli.core import todos
from linli.finance import services as finance_services
from linli.ledger import exports

from ..factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(grid_world, xingdong_worker, xintang_worker, compound, cases_seeded):
    colleague = make_user("xd_worker2", Role.COMMUNITY_WORKER, grid_world["community"], "兴东二")
    return {
        **grid_world,
        "worker": xingdong_worker,
        "colleague": colleague,
        "other_worker": xintang_worker,
        "compound": compound,
    }


def kinds(user) -> dict[str, int]:
    out: dict[str, int] = {}
    for t in todos.items_for(user):
        out[t.kind] = out.get(t.kind, 0) + t.count
    return out


def _bills(w):
    h101 = w["households"]["101"]
    h101.area = Decimal("89.37")
    h101.save()
    finance_services.schedule_create(
        actor=w["worker"],
        compound=w["compound"],
        basis="per_area",
        price="0.50",
        valid_from="2026-01",
    )
    finance_services.bill_run(actor=w["worker"], period_start="2026-01", compound=w["compound"])
    return h101, h101.bills.get()


# --- approvals: never one's own ----------------------------------------------------------


def test_a_reduction_waits_for_a_colleague_not_for_the_worker_who_asked(w):
    _, bill = _bills(w)
    finance_services.waiver_request(
        actor=w["worker"], bill=bill, amount=Decimal("10.00"), kind="low_income", reason="低保"
    )
    assert kinds(w["colleague"]).get("finance.waiver") == 1
    assert "finance.waiver" not in kinds(w["worker"])  # he cannot approve his own
    for outsider in ("other_worker", "leader_a", "area_leader", "resident_a"):
        assert "finance.waiver" not in kinds(w[outsider]), outsider
    item = next(t for t in todos.items_for(w["colleague"]) if t.kind == "finance.waiver")
    assert item.url == "/finance/desk/waivers/" and item.group == "审批"
    assert item.title == "1 项费用减免待您审批" and item.when == "今天提交"


def test_a_payment_void_waits_for_a_colleague(w):
    h101, bill = _bills(w)
    payment = finance_services.payment_record(
        actor=w["worker"], household=h101, amount=bill.amount, method="cash", client_token="t1"
    )
    finance_services.payment_void(actor=w["worker"], payment=payment, reason="录错")
    assert kinds(w["colleague"]).get("finance.void") == 1
    assert "finance.void" not in kinds(w["worker"])
    assert "finance.void" not in kinds(w["other_worker"])
    assert todos.count_for(w["colleague"]) == 1


def test_an_export_request_waits_for_another_official_of_the_region(w, county_official):
    exports.export_request_create(actor=w["worker"], community=None, reason="上报")
    assert kinds(w["colleague"]).get("ledger.export") == 1
    assert kinds(county_official).get("ledger.export") == 1  # his region covers 兴东
    assert "ledger.export" not in kinds(w["worker"])
    assert "ledger.export" not in kinds(w["other_worker"])
    assert "ledger.export" not in kinds(w["leader_a"])


# --- cases by deadline ----------------------------------------------------------------------


def test_a_case_is_in_its_holders_list_by_deadline_and_marked_overdue(w):
    case = case_services.case_report(
        actor=w["resident_a"],
        household=w["households"]["101"],
        category="sanitation",
        description="垃圾满溢",
    )
    mine = [t for t in todos.items_for(w["leader_a"]) if t.kind == "cases.case"]
    assert [t.url for t in mine] == [f"/cases/{case.pk}/"]
    assert not mine[0].overdue and mine[0].due.date() == case.deadline
    assert "cases.case" not in kinds(w["leader_b"])  # 邻 B's leader does not hold it
    assert "cases.case" not in kinds(w["other_worker"])
    assert "cases.case" not in kinds(w["resident_a"])

    Case.objects.filter(pk=case.pk).update(deadline=timezone.localdate() - dt.timedelta(days=3))
    (item,) = [t for t in todos.items_for(w["leader_a"]) if t.kind == "cases.case"]
    assert item.overdue and item.when.startswith("已超期 3 天")
    assert todos.groups_for(w["leader_a"])[0].name == "诉求"


def test_the_office_sees_the_cases_the_community_holds(w):
    case = case_services.case_report(
        actor=w["resident_a"],
        household=w["households"]["101"],
        category="sanitation",
        description="垃圾满溢",
    )
    assert "cases.case" not in kinds(w["worker"])  # the 邻长 holds it
    Case.objects.filter(pk=case.pk).update(level=4)  # 社区
    assert kinds(w["worker"]).get("cases.case") == 1
    assert "cases.case" not in kinds(w["other_worker"])


# --- the deadline in plain Chinese --------------------------------------------------------


def test_when_reads_in_plain_chinese():
    today = timezone.localdate()
    due = todos.end_of_day
    assert todos.Todo("k", "t", "/", due=due(today)).when == "今天到期"
    assert todos.Todo("k", "t", "/", due=due(today + dt.timedelta(days=1))).when == "明天到期"
    assert todos.Todo("k", "t", "/", due=due(today + dt.timedelta(days=4))).when.startswith(
        "还剩 4 天"
    )
    late = todos.Todo("k", "t", "/", due=due(today - dt.timedelta(days=2)), overdue=True)
    assert late.when.startswith("已超期 2 天")
    waited = todos.Todo("k", "t", "/", since=timezone.now() - dt.timedelta(days=5))
    assert waited.when == "已等 5 天"


def test_a_broken_provider_is_skipped_not_fatal(w):
    todos.register("test.broken", lambda user: 1 / 0, group="审批", count=lambda user: 1 / 0)
    try:
        assert todos.items_for(w["worker"]) == []
        assert todos.count_for(w["worker"]) == 0
    finally:
        todos._PROVIDERS.pop("test.broken")


# --- the top bar, the page, the API -------------------------------------------------------


def _topbar_count(html: str) -> int:
    m = re.search(r'class="todo-link"[^>]*>待办<span class="todo-count">(\d+)</span>', html)
    assert m, "no 待办 link in the top bar"
    return int(m.group(1))


def test_the_top_bar_shows_the_count_on_every_page(w, client):
    _, bill = _bills(w)
    for amount in ("5.00", "6.00"):
        finance_services.waiver_request(
            actor=w["worker"], bill=bill, amount=Decimal(amount), kind="low_income", reason="低保"
        )
    client.force_login(w["colleague"])
    for url in ("/ledger/", "/finance/desk/", "/todo/"):
        assert _topbar_count(client.get(url).content.decode()) == 2, url
    client.force_login(w["worker"])
    assert _topbar_count(client.get("/ledger/").content.decode()) == 0
    client.force_login(w["other_worker"])
    assert _topbar_count(client.get("/ledger/").content.decode()) == 0


@pytest.mark.parametrize("who", ["colleague", "resident_a"])
def test_the_count_is_one_statement_for_every_app_and_once_per_request(w, rf, who):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _, bill = _bills(w)
    finance_services.waiver_request(
        actor=w["worker"], bill=bill, amount=Decimal("5.00"), kind="low_income", reason="低保"
    )
    user = w[who]
    user.profile.region  # noqa: B018  (the user's place, read by any page anyway)
    request = rf.get("/")
    request.user = user
    with CaptureQueriesContext(connection) as ctx:
        n = todos.for_request(request)
        assert todos.for_request(request) == n  # cached on the request
    counted = [q for q in ctx.captured_queries if "todo_0" in q["sql"]]
    assert len(counted) == 1
    assert len(ctx.captured_queries) <= 3, [q["sql"][:80] for q in ctx.captured_queries]
    assert n == (1 if who == "colleague" else 0)


def test_the_page_lists_groups_with_links_and_deadlines(w, client):
    _, bill = _bills(w)
    finance_services.waiver_request(
        actor=w["worker"], bill=bill, amount=Decimal("5.00"), kind="low_income", reason="低保"
    )
    client.force_login(w["colleague"])
    html = client.get("/todo/").content.decode()
    assert "审批" in html and "1 项费用减免待您审批" in html
    assert 'href="/finance/desk/waivers/"' in html and "今天提交" in html
    assert "style=" not in html  # strict CSP: no inline style
    client.force_login(w["other_worker"])
    html = client.get("/todo/").content.decode()
    assert "眼下没有等您办理的事项" in html and "费用减免" not in html


def test_the_page_needs_a_login(client):
    assert client.get("/todo/").status_code == 302


def test_the_api_returns_the_items(w, client):
    case = case_services.case_report(
        actor=w["resident_a"],
        household=w["households"]["101"],
        category="sanitation",
        description="垃圾满溢",
    )
    client.force_login(w["leader_a"])
    body = client.get("/api/v1/todo").json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["kind"] == "cases.case" and item["url"] == f"/cases/{case.pk}/"
    assert item["group"] == "诉求" and item["overdue"] is False and item["when"]
    client.force_login(w["leader_b"])
    assert client.get("/api/v1/todo").json() == {"count": 0, "items": []}
    client.logout()
    assert client.get("/api/v1/todo").status_code == 401
