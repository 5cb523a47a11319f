"""Voiding a payment (收款作废/红冲): requested with a reason, approved by another person;
approval gives each bill back what the payment paid, drops the prepayment it held, and marks
the payment voided (never deleted); everything that sums payments ignores it."""

from decimal import Decimal

import pytest

from linli.core.errors import DomainError, NotFound
from linli.finance import selectors, services
from linli.finance.models import Allocation, Bill, Payment, PaymentVoid

from .conftest import at
from .test_payments import bills_of, pay

D = Decimal


def void(w, payment, *, by="worker", ok="approver", reason="错收到其他户"):
    v = services.payment_void(actor=w[by], payment=payment, reason=reason, when=at(2026, 4, 3))
    return services.payment_void_decide(
        actor=w[ok], void=v, approve=True, note="核实无误", when=at(2026, 4, 4)
    )


def test_a_void_needs_another_person_and_then_undoes_the_payment(billed):
    p = pay(billed, amount="250.50")
    v = services.payment_void(actor=billed["worker"], payment=p, reason="金额录错")
    # nothing changes while it waits
    assert [b.outstanding for b in bills_of(billed)] == [D("0.00"), D("149.50"), D("200.00")]
    with pytest.raises(DomainError) as exc:
        services.payment_void_decide(actor=billed["worker"], void=v, approve=True)
    assert exc.value.code == "finance.self_approval" and exc.value.status == 403
    services.payment_void_decide(actor=billed["approver"], void=v, approve=True)
    for bill in bills_of(billed):
        assert (bill.paid, bill.outstanding) == (D("0.00"), D("200.00"))
    p.refresh_from_db()
    assert p.voided_at is not None and p.voided_by == billed["approver"]
    assert p.void_reason == "金额录错" and p.receipt_no  # kept, with its number
    assert Allocation.objects.filter(payment=p).count() == 2  # the receipt still shows them
    assert selectors.household_balance(household=billed["households"]["101"]).owed == D("600.00")
    assert selectors.reconciliation().ok, selectors.reconciliation().problems


def test_a_voided_prepayment_is_dropped_from_the_account(billed):
    p = pay(billed, amount="1000", prepay=True)
    assert p.unallocated == D("400.00")
    h = billed["households"]["101"]
    assert selectors.household_balance(household=h).credit == D("400.00")
    void(billed, p)
    p.refresh_from_db()
    assert (p.unallocated, p.voided_unallocated) == (D("0.00"), D("400.00"))
    balance = selectors.household_balance(household=h)
    assert (balance.owed, balance.credit) == (D("600.00"), D("0.00"))
    # the next run does not pay the new bill from the voided prepayment
    services.bill_run(actor=billed["worker"], period_start="2026-04", region=billed["community"])
    assert Bill.objects.get(household=h, period_start__month=4).paid == 0
    assert selectors.reconciliation().ok, selectors.reconciliation().problems


def test_cannot_void_twice_nor_ask_twice(billed):
    p = pay(billed, amount="200")
    services.payment_void(actor=billed["worker"], payment=p, reason="错收")
    with pytest.raises(DomainError) as exc:
        services.payment_void(actor=billed["approver"], payment=p, reason="再次")
    assert exc.value.code == "finance.void_pending"
    v = PaymentVoid.objects.get(payment=p)
    services.payment_void_decide(actor=billed["approver"], void=v, approve=True)
    with pytest.raises(DomainError) as exc:
        services.payment_void(actor=billed["worker"], payment=p, reason="又一次")
    assert exc.value.code == "finance.already_voided"
    with pytest.raises(DomainError) as exc:
        services.payment_void_decide(actor=billed["approver"], void=v, approve=True)
    assert exc.value.code == "finance.already_decided"
    assert bills_of(billed)[0].outstanding == D("200.00")  # given back once, not twice


def test_a_refused_void_changes_nothing_and_may_be_asked_again(billed):
    p = pay(billed, amount="200")
    v = services.payment_void(actor=billed["worker"], payment=p, reason="错收")
    services.payment_void_decide(actor=billed["approver"], void=v, approve=False, note="无误")
    p.refresh_from_db()
    assert p.voided_at is None and bills_of(billed)[0].paid == D("200.00")
    services.payment_void(actor=billed["worker"], payment=p, reason="确认错收")


def test_void_bad_input_and_scope(billed):
    p = pay(billed, amount="200")
    with pytest.raises(DomainError) as exc:
        services.payment_void(actor=billed["worker"], payment=p, reason="  ")
    assert exc.value.code == "finance.reason_required"
    with pytest.raises(NotFound):
        services.payment_void(actor=billed["xt_worker"], payment=p, reason="错收")
    with pytest.raises(DomainError) as exc:
        services.payment_void(actor=billed["resident_a"], payment=p, reason="x")
    assert exc.value.code == "forbidden"
    v = services.payment_void(actor=billed["worker"], payment=p, reason="错收")
    with pytest.raises(NotFound):
        services.payment_void_decide(actor=billed["xt_worker"], void=v, approve=True)
    assert PaymentVoid.objects.get().status == "pending"
    assert selectors.pending_voids(actor=billed["approver"]) == [v]
    assert selectors.pending_voids(actor=billed["xt_worker"]) == []
    assert selectors.pending_voids(actor=billed["resident_a"]) == []


def test_reconciliation_and_rates_after_voids(billed):
    """billed = paid + waived + outstanding for every compound and period after voids; the
    collection rates count only live payments."""
    keep = pay(billed, room="102", amount="600")
    wrong = pay(billed, room="101", amount="450")
    pre = pay(billed, room="201", amount="900", prepay=True)
    w = services.waiver_request(
        actor=billed["worker"],
        bill=bills_of(billed, "101")[2],
        amount="100",
        kind="low_income",
        reason="低保",
    )
    services.waiver_decide(actor=billed["approver"], waiver=w, approve=True)
    before = selectors.collection_rates(actor=billed["worker"], start="2026-01", end="2026-03")[0]
    void(billed, wrong)
    void(billed, pre)
    rec = selectors.reconciliation()
    assert rec.ok, rec.problems
    assert all(r["billed"] == r["paid"] + r["waived"] + r["outstanding"] for r in rec.rows)
    total = selectors.collection_rates(actor=billed["worker"], start="2026-01", end="2026-03")[0]
    assert total.paid == before.paid - D("450.00") - D("600.00") == D("600.00")
    assert total.households_paid == 1  # only 102
    keep.refresh_from_db()
    assert keep.voided_at is None
    # a tampered voided payment is caught
    Payment.objects.filter(pk=wrong.pk).update(unallocated=D("1.00"))
    assert not selectors.reconciliation().ok


# ------------------------------------------------------------------ API

API = "/api/v1/finance"


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_void_through_the_api(client, billed):
    p = pay(billed, amount="250.50")
    client.force_login(billed["worker"])
    r = post(client, f"{API}/payments/{p.pk}/void", {"reason": ""})
    assert r.status_code == 400 and r.json()["code"] == "finance.reason_required"
    r = post(client, f"{API}/payments/{p.pk}/void", {"reason": "错收到其他户"})
    assert r.status_code == 201, r.content
    void_id = r.json()["id"]
    assert r.json()["status"] == "pending" and r.json()["amount"] == "250.50"
    r = post(client, f"{API}/payment-voids/{void_id}/decide", {"approve": True})
    assert r.status_code == 403 and r.json()["code"] == "finance.self_approval"
    client.force_login(billed["xt_worker"])  # another community
    assert post(client, f"{API}/payments/{p.pk}/void", {"reason": "x"}).status_code == 404
    r = post(client, f"{API}/payment-voids/{void_id}/decide", {"approve": True})
    assert r.status_code == 404
    assert client.get(f"{API}/payment-voids").json() == []
    client.force_login(billed["resident_a"])  # the payer's own household, not the desk
    assert post(client, f"{API}/payments/{p.pk}/void", {"reason": "x"}).status_code == 403
    client.force_login(billed["approver"])
    assert [v["id"] for v in client.get(f"{API}/payment-voids").json()] == [void_id]
    r = post(client, f"{API}/payment-voids/{void_id}/decide", {"approve": True, "note": "核实"})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    r = client.get(f"{API}/payments/{p.pk}")
    assert r.json()["voided"] is True and r.json()["void_reason"] == "错收到其他户"
    r = post(client, f"{API}/payments/{p.pk}/void", {"reason": "again"})
    assert r.status_code == 409 and r.json()["code"] == "finance.already_voided"
    r = client.get(f"{API}/households/{p.household_id}/bills")
    assert r.json()["owed"] == "600.00"


# ------------------------------------------------------------------ pages


def test_void_through_the_pages(client, billed):
    from django.urls import reverse

    h = billed["households"]["101"]
    p = pay(billed, amount="250.50")
    client.force_login(billed["worker"])
    body = client.get(reverse("finance:household", args=[h.pk])).content.decode()
    assert "申请作废" in body and reverse("finance:payment_void", args=[p.pk]) in body
    r = client.post(reverse("finance:payment_void", args=[p.pk]), {"reason": "错收到其他户"})
    assert r.status_code == 302
    body = client.get(reverse("finance:household", args=[h.pk])).content.decode()
    assert "作废申请待审批" in body
    body = client.get(reverse("finance:waivers")).content.decode()
    assert "错收到其他户" in body and "本人提出的申请" in body
    v = PaymentVoid.objects.get()
    # the requester cannot decide it through the page either
    client.post(reverse("finance:void_decide", args=[v.pk]), {"decision": "approve"})
    assert PaymentVoid.objects.get().status == "pending"
    # a worker of another community: 404 on the request, nothing to decide
    client.force_login(billed["xt_worker"])
    assert client.post(reverse("finance:payment_void", args=[p.pk]), {"reason": "x"}).status_code
    assert "错收到其他户" not in client.get(reverse("finance:waivers")).content.decode()
    client.post(reverse("finance:void_decide", args=[v.pk]), {"decision": "approve"})
    assert PaymentVoid.objects.get().status == "pending"
    client.force_login(billed["approver"])
    r = client.post(reverse("finance:void_decide", args=[v.pk]), {"decision": "approve"})
    assert r.status_code == 302 and PaymentVoid.objects.get().status == "approved"
    body = client.get(reverse("finance:receipt", args=[p.pk])).content.decode()
    assert "本收据已作废" in body and "错收到其他户" in body and p.receipt_no in body
    # the payer's household sees the stamp too, and its balance owes again
    client.force_login(billed["resident_a"])
    body = client.get(reverse("finance:receipt", args=[p.pk])).content.decode()
    assert "本收据已作废" in body
    assert (
        client.post(reverse("finance:payment_void", args=[p.pk]), {"reason": "x"}).status_code
        == 404
    )
    body = client.get(reverse("finance:mine")).content.decode()
    assert "作废" in body and "¥600.00" in body


def test_payment_void_page_for_another_community_is_404(client, billed):
    from django.urls import reverse

    p = pay(billed, amount="200")
    client.force_login(billed["xt_worker"])
    r = client.post(reverse("finance:payment_void", args=[p.pk]), {"reason": "x"})
    assert r.status_code == 404
    assert not PaymentVoid.objects.exists()
