"""The stairwell codes, the anonymous report into cases, its limits and the leader's check."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from linli.cases import selectors as case_selectors
from linli.cases import services as case_services
from linli.cases.models import Case, Channel, CloseReason, HandlerLevel, Status
from linli.core import calendar, todos
from linli.core.errors import Conflict, DomainError, Forbidden, Invalid
from linli.ledger import services as ledger_services
from linli.stairwell import selectors, services
from linli.stairwell.models import StairwellCode
from linli.stairwell.services import Sender

PHONE = Sender(device="device-token-0001", address="10.1.2.3")


def report(code, *, sender=PHONE, description="楼道里有人飞线充电", category="sanitation"):
    return services.stairwell_report(
        code=code, category=category, description=description, sender=sender
    )


# ------------------------------------------------------------------------------ the codes


def test_one_code_per_unit_stable_across_reprints_and_not_the_id(world, compound):
    ledger_services.household_ensure(
        compound=compound, building="2栋", unit="1单元", room="101", area=Decimal("70.00")
    )
    first = services.codes_for_community(community=world["community"])
    again = services.codes_for_community(community=world["community"])
    assert [str(u) for u, _ in first] == ["粮站宿舍1栋1单元", "粮站宿舍2栋1单元"]
    assert [c.token for _, c in first] == [c.token for _, c in again]  # a reprint: same codes
    assert StairwellCode.objects.count() == 2
    for unit, code in first:
        assert len(code.token) == 16 and str(unit.pk) != code.token


def test_public_url_from_the_setting(code, settings):
    settings.LINLI_PUBLIC_URL = "https://linli.example.cn/hd"
    assert services.public_url(code) == f"https://linli.example.cn/hd/s/{code.token}/"


@pytest.mark.parametrize("token", ["", "x", "no-such-token-xx", "../../etc", "a" * 40, "好" * 16])
def test_a_bad_token_is_not_found(world, token):
    with pytest.raises(DomainError) as exc:
        selectors.code_by_token(token)
    assert exc.value.status == 404


def test_leaders_of_the_stairwell(code, world):
    leaders = selectors.leaders_of(code.unit)
    assert [(x.title, x.cell, x.name) for x in leaders] == [
        ("邻长", "第1邻", "王桂兰"),  # 2 of the unit's 3 households are in 第1邻
        ("组长", "第1组", ""),  # vacant
        ("片长", "第1片", ""),
    ]


# ----------------------------------------------------------------------- the report


def test_an_anonymous_report_waits_for_the_units_leader(code, world):
    case = report(code)
    assert case.unverified and case.channel == Channel.STAIRWELL and case.reporter is None
    assert case.unit == code.unit and case.household is None
    assert case.level == HandlerLevel.NEIGHBOUR and case.grid == world["n_a"]
    leader_a, leader_b = world["leader_a"], world["leader_b"]
    # not in the loop: no inbox, no board, no figures; on 邻长 A's list of reports to confirm
    assert not case_selectors.inbox(actor=leader_a).exists()
    assert not case_selectors.board(actor=world["worker"]).exists()
    assert case_selectors.measures_total(actor=world["worker"])["reported"] == 0
    assert list(selectors.pending_reports(actor=leader_a)) == [case]
    assert not selectors.pending_reports(actor=leader_b).exists()
    items = [t for t in todos.items_for(leader_a) if t.kind == "stairwell.report"]
    assert [t.title for t in items] == ["1 条楼道码反映待您核实"]
    assert todos.count_for(leader_a) == 1
    assert todos.count_for(leader_b) == 0
    assert not [t for t in todos.items_for(world["worker"]) if t.kind == "stairwell.report"]


def test_nothing_moves_before_the_check(code, world):
    case = report(code)
    with pytest.raises(Conflict) as exc:
        case_services.case_accept(actor=world["leader_a"], case=case)
    assert exc.value.code == "cases.unverified"
    assert case_services.available_actions(world["leader_a"], case) == ["verify", "dismiss"]
    assert case_services.available_actions(world["leader_b"], case) == []
    # the deadline job leaves it alone, however long it waits
    far = dt.date.today() + dt.timedelta(days=60)
    assert case_services.deadlines_check(today=far) == {"warned": 0, "escalated": 0}
    case.refresh_from_db()
    assert case.level == HandlerLevel.NEIGHBOUR and case.escalations == 0


def test_confirmed_it_enters_the_loop_with_the_deadline_from_the_check(code, world):
    case = report(code)
    reported_on = case.reported_at
    later = reported_on + dt.timedelta(days=9)
    case = case_services.case_verify(actor=world["leader_a"], case=case, real=True, when=later)
    assert not case.unverified and case.status == Status.OPEN
    limit = case.category.time_limit_days
    expected = calendar.add_working_days(timezone.localdate(later), limit)
    assert case.deadline == case.original_deadline == expected
    assert list(case_selectors.inbox(actor=world["leader_a"])) == [case]
    assert [e.action for e in case.events.order_by("at", "id")] == ["report", "verify"]
    case_services.case_accept(actor=world["leader_a"], case=case)  # now the loop runs
    assert not selectors.pending_reports(actor=world["leader_a"]).exists()


def test_dismissed_it_is_closed_and_counted_nowhere(code, world):
    case = report(code)
    case = services.report_decide(actor=world["leader_a"], case=case, real=False)
    assert case.status == Status.CLOSED and case.close_reason == CloseReason.DISMISSED
    assert case_selectors.measures_total(actor=world["worker"])["reported"] == 0
    with pytest.raises(Conflict):  # decided once
        services.report_decide(actor=world["leader_a"], case=case, real=True)


def test_only_the_holder_or_the_office_confirms(code, world):
    case = report(code)
    for who in ("leader_b", "resident_a", "group_leader"):
        with pytest.raises(Forbidden):
            services.report_decide(actor=world[who], case=case, real=True)
    assert Case.objects.get(pk=case.pk).unverified
    services.report_decide(actor=world["worker"], case=case, real=True)  # 兴东's office may


def test_a_vacant_leader_passes_the_check_up(code, world):
    from linli.grid import services as grid_services

    grid_services.post_vacate(grid=world["n_a"], reason="搬走")
    case = report(code)
    assert case.level == HandlerLevel.COMMUNITY and case.grid is None  # 组长, 片长 vacant too
    items = [t for t in todos.items_for(world["worker"]) if t.kind == "stairwell.report"]
    assert [t.count for t in items] == [1]


def test_a_signed_in_report_cannot_be_marked_unverified(code, world):
    with pytest.raises(Invalid):
        case_services.case_report(
            actor=world["leader_a"],
            unit=code.unit,
            category="sanitation",
            description="x",
            unverified=True,
        )


def test_unverified_reports_are_not_published_on_open311(code, world):
    from linli.cases.open311 import georeport

    case = report(code)
    assert not georeport._request_qs().filter(pk=case.pk).exists()
    services.report_decide(actor=world["leader_a"], case=case, real=True)
    assert georeport._request_qs().filter(pk=case.pk).exists()


# ---------------------------------------------------------------------------- limits


def test_a_flood_from_one_device_is_limited_and_nothing_stored_beyond(code, settings):
    settings.LINLI_STAIRWELL_REPORTS_PER_DEVICE = 3
    for i in range(3):
        report(code, description=f"第{i}次")
    for i in range(5):
        with pytest.raises(Invalid) as exc:
            report(code, description=f"刷屏{i}")
        assert exc.value.status == 429 and exc.value.code == "stairwell.rate_limited"
        assert "分钟后再试" in exc.value.message
    assert Case.objects.count() == 3


def test_many_devices_behind_one_address_are_limited_per_address(code, settings):
    settings.LINLI_STAIRWELL_REPORTS_PER_DEVICE = 3
    settings.LINLI_STAIRWELL_REPORTS_PER_ADDRESS = 5
    stored = 0
    for i in range(12):
        try:
            report(code, sender=Sender(device=f"device-{i:012d}", address="10.9.9.9"))
            stored += 1
        except Invalid:
            pass
    assert stored == 5 == Case.objects.count()
    report(code, sender=Sender(device="device-000000000099", address="10.9.9.10"))  # another
    assert Case.objects.count() == 6


def test_without_a_cookie_one_address_counts_as_one_device(code, settings):
    settings.LINLI_STAIRWELL_REPORTS_PER_DEVICE = 2
    for _ in range(2):
        report(code, sender=Sender(device=None, address="10.0.0.7"))
    with pytest.raises(Invalid):
        report(code, sender=Sender(device=None, address="10.0.0.7"))


def test_the_window_passes(code, settings):
    settings.LINLI_STAIRWELL_REPORTS_PER_DEVICE = 1
    report(code)
    with pytest.raises(Invalid):
        report(code)
    cache.clear()  # the window's keys expire with it
    report(code)


def test_a_bad_report_costs_no_quota(code, settings):
    settings.LINLI_STAIRWELL_REPORTS_PER_DEVICE = 1
    with pytest.raises(Invalid):
        report(code, category="no-such-category")
    with pytest.raises(Invalid):
        report(code, description="   ")
    report(code)
    assert Case.objects.count() == 1
