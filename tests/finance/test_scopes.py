"""The fee rules registered with the policy (``linli.finance.scopes``) answer what the fee
selectors always have, for every persona: bills by compound for the region roles and by
household for the others; receipts, reductions and their allocations only of one's own
household unless the role has the vulnerable-person tag duty; void requests for the desk."""

from decimal import Decimal

import pytest

from linli.core.policy import Capability, can, restrict
from linli.finance import selectors, services
from linli.finance.models import (
    Account,
    Allocation,
    Bill,
    BilledPeriod,
    BillRun,
    FeeSchedule,
    Payment,
    PaymentVoid,
    Waiver,
    WaiverKind,
)
from linli.ledger.models import Compound, Household

from ..core.test_policy import personas
from .conftest import at


def ids(queryset):
    return set(queryset.values_list("pk", flat=True))


@pytest.fixture
def world(billed, compound):
    h = billed["households"]
    for room in ("101", "201"):
        services.payment_record(
            actor=billed["worker"],
            household=h[room],
            amount="200.00",
            method="cash",
            when=at(2026, 4, 2),
        )
    bill = Bill.objects.filter(household=h["201"]).order_by("period_start").last()
    services.waiver_request(
        actor=billed["worker"],
        bill=bill,
        amount="50.00",
        kind=WaiverKind.values[0],
        reason="低保",
        when=at(2026, 4, 2),
    )
    services.payment_void(
        actor=billed["worker"],
        payment=Payment.objects.get(household=h["101"]),
        reason="错收",
        when=at(2026, 4, 3),
    )
    people = personas(billed, billed["county"], billed["worker"], billed["xt_worker"], compound)
    return billed, people


def expected_bills(user):
    """The old ``bill_q``: region roles by compound, everyone else by household."""
    if can(user, Capability.FINANCE_DESK):
        return ids(Bill.objects.filter(compound__in=Compound.objects.restrict(user)))
    return ids(Bill.objects.filter(household__in=Household.objects.restrict(user)))


def own_household(user):
    return getattr(getattr(user, "profile", None), "household_id", None)


def test_restrict_agrees_with_the_fee_selectors(world):
    _, people = world
    for name, user in people.items():
        bills = expected_bills(user)
        assert ids(Bill.objects.restrict(user)) == bills, name
        assert ids(selectors.bills_for(user)) == bills, name
        receipts = Payment.objects.filter(household__bills__in=bills).distinct()
        waivers = Waiver.objects.filter(bill__in=bills)
        if not can(user, Capability.SEE_TAGS):
            receipts = receipts.filter(household_id=own_household(user))
            waivers = waivers.filter(bill__household_id=own_household(user))
        assert ids(Payment.objects.restrict(user)) == ids(receipts), name
        assert ids(selectors.payments_for(user)) == ids(receipts), name
        assert ids(Waiver.objects.restrict(user)) == ids(waivers), name
        assert ids(Allocation.objects.restrict(user)) == ids(
            Allocation.objects.filter(payment__in=receipts)
        ), name
        compounds = Compound.objects.restrict(user)
        assert ids(FeeSchedule.objects.restrict(user)) == ids(
            FeeSchedule.objects.filter(compound__in=compounds)
        ), name
        assert ids(BillRun.objects.restrict(user)) == ids(
            BillRun.objects.filter(periods__in=BilledPeriod.objects.filter(compound__in=compounds))
        ), name
        assert ids(Account.objects.restrict(user)) == ids(
            Account.objects.filter(household__in=Household.objects.restrict(user))
        ), name
        voids = PaymentVoid.objects.filter(payment__compound__in=compounds)
        expected_voids = ids(voids) if can(user, Capability.FINANCE_DESK) else set()
        assert ids(PaymentVoid.objects.restrict(user)) == expected_voids, name
        if can(user, Capability.FINANCE_DESK):
            pending = {v.pk for v in selectors.pending_voids(actor=user)}
            assert pending == expected_voids, name


def test_each_persona_sees_its_own_fees(world):
    w, people = world
    h = w["households"]
    all_bills = Bill.objects.filter(compound=w["compound"])
    assert ids(Bill.objects.restrict(people["xingdong"])) == ids(all_bills)
    assert not Bill.objects.restrict(people["xintang"]).exists()
    assert not Bill.objects.restrict(people["staff"]).exists()
    # the committee sees its compound's bills but only its own receipts and reductions
    assert ids(Bill.objects.restrict(people["committee"])) == ids(all_bills)
    assert not Payment.objects.restrict(people["committee"]).exists()
    assert not Waiver.objects.restrict(people["committee"]).exists()
    # a resident: their own household; a 邻长 sees the receipts and reductions of their 邻
    resident = people["resident_a"]
    assert ids(Payment.objects.restrict(resident)) == ids(
        Payment.objects.filter(household=h["101"])
    )
    assert not Waiver.objects.restrict(resident).exists()
    assert ids(Waiver.objects.restrict(people["leader_b"])) == ids(Waiver.objects.all())
    assert Waiver.objects.get().bill.household == h["201"]
    assert ids(Payment.objects.restrict(people["leader_a"])) == ids(
        Payment.objects.filter(household=h["101"])
    )
    # void requests: the desk's alone
    assert PaymentVoid.objects.restrict(people["xingdong"]).count() == 1
    for name in ("leader_a", "resident_a", "committee", "staff", "xintang"):
        assert not PaymentVoid.objects.restrict(people[name]).exists(), name
    assert restrict(Bill.objects.all(), None).query.is_empty()
    assert Decimal(Payment.objects.restrict(resident).get().amount) == Decimal("200.00")
