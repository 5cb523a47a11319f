"""A small compound for the owners' votes: co-owners, a two-unit owner, the developer's unsold
units, a unit whose owner the ledger does not name; personas for each role."""

import datetime as dt
from decimal import Decimal

import pytest

from linli.accounts.models import Role
from linli.ledger import services as ledger
from linli.selfgov import services

from ..factories import make_user

CST = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=CST)  # the day the topic is published


@pytest.fixture
def world(regions, compound, other_compound, xingdong_worker, xintang_worker):
    h = {}
    for room, area, extra in (
        ("101", "80.00", {}),
        ("102", "90.00", {}),
        ("201", "100.00", {}),
        ("202", "70.00", {"use": "rented"}),
        ("301", "95.00", {"developer_unsold": True}),
        ("302", "95.00", {"developer_unsold": True}),
        ("303", "60.00", {}),
    ):
        h[room] = ledger.household_ensure(
            compound=compound, building="1栋", unit="1单元", room=room, area=Decimal(area), **extra
        )
    liu = ledger.resident_save(
        household=h["101"], name="刘建国", id_number="430424195606055010", is_owner=True
    )
    chen = ledger.resident_save(household=h["101"], name="陈秀英", relation="spouse", is_owner=True)
    wang = ledger.resident_save(
        household=h["102"], name="王桂兰", id_number="430424194101035562", is_owner=True
    )
    zhao = ledger.resident_save(
        household=h["201"], name="赵志强", id_number="430424198202185410", is_owner=True
    )
    ledger.resident_save(household=h["202"], name="孙租客", relation="tenant")
    # the other compound: one household, one owner
    oh = ledger.household_ensure(
        compound=other_compound, building="A栋", unit="1单元", room="101", area=Decimal("88.00")
    )
    ledger.resident_save(household=oh, name="周其他", is_owner=True)

    committee = make_user("yeweihui", Role.COMMITTEE_MEMBER, None, "业委会委员")
    committee.profile.compound = compound
    committee.profile.save()
    users = {
        "liu": make_user("liu", Role.RESIDENT, None, "刘建国"),
        "wang": make_user("wang", Role.RESIDENT, None, "王桂兰"),
        "chen": make_user("chen", Role.RESIDENT, None, "陈秀英"),
        "zhou": make_user("zhou", Role.RESIDENT, None, "周其他"),
    }
    for key, household in (("liu", h["101"]), ("wang", h["102"]), ("chen", h["101"]), ("zhou", oh)):
        users[key].profile.household = household
        users[key].profile.save()
    services.owners_sync(compound=compound)
    services.owners_sync(compound=other_compound)
    from linli.selfgov.models import Owner

    owners = {o.name: o for o in Owner.objects.filter(compound=compound)}
    services.ownership_add(actor=xingdong_worker, owner=owners["赵志强"], household=h["202"])
    return {
        "compound": compound,
        "other_compound": other_compound,
        "households": h,
        "residents": {"liu": liu, "chen": chen, "wang": wang, "zhao": zhao},
        "owners": owners,
        "worker": xingdong_worker,
        "other_worker": xintang_worker,
        "committee": committee,
        **users,
    }


@pytest.fixture
def announce(world):
    """Publish a topic and announce its vote (opens 15 days after T0, open for 7 days)."""

    def make(item=1, title="更换小区路灯", when=T0, **kwargs):
        proposal = services.proposal_create(
            actor=world["committee"],
            compound=world["compound"],
            item=item,
            title=title,
            body="议题内容",
            when=when,
            **kwargs,
        )
        services.proposal_publish(actor=world["committee"], proposal=proposal, when=when)
        return services.vote_announce(
            actor=world["committee"],
            proposal=proposal,
            opens_at=when + dt.timedelta(days=15),
            closes_at=when + dt.timedelta(days=22),
            when=when,
        )

    return make


OPEN = T0 + dt.timedelta(days=16)  # a moment while the vote is open
AFTER = T0 + dt.timedelta(days=23)  # after the close
