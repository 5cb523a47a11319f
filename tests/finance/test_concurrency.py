"""Two workers taking the same payment at the same moment record it once.

Threads need their own connections to one committed database: PostgreSQL only (the SQLite
test database is in memory per connection; there ``transaction_mode=IMMEDIATE`` makes one
writer at a time, and the sequential tests cover the re-checks under the lock).
"""

from decimal import Decimal

import pytest

from linli.core.errors import DomainError
from linli.finance import selectors, services
from linli.finance.models import Allocation, Bill, Payment

from ..concurrency import postgres_only, race

pytestmark = postgres_only


def taker(w, actor, amount, token, room="101"):
    return lambda: services.payment_record(
        actor=w[actor],
        household=w["households"][room],
        amount=amount,
        method="cash",
        client_token=token,
    )


@pytest.mark.django_db(transaction=True)
def test_the_same_form_submitted_twice_at_once(billed):
    results = race(*(taker(billed, "worker", "600", "same") for _ in range(4)))
    assert all(isinstance(r, Payment) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert sum(r.replayed for r in results) == 3
    assert Payment.objects.count() == 1 and Allocation.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_workers_taking_the_whole_debt_at_once(billed):
    results = race(
        taker(billed, "worker", "600", "desk-a"), taker(billed, "approver", "600", "desk-b")
    )
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 1 and errors[0].code == "finance.overpayment", results
    assert Payment.objects.count() == 1
    bills = Bill.objects.filter(household=billed["households"]["101"])
    assert sum(b.paid for b in bills) == Decimal("600.00")
    assert selectors.reconciliation().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_partial_payments_lose_nothing(billed):
    results = race(*(taker(billed, "worker", "150", f"p{i}") for i in range(4)))
    assert all(isinstance(r, Payment) for r in results), results
    bills = Bill.objects.filter(household=billed["households"]["101"])
    assert sum(b.paid for b in bills) == Decimal("600.00")
    assert all(b.outstanding == 0 for b in bills)
    assert selectors.reconciliation().ok


@pytest.mark.django_db(transaction=True)
def test_receipt_numbers_stay_unique_under_load(billed):
    rooms = ["101", "102", "201", "301"]
    results = race(*(taker(billed, "worker", "100", f"r{room}", room) for room in rooms))
    assert all(isinstance(r, Payment) for r in results), results
    assert len({r.receipt_no for r in results}) == 4


# ------------------------------------------------------------------ voids


@pytest.mark.django_db(transaction=True)
def test_two_approvals_of_one_void_at_once_give_the_money_back_once(billed):
    from linli.finance.models import PaymentVoid

    payment = services.payment_record(
        actor=billed["worker"], household=billed["households"]["101"], amount="450", method="cash"
    )
    void = services.payment_void(actor=billed["worker"], payment=payment, reason="错收")

    def approve(actor):
        return lambda: services.payment_void_decide(
            actor=billed[actor], void=PaymentVoid.objects.get(pk=void.pk), approve=True
        )

    results = race(approve("approver"), approve("county"), approve("approver"))
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 2 and {e.code for e in errors} == {"finance.already_decided"}, results
    bills = Bill.objects.filter(household=billed["households"]["101"])
    assert all(b.paid == 0 and b.outstanding == Decimal("200.00") for b in bills)
    assert Payment.objects.get(pk=payment.pk).voided_at is not None
    assert selectors.reconciliation().ok, selectors.reconciliation().problems


@pytest.mark.django_db(transaction=True)
def test_two_void_requests_at_once_make_one(billed):
    from linli.finance.models import PaymentVoid

    payment = services.payment_record(
        actor=billed["worker"], household=billed["households"]["101"], amount="200", method="cash"
    )
    results = race(
        *(
            (
                lambda a=a: services.payment_void(
                    actor=billed[a], payment=Payment.objects.get(pk=payment.pk), reason="错收"
                )
            )
            for a in ("worker", "approver", "county")
        )
    )
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 2 and {e.code for e in errors} == {"finance.void_pending"}, results
    assert PaymentVoid.objects.count() == 1
