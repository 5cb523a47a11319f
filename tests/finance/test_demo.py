"""The demo year on a small 兴东: custodial compounds billed monthly through the services,
reconciled, party-member households ahead, the same for the same seed."""

import datetime as dt
import random
from decimal import Decimal

import pytest

from linli.accounts.models import Role
from linli.demo import finance as demo
from linli.finance import selectors
from linli.finance.models import Bill, BillRun, FeeSchedule, Payment
from linli.ledger import services as ledger_services

from ..factories import make_user

CST = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 11, 26, tzinfo=CST)


@pytest.fixture
def small_xingdong(regions, xingdong_worker):
    make_user("town_x", Role.TOWN_OFFICIAL, regions["town"], "镇干部")
    rng = random.Random(3)
    for name in ("富康小区", "水泥厂宿舍"):
        c = ledger_services.compound_create(
            community=regions["xingdong"], name=name, property_service="community_custody"
        )
        for i in range(30):
            h = ledger_services.household_ensure(
                compound=c,
                building=f"{i // 10 + 1}栋",
                unit="1单元",
                room=f"{i % 10 + 101}",
                area=Decimal(f"{rng.uniform(45, 120):.2f}"),
                use="vacant" if i % 13 == 0 else "owner_occupied",
            )
            ledger_services.resident_save(
                household=h,
                name=f"住户{name[:2]}{i}",
                is_party_member=i % 5 == 0,
                is_low_income=i == 7,
            )
    ledger_services.compound_create(
        community=regions["xingdong"], name="物业小区", property_service="professional"
    )
    return regions["xingdong"]


def test_demo_year(small_xingdong, regions):
    lines = demo.build_demo(community=small_xingdong, seed=2026, now=NOW)
    assert lines[0].startswith("物业收费（社区托管小区 2 个，60 户）：近12个月（2025-11至2026-10）")
    assert "收缴率" in lines[0] and "党员户" in lines[0]
    assert BillRun.objects.count() == 12
    assert Bill.objects.count() == 60 * 12
    assert not FeeSchedule.objects.filter(compound__name="物业小区").exists()
    assert selectors.reconciliation().ok
    bills = Bill.objects.all()
    total = selectors.collection_rates(actor=None, start="2025-11", end="2026-10", bills=bills)[0]
    assert Decimal("0.85") < total.amount_rate <= 1
    party = {
        r.key: r
        for r in selectors.collection_rates(
            actor=None, start="2025-11", end="2026-10", by="party", bills=bills
        )
    }
    assert party[True].amount_rate >= party[False].amount_rate
    assert Payment.objects.filter(unallocated__gt=0).count() <= Payment.objects.count()
    # the same seed gives the same year
    paid = sorted(Payment.objects.values_list("receipt_no", "amount"))
    demo.clear_demo(regions["town"])
    assert not Bill.objects.exists() and not FeeSchedule.objects.exists()
    assert demo.build_demo(community=small_xingdong, seed=2026, now=NOW) == lines
    assert sorted(Payment.objects.values_list("receipt_no", "amount")) == paid
