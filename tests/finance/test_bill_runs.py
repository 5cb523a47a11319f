"""Schedules and bill runs: idempotent, overlapping periods refused, rates by use, the
developer billed for unsold units, scope."""

import datetime as dt
from decimal import Decimal

import pytest

from linli.core.errors import DomainError, NotFound
from linli.finance import services
from linli.finance.models import Bill, BilledPeriod, BillRun
from linli.ledger import services as ledger_services
from linli.ledger.models import HouseholdUse

from .conftest import at

D = Decimal


def amounts(**filters):
    return {
        b.household.room: b.amount
        for b in Bill.objects.filter(**filters).select_related("household")
    }


def test_a_month_bills_every_household_at_its_rate(billed):
    assert amounts(period_start=dt.date(2026, 1, 1)) == {
        "101": D("200.00"),
        "102": D("200.00"),
        "201": D("200.00"),
        "301": D("223.43"),  # 2.5 × 89.37 = 223.425 → 223.43
    }
    run = BillRun.objects.filter(period_start=dt.date(2026, 1, 1)).get()
    assert (run.bills_created, run.bills_existing, run.amount_created) == (4, 0, D("823.43"))


def test_a_twelve_month_bill_is_the_domain_rules_example(fees):
    services.bill_run(
        actor=fees["worker"], period_start="2026-01", months=12, compound=fees["compound"]
    )
    bill = Bill.objects.get(household=fees["households"]["301"])
    assert (bill.amount, bill.months, bill.period_end) == (D("2681.10"), 12, dt.date(2026, 12, 31))


def test_running_the_same_period_again_creates_nothing(billed):
    before = Bill.objects.count()
    run = services.bill_run(
        actor=billed["worker"], period_start="2026-02", region=billed["community"]
    )
    assert (run.bills_created, run.bills_existing) == (0, 4)
    assert Bill.objects.count() == before


def test_a_rerun_bills_only_households_added_since(billed):
    ledger_services.household_ensure(
        compound=billed["compound"], building="2栋", unit="1单元", room="101", area=D("50")
    )
    run = services.bill_run(
        actor=billed["worker"], period_start="2026-02", region=billed["community"]
    )
    assert (run.bills_created, run.bills_existing, run.amount_created) == (1, 4, D("125.00"))


@pytest.mark.parametrize(("start", "months"), [("2026-03", 2), ("2025-12", 2), ("2026-01", 3)])
def test_an_overlapping_period_is_refused_and_changes_nothing(billed, start, months):
    before = (Bill.objects.count(), BillRun.objects.count(), BilledPeriod.objects.count())
    with pytest.raises(DomainError) as exc:
        services.bill_run(
            actor=billed["worker"], period_start=start, months=months, region=billed["community"]
        )
    assert exc.value.code == "finance.period_overlap"
    assert exc.value.details[0]["compound"] == billed["compound"].pk
    assert (Bill.objects.count(), BillRun.objects.count(), BilledPeriod.objects.count()) == before


def test_adjacent_periods_are_fine(billed):
    run = services.bill_run(
        actor=billed["worker"], period_start="2026-04", months=3, compound=billed["compound"]
    )
    assert run.bills_created == 4


def test_rates_by_use_and_fixed_sum(fees, regions):
    c = ledger_services.compound_create(community=regions["xingdong"], name="用途小区")
    h = {
        use: ledger_services.household_ensure(
            compound=c, building="1栋", unit="1单元", room=str(100 + i), area=D("100"), use=use
        )
        for i, use in enumerate(HouseholdUse.values)
    }
    w = fees["worker"]
    services.schedule_create(
        actor=w, compound=c, basis="per_area", price="1.00", valid_from="2026-01"
    )
    services.schedule_create(
        actor=w, compound=c, basis="per_area", price="0.50", valid_from="2026-01", use="vacant"
    )
    services.schedule_create(
        actor=w,
        compound=c,
        basis="per_household",
        price="80",
        valid_from="2026-01",
        use="commercial",
    )
    services.bill_run(actor=w, period_start="2026-01", compound=c)
    got = {b.household_id: b.amount for b in Bill.objects.filter(compound=c)}
    assert got == {
        h["owner_occupied"].pk: D("100.00"),
        h["rented"].pk: D("100.00"),
        h["vacant"].pk: D("50.00"),
        h["commercial"].pk: D("80.00"),
    }


def test_developer_is_billed_for_unsold_units(fees):
    h = fees["households"]["201"]
    h.developer_unsold = True
    h.save()
    services.bill_run(actor=fees["worker"], period_start="2026-01", compound=fees["compound"])
    payers = {b.household.room: b.payer for b in Bill.objects.select_related("household")}
    assert payers == {"101": "owner", "102": "owner", "201": "developer", "301": "owner"}
    p = services.payment_record(actor=fees["worker"], household=h, amount="200", method="bank")
    assert p.payer == "developer" and p.unallocated == 0


def test_household_without_area_is_skipped_and_counted(fees):
    ledger_services.household_ensure(
        compound=fees["compound"], building="1栋", unit="1单元", room="401", area=None
    )
    run = services.bill_run(actor=fees["worker"], period_start="2026-01", compound=fees["compound"])
    assert (run.bills_created, run.skipped_no_area, run.skipped_no_schedule) == (4, 1, 0)


def test_households_with_no_schedule_for_their_use(fees, regions):
    c = ledger_services.compound_create(community=regions["xingdong"], name="只收自住")
    ledger_services.household_ensure(
        compound=c, building="1栋", unit="1单元", room="101", area=D("60")
    )
    ledger_services.household_ensure(
        compound=c, building="1栋", unit="1单元", room="102", area=D("60"), use="vacant"
    )
    services.schedule_create(
        actor=fees["worker"],
        compound=c,
        basis="per_area",
        price="1",
        valid_from="2026-01",
        use="owner_occupied",
    )
    run = services.bill_run(actor=fees["worker"], period_start="2026-01", compound=c)
    assert (run.bills_created, run.skipped_no_schedule) == (1, 1)


def test_a_compound_without_a_schedule_is_not_billed_in_a_region_run(fees, regions):
    ledger_services.compound_create(community=regions["xingdong"], name="没有标准")
    run = services.bill_run(
        actor=fees["worker"], period_start="2026-01", region=regions["xingdong"]
    )
    assert run.compounds == 1
    assert BilledPeriod.objects.count() == 1


def test_schedules_may_not_overlap(fees):
    with pytest.raises(DomainError) as exc:
        services.schedule_create(
            actor=fees["worker"],
            compound=fees["compound"],
            basis="per_area",
            price="3",
            valid_from="2026-06",
        )
    assert exc.value.code == "finance.schedule_overlap"
    # another use may have its own
    services.schedule_create(
        actor=fees["worker"],
        compound=fees["compound"],
        basis="per_area",
        price="1",
        valid_from="2026-06",
        use="vacant",
    )


def test_a_schedule_change_inside_the_period_is_an_error(fees):
    services.schedule_end(actor=fees["worker"], schedule=fees["schedule"], last_month="2026-06")
    services.schedule_create(
        actor=fees["worker"],
        compound=fees["compound"],
        basis="per_area",
        price="3",
        valid_from="2026-07",
    )
    with pytest.raises(DomainError) as exc:
        services.bill_run(
            actor=fees["worker"], period_start="2026-01", months=12, compound=fees["compound"]
        )
    assert exc.value.code == "finance.schedule_changes_in_period"
    assert not Bill.objects.exists()
    services.bill_run(
        actor=fees["worker"], period_start="2026-07", months=6, compound=fees["compound"]
    )
    assert Bill.objects.get(household=fees["households"]["101"]).amount == D("1440.00")


@pytest.mark.parametrize("months", [0, 13, "3"])
def test_bad_months(fees, months):
    with pytest.raises(DomainError) as exc:
        services.bill_run(
            actor=fees["worker"], period_start="2026-01", months=months, compound=fees["compound"]
        )
    assert exc.value.code == "finance.bad_months"


def test_only_desk_roles_in_scope_may_run(fees, regions):
    with pytest.raises(NotFound):
        services.bill_run(
            actor=fees["xt_worker"], period_start="2026-01", compound=fees["compound"]
        )
    with pytest.raises(NotFound):
        services.bill_run(
            actor=fees["xt_worker"], period_start="2026-01", region=regions["xingdong"]
        )
    with pytest.raises(DomainError) as exc:
        services.bill_run(actor=fees["leader_a"], period_start="2026-01", compound=fees["compound"])
    assert exc.value.code == "forbidden"
    with pytest.raises(DomainError):
        services.bill_run(
            actor=fees["resident_a"], period_start="2026-01", compound=fees["compound"]
        )
    assert not Bill.objects.exists()
    # the county official may bill any compound of the county
    run = services.bill_run(
        actor=fees["county"], period_start="2026-01", region=regions["county"], when=at(2026, 1, 1)
    )
    assert run.bills_created == 4
