"""Fee personas on top of ``grid_world``: 粮站宿舍 (兴东) with a 2.50 元/㎡·月 standard,
households 101/102/201 (80 m², 邻 A: 101, 102; 邻 B: 201) and 301 (89.37 m², no 邻);
102 is a party-member household; a second 兴东 worker to approve waivers; 新塘 worker."""

import datetime as dt
from decimal import Decimal

import pytest

from linli.accounts.models import Role
from linli.finance import services
from linli.ledger import services as ledger_services

from ..factories import make_user

CST = dt.timezone(dt.timedelta(hours=8))


def at(y, m, d=5, h=10):
    return dt.datetime(y, m, d, h, tzinfo=CST)


@pytest.fixture
def fees(grid_world, regions, compound, xingdong_worker):
    w = dict(grid_world)
    h = w["households"]
    h["301"] = ledger_services.household_ensure(
        compound=compound, building="1栋", unit="1单元", room="301", area=Decimal("89.37")
    )
    res = w["residents"]["a2"]
    res.is_party_member = True
    res.save(update_fields=["is_party_member"])
    w["worker"] = xingdong_worker
    w["approver"] = make_user("xd_worker2", Role.COMMUNITY_WORKER, regions["xingdong"], "兴东二")
    w["xt_worker"] = make_user("xt_worker", Role.COMMUNITY_WORKER, regions["xintang"], "新塘")
    w["county"] = make_user("county_x", Role.COUNTY_OFFICIAL, regions["county"], "县干部")
    w["compound"] = compound
    w["schedule"] = services.schedule_create(
        actor=xingdong_worker,
        compound=compound,
        basis="per_area",
        price="2.50",
        valid_from="2026-01",
    )
    return w


@pytest.fixture
def billed(fees):
    """Three monthly runs, 2026-01..03, for 兴东社区 (80 m² → 200.00; 89.37 m² → 223.43)."""
    for m in (1, 2, 3):
        services.bill_run(
            actor=fees["worker"],
            period_start=dt.date(2026, m, 1),
            region=fees["community"],
            when=at(2026, m, 1),
        )
    return fees
