"""Two redemptions at the same moment: the volunteer's row is locked, then the item's, so
the points are spent once and the last item goes once (PostgreSQL: threads need separate
connections on one server)."""

import datetime as dt

import pytest

from linli.core.errors import Conflict
from linli.volunteers import services
from linli.volunteers.models import PointEntry, RewardItem

from ..concurrency import postgres_only, race

pytestmark = postgres_only


def grant(w, points):
    services.award_grant(
        actor=w["worker"],
        volunteer=w["va"],
        title="表彰",
        date=dt.date(2026, 5, 1),
        issuer="兴东社区",
        points=points,
    )


@pytest.mark.django_db(transaction=True)
def test_two_redemptions_racing_cannot_overspend(vworld):
    w = vworld
    grant(w, 30)
    a = services.reward_item_create(
        actor=w["worker"], community=w["community"], name="毛巾", points=20, stock=5
    )
    b = services.reward_item_create(
        actor=w["worker"], community=w["community"], name="洗衣液", points=20, stock=5
    )
    for _ in range(3):
        results = race(
            lambda: services.points_redeem(actor=w["resident_a"], volunteer=w["va"], item=a),
            lambda: services.points_redeem(actor=w["worker"], volunteer=w["va"], item=b),
        )
        errors = [r for r in results if isinstance(r, Conflict)]
        assert len([r for r in results if isinstance(r, PointEntry)]) <= 1, results
        assert all(e.code == "volunteers.insufficient_points" for e in errors)
        assert services.points_balance(w["va"]) >= 0
        grant(w, 20 - services.points_balance(w["va"]) + 10)  # back to 30 for the next round
    spent = PointEntry.objects.filter(kind="redeem").count()
    assert spent == 3
    stock = RewardItem.objects.get(pk=a.pk).stock + RewardItem.objects.get(pk=b.pk).stock
    assert stock == 10 - spent


@pytest.mark.django_db(transaction=True)
def test_the_last_item_goes_once(vworld):
    w = vworld
    grant(w, 100)
    services.award_grant(
        actor=w["worker"],
        volunteer=w["vb"],
        title="表彰",
        date=dt.date(2026, 5, 1),
        issuer="兴东社区",
        points=100,
    )
    last = services.reward_item_create(
        actor=w["worker"], community=w["community"], name="米", points=10, stock=1
    )
    results = race(
        lambda: services.points_redeem(actor=w["resident_a"], volunteer=w["va"], item=last),
        lambda: services.points_redeem(actor=w["resident_b"], volunteer=w["vb"], item=last),
    )
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "PointEntry"], results
    assert [r.code for r in results if isinstance(r, Conflict)] == ["volunteers.out_of_stock"]
    assert RewardItem.objects.get(pk=last.pk).stock == 0
    assert PointEntry.objects.filter(kind="redeem").count() == 1


@pytest.mark.django_db(transaction=True)
def test_certificate_numbers_racing_stay_unique(vworld):
    w = vworld
    for user in (w["resident_a"], w["resident_b"]):
        services.record_check_in(
            actor=user,
            shift=w["shift"],
            when=dt.datetime(2026, 5, 9, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        )
        record = services.record_check_out(
            actor=user,
            shift=w["shift"],
            when=dt.datetime(2026, 5, 9, 11, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        )
        services.record_approve(actor=w["worker"], record=record)
    kwargs = {
        "period_start": dt.date(2026, 5, 1),
        "period_end": dt.date(2026, 5, 31),
        "person_in_charge": "李",
        "handler": "王",
        "contact": "1",
        "when": dt.date(2026, 6, 1),
    }
    results = race(
        lambda: services.certificate_issue(actor=w["worker"], volunteer=w["va"], **kwargs).serial,
        lambda: services.certificate_issue(actor=w["worker2"], volunteer=w["vb"], **kwargs).serial,
    )
    assert sorted(results) == [1, 2], results
