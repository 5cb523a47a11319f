"""API schemas for fees: ``XxxIn`` for what comes in, ``XxxOut`` for what goes out.

Money goes out as strings with two decimals (``"2681.10"``) so no client reads it as a float.
"""

from __future__ import annotations

import datetime as dt

from ninja import Schema


def money(value) -> str:
    return f"{value:.2f}" if value is not None else None


class ScheduleIn(Schema):
    compound: int
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
    compound: int | None = None
    region: int | None = None


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
    def resolve_amount_created(obj) -> str:
        return money(obj.amount_created)


class BillOut(Schema):
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
    paid: str
    waived: str
    outstanding: str

    @staticmethod
    def resolve_price(obj) -> str:
        return f"{obj.price.normalize():f}"

    @staticmethod
    def resolve_area(obj) -> str | None:
        return money(obj.area)

    @staticmethod
    def resolve_amount(obj) -> str:
        return money(obj.amount)

    @staticmethod
    def resolve_paid(obj) -> str:
        return money(obj.paid)

    @staticmethod
    def resolve_waived(obj) -> str:
        return money(obj.waived)

    @staticmethod
    def resolve_outstanding(obj) -> str:
        return money(obj.outstanding)


class HouseholdBillsOut(Schema):
    household_id: int
    owed: str
    credit: str
    bills: list[BillOut]


class PaymentIn(Schema):
    household: int
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
    def resolve_amount(obj) -> str:
        return money(obj.amount)

    @staticmethod
    def resolve_unallocated(obj) -> str:
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
    key: str | None
    label: str
    billed: str
    waived: str
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
    def resolve_amount(obj) -> str:
        return money(obj.payment.amount)
