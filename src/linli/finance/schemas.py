"""API schemas for fees: ``XxxIn`` for what comes in, ``XxxOut`` for what goes out.

Money goes out as strings with two decimals (``"2681.10"``) so no client reads it as a float.
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from linli.core.bounds import Id


def money(value) -> str | None:
    return f"{value:.2f}" if value is not None else None


class ScheduleIn(Schema):
    compound: Id
    basis: str
    price: str
    valid_from: str
    valid_to: str | None = None
    use: str = ""
    name: str = "物业服务费"


class ScheduleOut(Schema):
    id: int
    compound_id: int
    compound: str
    name: str
    use: str
    use_label: str
    basis: str
    basis_label: str
    price: str
    valid_from: dt.date
    valid_to: dt.date | None

    @staticmethod
    def resolve_compound(obj) -> str:
        return obj.compound.name

    @staticmethod
    def resolve_use_label(obj) -> str:
        return obj.get_use_display()

    @staticmethod
    def resolve_basis_label(obj) -> str:
        return obj.get_basis_display()

    @staticmethod
    def resolve_price(obj) -> str:
        return f"{obj.price.normalize():f}"


class BillRunIn(Schema):
    period_start: str
    months: int = 1
    compound: Id | None = None
    region: Id | None = None


class BillRunOut(Schema):
    id: int
    period_start: dt.date
    period_end: dt.date
    months: int
    compounds: int
    bills_created: int
    bills_existing: int
    amount_created: str
    skipped_no_area: int
    skipped_no_schedule: int

    @staticmethod
    def resolve_amount_created(obj) -> str | None:
        return money(obj.amount_created)


class BillOut(Schema):
    """One bill. ``waived`` (减免) is given only to roles that may see reductions
    (``selectors.sees_reductions``); to others it is absent and ``paid`` is what is settled
    (paid + reduced), so a reduction shows only as paid."""

    id: int
    household_id: int
    period_start: dt.date
    period_end: dt.date
    months: int
    payer: str
    basis: str
    price: str
    area: str | None
    amount: str
    paid: str = Field(description="已缴；对无权查看减免的角色为已结清（含减免）")
    waived: str | None = Field(None, description="减免，仅对可查看减免的角色给出")
    outstanding: str


def bill_out(bill, *, reductions: bool) -> dict:
    """BillOut's fields for ``bill``; without ``reductions`` the reduction is folded into
    ``paid`` and the ``waived`` key is left out (the route drops unset fields)."""
    row = {
        "id": bill.pk,
        "household_id": bill.household_id,
        "period_start": bill.period_start,
        "period_end": bill.period_end,
        "months": bill.months,
        "payer": bill.payer,
        "basis": bill.basis,
        "price": f"{bill.price.normalize():f}",
        "area": money(bill.area),
        "amount": money(bill.amount),
        "paid": money(bill.paid if reductions else bill.paid + bill.waived),
        "outstanding": money(bill.outstanding),
    }
    if reductions:
        row["waived"] = money(bill.waived)
    return row


class HouseholdBillsOut(Schema):
    household_id: int
    owed: str
    credit: str
    bills: list[BillOut]


class PaymentIn(Schema):
    household: Id
    amount: str
    method: str
    client_token: str
    prepay: bool = False
    payer_name: str = ""
    note: str = ""


class AllocationOut(Schema):
    bill_id: int
    period_start: dt.date
    amount: str


class PaymentOut(Schema):
    id: int
    household_id: int
    receipt_no: str
    amount: str
    unallocated: str
    method: str
    payer: str
    received_at: dt.datetime
    replayed: bool = False
    voided: bool = False
    voided_at: dt.datetime | None = None
    void_reason: str = ""
    allocations: list[AllocationOut]

    @staticmethod
    def resolve_voided(obj) -> bool:
        return obj.voided_at is not None

    @staticmethod
    def resolve_amount(obj) -> str | None:
        return money(obj.amount)

    @staticmethod
    def resolve_unallocated(obj) -> str | None:
        return money(obj.unallocated)

    @staticmethod
    def resolve_replayed(obj) -> bool:
        return bool(getattr(obj, "replayed", False))

    @staticmethod
    def resolve_allocations(obj) -> list[dict]:
        return [
            {"bill_id": a.bill_id, "period_start": a.bill.period_start, "amount": money(a.amount)}
            for a in obj.allocations.select_related("bill").order_by("bill__period_start")
        ]


class RateOut(Schema):
    """One group's collection. To roles that may not see reductions, ``waived`` is absent,
    ``due`` is the whole bill, ``paid`` what is settled (paid + reduced) and the household
    counts take every billed household (``selectors.Rate.folded``)."""

    key: str | None
    label: str
    billed: str
    waived: str | None = Field(None, description="减免，仅对可查看减免的角色给出")
    due: str
    paid: str
    outstanding: str
    amount_rate: float | None
    households: int
    households_paid: int
    household_rate: float | None


class RatesOut(Schema):
    start: str
    end: str
    by: str
    basis: str
    rows: list[RateOut]


class PaymentVoidIn(Schema):
    reason: str


class VoidDecisionIn(Schema):
    approve: bool
    note: str = ""


class PaymentVoidOut(Schema):
    id: int
    payment_id: int
    receipt_no: str
    amount: str
    reason: str
    status: str
    requested_by_id: int
    requested_at: dt.datetime
    decided_by_id: int | None = None
    decided_at: dt.datetime | None = None
    decision_note: str = ""

    @staticmethod
    def resolve_receipt_no(obj) -> str:
        return obj.payment.receipt_no

    @staticmethod
    def resolve_amount(obj) -> str | None:
        return money(obj.payment.amount)
