"""Fees API: schedules, bill runs, a household's bills, payments (idempotent by
``client_token``) and collection rates. Errors: ``{code, message, details}``."""

from __future__ import annotations

from ninja import Query, Router, Schema, Status

from linli.core.bounds import Id
from linli.core.errors import Forbidden, Invalid, NotFound
from linli.core.policy import Capability, readable_or_404
from linli.core.schemas import READ_ERRORS, WRITE_ERRORS, errors
from linli.ledger.selectors import visible_regions

from . import selectors, services
from .schemas import (
    BillRunIn,
    BillRunOut,
    HouseholdBillsOut,
    PaymentIn,
    PaymentOut,
    PaymentVoidIn,
    PaymentVoidOut,
    RatesOut,
    ScheduleIn,
    ScheduleOut,
    VoidDecisionIn,
    bill_out,
    money,
)

router = Router(tags=["物业收费"])


def _desk(request) -> None:
    if not services.is_desk(request.user):
        raise Forbidden("只有社区工作人员或干部可以办理收费")


@router.get("/schedules", response={200: list[ScheduleOut], **READ_ERRORS}, summary="收费标准")
def schedule_list(request, compound: Id | None = None):
    qs = selectors.schedules_for(request.user)
    if compound is not None:
        qs = qs.filter(compound_id=compound)
    return list(qs)


@router.post("/schedules", response={201: ScheduleOut, **WRITE_ERRORS}, summary="新增收费标准")
def schedule_create(request, payload: ScheduleIn):
    _desk(request)
    compound = selectors.compounds_for(request.user).filter(pk=payload.compound).first()
    if compound is None:
        raise NotFound("小区不存在或无权查看")
    schedule = services.schedule_create(
        actor=request.user,
        compound=compound,
        basis=payload.basis,
        price=payload.price,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        use=payload.use,
        name=payload.name,
    )
    return Status(201, schedule)


@router.post("/bill-runs", response={201: BillRunOut, **WRITE_ERRORS}, summary="出账（幂等）")
def bill_run(request, payload: BillRunIn):
    _desk(request)
    compound = region = None
    if payload.compound is not None:
        compound = selectors.compounds_for(request.user).filter(pk=payload.compound).first()
        if compound is None:
            raise NotFound("小区不存在或无权查看", details=[{"field": "compound"}])
    if payload.region is not None:
        region = visible_regions(request.user).filter(pk=payload.region).first()
        if region is None:
            raise NotFound("区域不存在或无权查看", details=[{"field": "region"}])
    run = services.bill_run(
        actor=request.user,
        period_start=payload.period_start,
        months=payload.months,
        compound=compound,
        region=region,
    )
    return Status(201, run)


@router.get(
    "/households/{household_id}/bills",
    response={200: HouseholdBillsOut, **READ_ERRORS},
    summary="住户账单",
    exclude_unset=True,
)
def household_bills(request, household_id: Id):
    """The household's bills; ``waived`` only for roles that may see reductions (officials,
    workers, the 三长, and the household's own people) — to others a reduction is paid."""
    household = selectors.household_get_for(actor=request.user, household_id=household_id)
    balance = selectors.household_balance(household=household)
    reductions = selectors.sees_reductions(request.user, household_id=household.pk)
    return {
        "household_id": household.pk,
        "owed": money(balance.owed),
        "credit": money(balance.credit),
        "bills": [
            bill_out(b, reductions=reductions)
            for b in selectors.household_bills(actor=request.user, household_id=household_id)
        ],
    }


@router.post(
    "/payments",
    response={201: PaymentOut, 200: PaymentOut, **WRITE_ERRORS},
    summary="收款（按提交标识幂等）",
)
def payment_create(request, payload: PaymentIn):
    """201 with the new payment; 200 with the first one when ``client_token`` was seen."""
    _desk(request)
    household = selectors.household_get_for(actor=request.user, household_id=payload.household)
    if not payload.client_token.strip():
        raise Invalid(
            "缺少提交标识 client_token（防止重复收款）",
            code="finance.token_required",
            details=[{"field": "client_token"}],
        )
    payment = services.payment_record(
        actor=request.user,
        household=household,
        amount=payload.amount,
        method=payload.method,
        client_token=payload.client_token,
        prepay=payload.prepay,
        payer_name=payload.payer_name,
        note=payload.note,
    )
    return Status(200 if payment.replayed else 201, payment)


@router.get("/payments/{payment_id}", response={200: PaymentOut, **READ_ERRORS}, summary="收据")
def payment_detail(request, payment_id: Id):
    return selectors.payment_get_for(actor=request.user, payment_id=payment_id)


@router.post(
    "/payments/{payment_id}/void",
    response={201: PaymentVoidOut, **WRITE_ERRORS},
    summary="申请作废收款",
)
def payment_void(request, payment_id: Id, payload: PaymentVoidIn):
    """A request to void the payment; another worker or official approves it."""
    # scope first: a payment the user cannot see is missing; one they see (the 三长, the
    # household) but may not void is a 403
    payment = selectors.payment_get_for(actor=request.user, payment_id=payment_id)
    _desk(request)
    void = services.payment_void(actor=request.user, payment=payment, reason=payload.reason)
    return Status(201, void)


@router.get(
    "/payment-voids",
    response={200: list[PaymentVoidOut], **READ_ERRORS},
    summary="待审批的收款作废",
)
def payment_void_list(request):
    readable_or_404(request.user, Capability.FINANCE_DESK)  # the desk's queue: not theirs
    return selectors.pending_voids(actor=request.user)


@router.post(
    "/payment-voids/{void_id}/decide",
    response={200: PaymentVoidOut, **WRITE_ERRORS},
    summary="审批收款作废",
)
def payment_void_decide(request, void_id: Id, payload: VoidDecisionIn):
    """Approve (the payment is voided, its bills owe again) or refuse; not one's own."""
    void = selectors.void_get_for(actor=request.user, void_id=void_id)  # the desk's only
    _desk(request)
    return services.payment_void_decide(
        actor=request.user, void=void, approve=payload.approve, note=payload.note
    )


class RatesQuery(Schema):
    start: str
    end: str
    by: str = "total"
    compound: int | None = None


BASIS = (
    "账期起始月在所选区间内的账单；应收＝账单金额－减免；按金额＝实收÷应收；"
    "按户＝无欠费户数÷有应收户数"
)
# for roles that may not see reductions: the same bills, nothing told apart by a reduction
BASIS_SETTLED = (
    "账期起始月在所选区间内的账单；应收＝账单金额；按金额＝已结清÷应收；按户＝无欠费户数÷有账单户数"
)


def _rate_row(r, *, reductions: bool) -> dict:
    r = r if reductions else r.folded()
    row = {
        "key": None if r.key is None else str(r.key),
        "label": r.label,
        "billed": money(r.billed),
        "due": money(r.due),
        "paid": money(r.paid),
        "outstanding": money(r.outstanding),
        "amount_rate": float(round(r.amount_rate, 4)) if r.amount_rate is not None else None,
        "households": r.households,
        "households_paid": r.households_paid,
        "household_rate": float(round(r.household_rate, 4))
        if r.household_rate is not None
        else None,
    }
    if reductions:
        row["waived"] = money(r.waived)
    return row


@router.get(
    "/collection-rates",
    response={200: RatesOut, **errors(400, 403, 404)},
    summary="收缴率（按金额、按户）",
    exclude_unset=True,
)
def collection_rates(request, filters: Query[RatesQuery]):
    if filters.by not in dict(selectors.GROUPS):
        raise Invalid(
            f"分组应为 {'/'.join(dict(selectors.GROUPS))}",
            code="finance.bad_group",
            details=[{"field": "by", "value": filters.by}],
        )
    if not services.is_desk(request.user) and filters.by != "total":
        _desk(request)
    from .money import parse_month

    start, end = parse_month(filters.start), parse_month(filters.end)
    if end < start:
        raise Invalid("结束月份早于开始月份", code="finance.bad_period")
    rates = selectors.collection_rates(
        actor=request.user, start=start, end=end, by=filters.by, compound_id=filters.compound
    )
    reductions = selectors.sees_reductions(request.user)
    return {
        "start": f"{start:%Y-%m}",
        "end": f"{end:%Y-%m}",
        "by": filters.by,
        "basis": BASIS if reductions else BASIS_SETTLED,
        "rows": [_rate_row(r, reductions=reductions) for r in rates],
    }
