"""Payments (partial, oldest first, overpayment, prepayment ≤ 12 months, bad amounts,
receipts, idempotency), waivers with approval by another person, and reconciliation."""

import datetime as dt
import random
from decimal import Decimal

import pytest

from linli.core.errors import DomainError, NotFound
from linli.finance import selectors, services
from linli.finance.models import Allocation, Bill, Payment, Waiver

from .conftest import at

D = Decimal


def pay(w, room="101", amount="200", **kw):
    kw.setdefault("method", "cash")
    kw.setdefault("when", at(2026, 4, 2))
    return services.payment_record(
        actor=kw.pop("actor", w["worker"]), household=w["households"][room], amount=amount, **kw
    )


def bills_of(w, room="101"):
    return list(Bill.objects.filter(household=w["households"][room]).order_by("period_start"))


def test_partial_payment_goes_to_the_oldest_bill_first(billed):
    p = pay(billed, amount="250.50")
    jan, feb, mar = bills_of(billed)
    assert (jan.paid, jan.outstanding) == (D("200.00"), D("0.00"))
    assert (feb.paid, feb.outstanding) == (D("50.50"), D("149.50"))
    assert (mar.paid, mar.outstanding) == (D("0.00"), D("200.00"))
    assert [a.amount for a in p.allocations.order_by("bill__period_start")] == [
        D("200.00"),
        D("50.50"),
    ]
    assert p.unallocated == 0
    assert selectors.household_balance(household=billed["households"]["101"]).owed == D("349.50")


def test_paying_exactly_what_is_owed_settles_everything(billed):
    pay(billed, amount="600")
    assert all(b.outstanding == 0 for b in bills_of(billed))


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("600.01", "finance.overpayment"),
        ("-5", "finance.amount_not_positive"),
        ("0", "finance.amount_not_positive"),
        ("100.005", "finance.too_many_decimals"),
        ("一百", "finance.bad_amount"),
    ],
)
def test_bad_payments_change_nothing(billed, amount, code):
    with pytest.raises(DomainError) as exc:
        pay(billed, amount=amount)
    assert exc.value.code == code
    assert not Payment.objects.exists() and not Allocation.objects.exists()
    assert all(b.paid == 0 for b in bills_of(billed))


def test_overpayment_says_what_is_owed(billed):
    with pytest.raises(DomainError) as exc:
        pay(billed, amount="700")
    assert exc.value.details[0]["owed"] == "600.00"
    assert "预交" in exc.value.message


def test_bad_method(billed):
    with pytest.raises(DomainError) as exc:
        pay(billed, method="bitcoin")
    assert exc.value.code == "finance.bad_method"


def test_prepayment_only_when_asked_and_at_most_twelve_months(billed):
    # owes 600; 12 months ahead at 200/month = 2400 more at most
    with pytest.raises(DomainError) as exc:
        pay(billed, amount="3000.01", prepay=True)
    assert exc.value.code == "finance.prepay_limit"
    p = pay(billed, amount="3000.00", prepay=True)
    assert (p.unallocated, selectors.household_balance(household=p.household).credit) == (
        D("2400.00"),
        D("2400.00"),
    )
    # already holding 12 months: one fen more is refused
    with pytest.raises(DomainError) as exc:
        pay(billed, amount="0.01", prepay=True)
    assert exc.value.code == "finance.prepay_limit"


def test_prepayment_pays_the_next_bills_when_they_are_issued(billed):
    p = pay(billed, amount="1000", prepay=True)  # 600 owed + 400 held
    services.bill_run(actor=billed["worker"], period_start="2026-04", compound=billed["compound"])
    services.bill_run(
        actor=billed["worker"], period_start="2026-05", months=2, compound=billed["compound"]
    )
    p.refresh_from_db()
    apr, mayjun = bills_of(billed)[3:]
    assert (apr.paid, apr.outstanding) == (D("200.00"), D("0.00"))
    assert (mayjun.paid, mayjun.outstanding) == (D("200.00"), D("200.00"))
    assert p.unallocated == 0
    assert selectors.reconciliation().ok


def test_receipt_numbers_are_unique_and_sequential_per_compound(billed, other_compound):
    a = pay(billed, amount="10")
    b = pay(billed, room="201", amount="10")
    assert a.receipt_no.endswith("000001") and b.receipt_no.endswith("000002")
    assert a.receipt_no.split("-")[1] == f"{billed['compound'].pk:04d}"


def test_the_same_form_submitted_twice_records_one_payment(billed):
    first = pay(billed, amount="150", client_token="tok-1")
    again = pay(billed, amount="150", client_token="tok-1")
    assert (again.pk, again.replayed, first.replayed) == (first.pk, True, False)
    assert Payment.objects.count() == 1
    assert bills_of(billed)[0].paid == D("150.00")


def test_a_token_reused_for_other_money_is_refused(billed):
    pay(billed, amount="150", client_token="tok-1")
    with pytest.raises(DomainError) as exc:
        pay(billed, amount="160", client_token="tok-1")
    assert (exc.value.code, exc.value.status) == ("finance.token_reused", 409)


def test_payments_out_of_scope(billed):
    with pytest.raises(NotFound):
        pay(billed, actor=billed["xt_worker"], amount="10")
    for who in ("leader_a", "resident_a"):
        with pytest.raises(DomainError) as exc:
            pay(billed, actor=billed[who], amount="10")
        assert exc.value.code == "forbidden"
    assert not Payment.objects.exists()


# ------------------------------------------------------------------ waivers


def test_waiver_needs_another_person_to_approve(billed):
    jan = bills_of(billed, "102")[0]
    w = services.waiver_request(
        actor=billed["worker"], bill=jan, amount="100", kind="low_income", reason="低保户减半"
    )
    assert Bill.objects.get(pk=jan.pk).waived == 0  # nothing until approved
    with pytest.raises(DomainError) as exc:
        services.waiver_decide(actor=billed["worker"], waiver=w, approve=True)
    assert (exc.value.code, exc.value.status) == ("finance.self_approval", 403)
    services.waiver_decide(actor=billed["approver"], waiver=w, approve=True, note="同意")
    jan.refresh_from_db()
    assert (jan.amount, jan.waived, jan.paid, jan.outstanding) == (
        D("200.00"),
        D("100.00"),
        D("0.00"),
        D("100.00"),
    )
    with pytest.raises(DomainError) as exc:
        services.waiver_decide(actor=billed["approver"], waiver=w, approve=True)
    assert exc.value.code == "finance.already_decided"
    # the payment now settles January with 100 and moves on
    pay(billed, room="102", amount="150")
    jan.refresh_from_db()
    assert jan.outstanding == 0


def test_rejected_waiver_changes_no_bill(billed):
    jan = bills_of(billed)[0]
    w = services.waiver_request(
        actor=billed["worker"], bill=jan, amount="50", kind="hardship", reason="临时困难"
    )
    services.waiver_decide(actor=billed["approver"], waiver=w, approve=False, note="材料不全")
    jan.refresh_from_db()
    assert (jan.waived, Waiver.objects.get().status) == (0, "rejected")


def test_waiver_larger_than_what_is_owed(billed):
    jan = bills_of(billed)[0]
    pay(billed, amount="150")
    with pytest.raises(DomainError) as exc:
        services.waiver_request(
            actor=billed["worker"], bill=jan, amount="60", kind="low_income", reason="低保"
        )
    assert exc.value.code == "finance.waiver_exceeds"
    w = services.waiver_request(
        actor=billed["worker"], bill=jan, amount="50", kind="low_income", reason="低保"
    )
    with pytest.raises(DomainError):  # a second request beyond what is left after the first
        services.waiver_request(
            actor=billed["worker"], bill=jan, amount="0.01", kind="low_income", reason="低保"
        )
    pay(billed, amount="1")  # paid meanwhile: the approval would now exceed
    with pytest.raises(DomainError) as exc:
        services.waiver_decide(actor=billed["approver"], waiver=w, approve=True)
    assert exc.value.code == "finance.waiver_exceeds"


def test_waiver_bad_input(billed):
    jan = bills_of(billed)[0]
    for amount, kind, reason, code in (
        ("-1", "low_income", "x", "finance.amount_not_positive"),
        ("1.001", "low_income", "x", "finance.too_many_decimals"),
        ("1", "friend", "x", "finance.bad_kind"),
        ("1", "low_income", " ", "finance.reason_required"),
    ):
        with pytest.raises(DomainError) as exc:
            services.waiver_request(
                actor=billed["worker"], bill=jan, amount=amount, kind=kind, reason=reason
            )
        assert exc.value.code == code
    assert not Waiver.objects.exists()


# ------------------------------------------------------------------ reconciliation


def test_reconciliation_after_a_year_of_mixed_activity(fees, regions):
    """A demo-like year: monthly runs, partial/late/prepaid payments, waivers; then
    billed = paid + waived + outstanding for every compound and period, and payments equal
    their allocations plus what they hold."""
    from linli.ledger import services as ledger_services

    rng = random.Random(11)
    other = ledger_services.compound_create(community=regions["xingdong"], name="第二小区")
    for i in range(12):
        ledger_services.household_ensure(
            compound=other,
            building="1栋",
            unit="1单元",
            room=f"{i + 101}",
            area=D(f"{rng.uniform(40, 130):.2f}"),
        )
    services.schedule_create(
        actor=fees["worker"],
        compound=other,
        basis="per_household",
        price="33.33",
        valid_from="2026-01",
    )
    households = list(selectors.households_for(fees["worker"]).select_related("unit__building"))
    for m in range(1, 13):
        month = dt.date(2026, m, 1)
        services.bill_run(
            actor=fees["worker"], period_start=month, region=fees["community"], when=at(2026, m, 1)
        )
        for h in households:
            roll = rng.random()
            owed = selectors.household_balance(household=h).owed
            if roll < 0.4 and owed:
                amount = owed if rng.random() < 0.7 else (owed / 3).quantize(D("0.01"))
                services.payment_record(
                    actor=fees["worker"],
                    household=h,
                    amount=amount,
                    method="wechat",
                    when=at(2026, m, 10),
                )
            elif roll < 0.45 and m < 6:
                monthly = services.monthly_fee(h, month)
                services.payment_record(
                    actor=fees["worker"],
                    household=h,
                    amount=owed + monthly * 3,
                    method="cash",
                    prepay=True,
                    when=at(2026, m, 11),
                )
            elif roll < 0.5:
                bill = Bill.objects.filter(household=h, outstanding__gt=0).first()
                if bill:
                    w = services.waiver_request(
                        actor=fees["worker"],
                        bill=bill,
                        amount=(bill.outstanding / 2).quantize(D("0.01")),
                        kind="low_income",
                        reason="低保",
                    )
                    services.waiver_decide(actor=fees["approver"], waiver=w, approve=True)
    result = selectors.reconciliation()
    assert result.ok, result.problems
    assert len(result.rows) == 2 * 12  # every compound and period
    for row in result.rows:
        assert row["billed"] == row["paid"] + row["waived"] + row["outstanding"]
    paid = sum(r["paid"] for r in result.rows)
    taken = sum(p.amount for p in Payment.objects.all())
    held = sum(p.unallocated for p in Payment.objects.all())
    assert taken == paid + held and paid > 0
    assert sum(r["waived"] for r in result.rows) > 0


def test_reconciliation_detects_a_tampered_bill(billed):
    pay(billed, amount="250")
    assert selectors.reconciliation().ok
    Bill.objects.filter(household=billed["households"]["101"]).update(paid=D("999"))
    problems = selectors.reconciliation().problems
    assert problems and any("≠" in p for p in problems)
