"""The demo: committees elected by vote, a passed item, a major item that fails ¾ though a
simple majority said yes, one that fails the quorum, one open for the resident login."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from linli.accounts.models import Role
from linli.demo import selfgov as demo
from linli.ledger import services as ledger
from linli.selfgov.models import Ballot, Committee, Owner, Vote

from ..factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world(regions, compound, xingdong_worker):
    for n in range(120):
        h = ledger.household_ensure(
            compound=compound,
            building=f"{n // 40 + 1}栋",
            unit="1单元",
            room=f"{n % 40 + 101}",
            area=Decimal("60.00") + n,
        )
        ledger.resident_save(household=h, name=f"业主{n:03d}", is_owner=True)
    resident = make_user("resident", Role.RESIDENT, None, "业主007")
    resident.profile.household = (
        h.unit.building.compound.buildings.get(name="1栋").units.get().households.get(room="108")
    )
    resident.profile.save()
    return regions["xingdong"]


def test_build_and_rebuild(demo_world, regions):
    now = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    lines = demo.build_demo(community=demo_world, seed=2026, now=now)
    assert lines == [
        "业主自治：业委会 1 个，表决 4 项（通过 2、未达法定人数 1、未达四分之三 1），"
        "进行中 1 项（粮站宿舍，居民账号 resident 可投票）"
    ]
    major = Vote.objects.get(item=6)
    r = major.result
    # a simple majority said yes (by area and heads) but not three quarters
    assert 2 * r["yes_heads"] > r["voted_heads"] and 4 * r["yes_heads"] < 3 * r["voted_heads"]
    assert r["quorum"] and not r["passed"]
    assert major.published_at - major.closes_at <= dt.timedelta(days=3)
    assert Committee.objects.get().members.count() == 5
    # the resident login is an owner on the open vote and has not voted
    open_vote = Vote.objects.get(result__isnull=True)
    owner = Owner.objects.get(name="业主007")
    assert open_vote.roll.filter(owner=owner).exists()
    assert not Ballot.objects.filter(vote=open_vote, owner=owner).exists()
    first = sorted(Ballot.objects.values_list("owner__name", "choice", "vote__item"))
    demo.clear_demo(regions["town"])
    assert not Vote.objects.exists() and not Owner.objects.exists()
    assert demo.build_demo(community=demo_world, seed=2026, now=now) == lines
    assert sorted(Ballot.objects.values_list("owner__name", "choice", "vote__item")) == first
