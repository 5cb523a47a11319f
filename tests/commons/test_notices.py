"""Owners' shares (民法典 art. 283), quarterly statements and the public notice (公示)."""

import datetime as dt
from decimal import Decimal

import pytest

from linli.commons import selectors, services
from linli.commons.chain import snapshot_hash, verify_chain
from linli.commons.models import ImmutableError, Notice
from linli.core.errors import DomainError

OCT10 = dt.datetime(2026, 10, 10, 9, tzinfo=dt.UTC)


def test_the_worked_example_share_is_94_07():
    # domain rules §5: 100,000 元 net, an 89.37 m² owner of 95,000 m² → 94.07 元
    assert selectors.share_of(Decimal("100000"), Decimal("89.37"), Decimal("95000")) == Decimal(
        "94.07"
    )


@pytest.mark.parametrize(
    ("net", "area", "total", "share"),
    [
        ("1.00", "1", "8", "0.13"),  # 0.125 → half up
        ("1.00", "1", "3", "0.33"),
        ("-100.00", "89.37", "95000", "-0.09"),  # a loss is shared too (−0.0941 → −0.09)
        ("0.00", "50", "100", "0.00"),
    ],
)
def test_share_rounding_half_up_to_the_fen(net, area, total, share):
    assert selectors.share_of(Decimal(net), Decimal(area), Decimal(total)) == Decimal(share)


def test_a_residents_share_uses_the_ledger_areas(world, post):
    post(amount="2500.00")  # total area 89.37 + 60.63 + 100 = 250 m²
    s = selectors.my_share(
        actor=world["resident_a"], account=world["account"], net=selectors.balance(world["account"])
    )
    assert (s["total_area"], s["area"], s["share"]) == (
        Decimal("250.00"),
        Decimal("89.37"),
        Decimal("893.70"),
    )
    # not their compound: no share
    assert selectors.my_share(actor=world["resident_o"], account=world["account"], net=1) is None


def _quarter_entries(world, post):
    post(kind="parking", amount="1200.00", date=dt.date(2026, 6, 30), description="6月停车")
    post(kind="parking", amount="1300.00", date=dt.date(2026, 7, 31), description="7月停车")
    post(
        kind="advertising",
        amount="6000.00",
        date=dt.date(2026, 8, 1),
        counterparty="张三丰",
        counterparty_is_person=True,
        description="电梯口广告位半年租金",
    )
    post(kind="lighting", amount="420.35", date=dt.date(2026, 9, 15), description="路灯电费")
    post(kind="parking", amount="999.00", date=dt.date(2026, 10, 2), description="10月停车")


def test_quarter_statement(world, post):
    _quarter_entries(world, post)
    s = selectors.statement(
        account=world["account"], start=dt.date(2026, 7, 1), end=dt.date(2026, 9, 30)
    )
    assert s["opening"] == Decimal("1200.00")
    assert dict(s["income"]) == {
        "parking": Decimal("1300.00"),
        "advertising": Decimal("6000.00"),
        "facility": 0,
        "other_income": 0,
    }
    assert s["spending_total"] == Decimal("420.35")
    assert s["closing"] == Decimal("1200.00") + Decimal("7300.00") - Decimal("420.35")
    # statements reconcile with the balance
    assert s["closing"] == selectors.balance(world["account"], through=dt.date(2026, 9, 30))
    assert s["closing"] + Decimal("999.00") == selectors.balance(world["account"])


def test_publishing_freezes_the_snapshot_and_closes_the_period(world, post, enter):
    _quarter_entries(world, post)
    notice = services.notice_publish(
        actor=world["committee_a"], account=world["account"], year=2026, quarter=3, when=OCT10
    )
    snap = notice.snapshot
    assert (snap["opening"], snap["income_total"], snap["spending_total"], snap["closing"]) == (
        "1200.00",
        "7300.00",
        "420.35",
        "8079.65",
    )
    assert [e["counterparty"] for e in snap["entries"]] == [
        "院内停车管理员",
        "张*丰",
        "院内停车管理员",
    ]
    assert snap["published_by"] == "王*兰" and snap["approvers"] == ["王*兰"]
    assert (
        notice.head_sequence == 5
        and notice.head_hash == world["account"].entries.get(sequence=5).hash
    )
    assert notice.display_until == dt.date(2026, 10, 25)  # ≥ 15 days up
    assert notice.snapshot_hash == snapshot_hash(snap)
    world["account"].refresh_from_db()
    assert world["account"].closed_through == dt.date(2026, 9, 30)
    # a published notice cannot change
    notice.display_until = dt.date(2026, 12, 31)
    with pytest.raises(ImmutableError):
        notice.save()
    with pytest.raises(ImmutableError):
        notice.delete()
    with pytest.raises(ImmutableError):
        Notice.objects.filter(pk=notice.pk).update(display_until=dt.date(2027, 1, 1))
    # nothing more dated in the closed period; a correction goes into a later one
    with pytest.raises(DomainError) as exc:
        enter(date=dt.date(2026, 9, 30))
    assert exc.value.code == "commons.period_closed"
    ad = world["account"].entries.get(kind="advertising")
    with pytest.raises(DomainError) as exc:
        services.entry_reverse(actor=world["worker"], entry=ad, reason="退租", date="2026-09-30")
    assert exc.value.code == "commons.period_closed"
    services.entry_reverse(actor=world["worker"], entry=ad, reason="退租", date="2026-10-15")
    assert verify_chain(world["account"]).ok
    with pytest.raises(DomainError) as exc:
        services.notice_publish(
            actor=world["committee_a"], account=world["account"], year=2026, quarter=3, when=OCT10
        )
    assert exc.value.code == "commons.notice_exists"
    with pytest.raises(DomainError) as exc:
        services.notice_publish(
            actor=world["committee_a"], account=world["account"], year=2026, quarter=2, when=OCT10
        )
    assert exc.value.code == "commons.period_closed"


def test_a_draft_in_a_period_closed_meanwhile_cannot_be_approved(world, post, enter):
    late = enter(date=dt.date(2026, 9, 20))
    services.entry_reject(actor=world["committee_a"], entry=late, reason="先退回")
    late2 = enter(date=dt.date(2026, 9, 21))
    with pytest.raises(DomainError) as exc:
        services.notice_publish(
            actor=world["committee_a"], account=world["account"], year=2026, quarter=3, when=OCT10
        )
    assert exc.value.code == "commons.pending_in_period"
    assert not Notice.objects.exists()
    services.entry_approve(actor=world["committee_b"], entry=late2)
    services.notice_publish(
        actor=world["committee_a"], account=world["account"], year=2026, quarter=3, when=OCT10
    )


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"year": 2026, "quarter": 4}, "commons.quarter_not_over"),
        ({"year": 2026, "quarter": 5}, "commons.bad_quarter"),
        ({"year": 2026, "quarter": 3, "display_until": "2026-10-20"}, "commons.display_too_short"),
        ({"year": 2026, "quarter": 3, "display_until": "tomorrow"}, "commons.bad_date"),
    ],
)
def test_bad_notice_requests(world, kwargs, code):
    with pytest.raises(DomainError) as exc:
        services.notice_publish(
            actor=world["committee_a"], account=world["account"], when=OCT10, **kwargs
        )
    assert exc.value.code == code
    assert not Notice.objects.exists()
    world["account"].refresh_from_db()
    assert world["account"].closed_through is None


@pytest.mark.parametrize("who", ["worker", "resident_a", "other_committee"])
def test_only_the_committee_publishes(world, who):
    with pytest.raises(DomainError) as exc:
        services.notice_publish(
            actor=world[who], account=world["account"], year=2026, quarter=3, when=OCT10
        )
    assert exc.value.code == "commons.not_committee"


def test_quarter_helpers():
    assert services.quarter_bounds(2026, 1) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert services.quarter_bounds(2026, 4) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert services.last_full_quarter(dt.date(2026, 11, 26)) == (2026, 3)
    assert services.last_full_quarter(dt.date(2026, 2, 1)) == (2025, 4)
