"""Writes to fees: schedules, bill runs, payments and waivers.

Each function is keyword-only and atomic: it validates, writes, and either finishes or raises
:class:`DomainError` having changed nothing. ``actor`` must be a 县/镇干部 or 社区工作人员
(or the superuser) whose region holds the compound; ``actor=None`` is the system (the demo's
and benchmark's scripts). ``when`` backdates a step (the demo); it defaults to now.

Locks: a payment, a waiver decision, a payment void and the credit a bill run applies all lock the
household's :class:`Account` row first, then (a payment) the compound's receipt sequence.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from linli.core.approval import require_pending, require_second_person
from linli.core.errors import Conflict, Forbidden, Invalid, NotFound
from linli.core.policy import Capability, can
from linli.ledger.models import Compound, Household, HouseholdUse, Region

from .models import (
    Account,
    Allocation,
    Basis,
    Bill,
    BilledPeriod,
    BillRun,
    FeeSchedule,
    Method,
    Payer,
    Payment,
    PaymentVoid,
    ReceiptSequence,
    RunRate,
    Waiver,
    WaiverKind,
)
from .money import (
    add_months,
    bill_amount,
    month_end,
    month_start,
    parse_amount,
    parse_price,
)

MAX_RUN_MONTHS = 12
PREPAY_MONTHS = 12


# ------------------------------------------------------------------ who may


def is_desk(actor) -> bool:
    """Workers and officials of a region (and the superuser) keep the fee books."""
    return can(actor, Capability.FINANCE_DESK)


def _require_desk(actor) -> None:
    if actor is not None and not is_desk(actor):
        raise Forbidden("只有社区工作人员或干部可以办理收费")


def _compound_in_scope(actor, compound: Compound) -> None:
    if actor is None:
        return
    if not Compound.objects.restrict(actor).filter(pk=compound.pk).exists():
        raise NotFound("小区不存在或无权查看")


def _household_for(actor, household: Household) -> Household:
    """The household with its unit, building and compound, if ``actor`` may see it."""
    households = Household.objects.select_related("unit__building__compound")
    qs = households.restrict(actor) if actor is not None else households
    found = qs.filter(pk=household.pk).first()
    if found is None:
        raise NotFound("房屋不存在或无权查看")
    return found


def _household_in_scope(actor, household: Household) -> None:
    if actor is None:
        return
    if not Household.objects.restrict(actor).filter(pk=household.pk).exists():
        raise NotFound("房屋不存在或无权查看")


def _now(when: dt.datetime | None) -> dt.datetime:
    return when or timezone.now()


# ------------------------------------------------------------------ schedules


def _covers(schedule_from, schedule_to, start: dt.date, end: dt.date) -> bool:
    return schedule_from <= start and (schedule_to is None or schedule_to >= end)


@transaction.atomic
def schedule_create(
    *,
    actor,
    compound: Compound,
    basis: str,
    price,
    valid_from,
    valid_to=None,
    use: str = "",
    name: str = "物业服务费",
) -> FeeSchedule:
    """A fee standard for ``compound`` (and ``use``, or every use when empty) from a month on.

    Two standards of one compound and use may not overlap in time.
    """
    from .money import parse_month

    _require_desk(actor)
    _compound_in_scope(actor, compound)
    if basis not in Basis.values:
        raise Invalid(
            f"计费方式应为 {'/'.join(Basis.values)}",
            code="finance.bad_basis",
            details=[{"field": "basis", "value": basis}],
        )
    if use and use not in HouseholdUse.values:
        raise Invalid(
            f"房屋用途应为 {'/'.join(HouseholdUse.values)} 或留空（全部）",
            code="finance.bad_use",
            details=[{"field": "use", "value": use}],
        )
    price = parse_price(price)
    start = parse_month(valid_from)
    end = month_end(parse_month(valid_to)) if valid_to else None
    if end is not None and end < start:
        raise Invalid(
            "执行止早于执行起",
            code="finance.bad_validity",
            details=[{"field": "valid_to", "value": str(valid_to)}],
        )
    Compound.objects.select_for_update().filter(pk=compound.pk).first()
    clash = FeeSchedule.objects.filter(compound=compound, use=use).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=start)
    )
    if end is not None:
        clash = clash.filter(valid_from__lte=end)
    found = clash.first()
    if found is not None:
        raise Invalid(
            f"{compound.name}已有{found.get_use_display()}收费标准"
            f"（{found.valid_from:%Y-%m}起），执行期不能重叠；请先为原标准设定执行止",
            code="finance.schedule_overlap",
            details=[{"field": "valid_from", "schedule": found.pk}],
        )
    return FeeSchedule.objects.create(
        compound=compound,
        name=name,
        use=use,
        basis=basis,
        price=price,
        valid_from=start,
        valid_to=end,
        created_by=actor,
    )


@transaction.atomic
def schedule_end(*, actor, schedule: FeeSchedule, last_month) -> FeeSchedule:
    """Close an open-ended standard after ``last_month`` (so a new one can follow)."""
    from .money import parse_month

    _require_desk(actor)
    _compound_in_scope(actor, schedule.compound)
    end = month_end(parse_month(last_month))
    if end < schedule.valid_from:
        raise Invalid("执行止早于执行起", code="finance.bad_validity")
    billed = (
        BilledPeriod.objects.filter(
            compound_id=schedule.compound_id, period_end__gt=end, period_start__lte=end
        ).exists()
        or Bill.objects.filter(schedule=schedule, period_end__gt=end).exists()
    )
    if billed:
        raise Invalid("该标准已用于此后账期的账单，不能提前终止", code="finance.schedule_in_use")
    schedule.valid_to = end
    schedule.save(update_fields=["valid_to"])
    return schedule


# ------------------------------------------------------------------ bill runs


def _amount_sql() -> str:
    """The fen of a bill line in integers (exact on SQLite and PostgreSQL), as yuan."""
    area_hundredths = "CAST(ROUND(h.area * 100) AS BIGINT)"
    per_area = f"(r.price_units * {area_hundredths} * %(months)s + 5000) / 10000"
    per_household = "(r.price_units * %(months)s + 50) / 100"
    fen = f"(CASE WHEN r.basis = 'per_area' THEN {per_area} ELSE {per_household} END)"
    if connection.vendor == "postgresql":
        return f"CAST({fen} AS NUMERIC(14, 2)) / 100"
    return f"{fen} / 100.0"


def _run_compounds(actor, *, compound, region) -> list[int]:
    if (compound is None) == (region is None):
        raise Invalid("请指定一个小区或一个区域出账", code="finance.bad_scope")
    if compound is not None:
        _compound_in_scope(actor, compound)
        return [compound.pk]
    compounds = Compound.objects.filter(community__path__startswith=region.path)
    if actor is not None:
        if not Region.objects.restrict(actor).filter(pk=region.pk).exists():
            raise NotFound("区域不存在或无权查看")
        return list(compounds.restrict(actor).values_list("pk", flat=True))
    return list(compounds.values_list("pk", flat=True))


def _validity(s: FeeSchedule) -> str:
    end = f"{s.valid_to:%Y-%m}" if s.valid_to else ""
    return f"{s.compound.name}（{s.valid_from:%Y-%m}—{end}）"


def _resolve_rates(compound_ids: list[int], start: dt.date, end: dt.date):
    """{(compound, use): schedule} for the period; a schedule that begins or ends inside the
    period is an error (bill the parts separately)."""
    schedules = FeeSchedule.objects.filter(compound_id__in=compound_ids, valid_from__lte=end)
    schedules = schedules.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
    chosen: dict[tuple[int, str], FeeSchedule] = {}
    partial = []
    for s in schedules.select_related("compound"):
        if not _covers(s.valid_from, s.valid_to, start, end):
            partial.append(s)
            continue
        chosen[(s.compound_id, s.use)] = s
    if partial:
        raise Invalid(
            "账期内收费标准有变化，请按标准执行期分段出账："
            + "、".join(_validity(s) for s in partial[:5]),
            code="finance.schedule_changes_in_period",
            details=[{"compound": s.compound_id, "schedule": s.pk} for s in partial],
        )
    rates = {}
    for compound_id in {c for c, _ in chosen}:
        for use in HouseholdUse.values:
            schedule = chosen.get((compound_id, use)) or chosen.get((compound_id, ""))
            if schedule is not None:
                rates[(compound_id, use)] = schedule
    return rates


@transaction.atomic
def bill_run(
    *,
    actor,
    period_start,
    months: int = 1,
    compound: Compound | None = None,
    region: Region | None = None,
    when: dt.datetime | None = None,
) -> BillRun:
    """Bill ``months`` months from ``period_start`` for one compound or a region's compounds.

    Idempotent: a household already billed for this period is left alone (the unique
    (household, period_start) key, ``ON CONFLICT DO NOTHING``), so running the same period
    again creates nothing new — or only the bills of households added since. A period that
    overlaps one already billed for a compound without being the same is an error. The bills
    are one ``INSERT … SELECT`` (amounts in integer fen, half-up), not a loop.
    """
    from .money import parse_month

    _require_desk(actor)
    start = parse_month(period_start)
    if not isinstance(months, int) or not 1 <= months <= MAX_RUN_MONTHS:
        raise Invalid(
            f"账期月数应为1到{MAX_RUN_MONTHS}",
            code="finance.bad_months",
            details=[{"field": "months", "value": str(months)}],
        )
    end = month_end(add_months(start, months - 1))
    now = _now(when)
    compound_ids = _run_compounds(actor, compound=compound, region=region)
    if connection.vendor == "postgresql" and compound_ids:
        # one run at a time per compound (SQLite: one writer at a time anyway)
        list(Compound.objects.select_for_update().filter(pk__in=compound_ids).values_list("pk"))
    overlap = list(
        BilledPeriod.objects.filter(
            compound_id__in=compound_ids, period_start__lte=end, period_end__gte=start
        )
        .exclude(period_start=start, period_end=end)
        .select_related("compound")[:20]
    )
    if overlap:
        raise Invalid(
            f"账期 {start:%Y-%m}—{end:%Y-%m} 与已出账账期重叠："
            + "、".join(
                f"{p.compound.name} {p.period_start:%Y-%m}—{p.period_end:%Y-%m}"
                for p in overlap[:5]
            ),
            code="finance.period_overlap",
            details=[
                {
                    "compound": p.compound_id,
                    "period_start": p.period_start.isoformat(),
                    "period_end": p.period_end.isoformat(),
                }
                for p in overlap
            ],
        )
    rates = _resolve_rates(compound_ids, start, end)
    billed_compounds = sorted({c for c, _ in rates})
    run = BillRun.objects.create(
        period_start=start,
        period_end=end,
        months=months,
        compound=compound,
        region=region,
        created_by=actor,
        created_at=now,
        compounds=len(billed_compounds),
    )
    if not billed_compounds:
        return run
    RunRate.objects.bulk_create(
        [
            RunRate(
                run=run,
                compound_id=c,
                use=use,
                schedule=s,
                basis=s.basis,
                price=s.price,
                price_units=int(s.price * 10000),
            )
            for (c, use), s in rates.items()
        ],
        batch_size=2000,
    )
    BilledPeriod.objects.bulk_create(
        [
            BilledPeriod(compound_id=c, period_start=start, period_end=end, run=run)
            for c in billed_compounds
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    amount = _amount_sql()
    sql = f"""
        INSERT INTO finance_bill (household_id, compound_id, run_id, schedule_id, period_start,
            period_end, months, payer, basis, price, area, amount, paid, waived, outstanding,
            created_at)
        SELECT h.id, r.compound_id, r.run_id, r.schedule_id, %(start)s, %(end)s, %(months)s,
            CASE WHEN h.developer_unsold THEN 'developer' ELSE 'owner' END,
            r.basis, r.price, CASE WHEN r.basis = 'per_area' THEN h.area END,
            {amount}, 0, 0, {amount}, %(now)s
        FROM ledger_household h
        JOIN ledger_unit u ON u.id = h.unit_id
        JOIN ledger_building b ON b.id = u.building_id
        JOIN finance_runrate r ON r.compound_id = b.compound_id AND r.use = h.use
        WHERE r.run_id = %(run)s AND (r.basis = 'per_household' OR h.area IS NOT NULL)
        ON CONFLICT (household_id, period_start) DO NOTHING
    """
    params = {
        "start": start,
        "end": end,
        "months": months,
        "now": now,
        "run": run.pk,
    }
    with connection.cursor() as cursor:
        cursor.execute(_named_to_format(sql, params), _params_list(sql, params))
        run.bills_created = max(cursor.rowcount, 0)
    in_scope = Household.objects.filter(unit__building__compound_id__in=billed_compounds)
    total = in_scope.count()
    run.bills_existing = (
        Bill.objects.filter(compound_id__in=billed_compounds, period_start=start)
        .exclude(run=run)
        .count()
    )
    created = Bill.objects.filter(run=run).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    run.amount_created = Decimal(created).quantize(Decimal("0.01"))
    run.skipped_no_area = _count_no_area(run)
    run.skipped_no_schedule = max(
        total - run.bills_created - run.bills_existing - run.skipped_no_area, 0
    )
    run.save()
    _apply_credit_after_run(billed_compounds, start, now)
    return run


def _count_no_area(run: BillRun) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT COUNT(*) FROM ledger_household h
            JOIN ledger_unit u ON u.id = h.unit_id
            JOIN ledger_building b ON b.id = u.building_id
            JOIN finance_runrate r ON r.compound_id = b.compound_id AND r.use = h.use
            WHERE r.run_id = %s AND r.basis = 'per_area' AND h.area IS NULL
            """,
            [run.pk],
        )
        return cursor.fetchone()[0]


def _named_to_format(sql: str, params: dict) -> str:
    """``%(name)s`` → ``%s`` (both drivers take positional parameters)."""
    import re

    return re.sub(r"%\((\w+)\)s", "%s", sql)


def _params_list(sql: str, params: dict) -> list:
    import re

    return [params[name] for name in re.findall(r"%\((\w+)\)s", sql)]


def _apply_credit_after_run(compound_ids: list[int], start: dt.date, now: dt.datetime) -> None:
    """Prepayments held for households of these compounds pay their new bills."""
    households = (
        Payment.objects.filter(compound_id__in=compound_ids, unallocated__gt=0)
        .values_list("household_id", flat=True)
        .distinct()
    )
    for household_id in list(households):
        _lock_account(household_id)
        _apply_credit(household_id, now)


def _lock_account(household_id: int) -> Account:
    account = Account.objects.select_for_update().filter(household_id=household_id).first()
    if account is None:
        try:
            with transaction.atomic():
                Account.objects.create(household_id=household_id)
        except IntegrityError:
            pass  # created by a concurrent payment: lock it below
        account = Account.objects.select_for_update().get(household_id=household_id)
    return account


def _plan(bills: list[Bill], budget: Decimal) -> list[tuple[Bill, Decimal]]:
    """(bill, part) pairs spending up to ``budget`` on ``bills`` oldest first."""
    plan = []
    left = budget
    for bill in bills:
        if left <= 0:
            break
        part = min(bill.outstanding, left)
        if part > 0:
            plan.append((bill, part))
            left -= part
    return plan


def _allocate(payment: Payment, bills: list[Bill], budget: Decimal, now) -> Decimal:
    """Apply up to ``budget`` of ``payment`` to ``bills`` oldest first; returns what was used."""
    plan = _plan(bills, budget)
    for bill, part in plan:
        bill.paid += part
        bill.outstanding -= part
    Allocation.objects.bulk_create(
        [Allocation(payment=payment, bill=b, amount=part, allocated_at=now) for b, part in plan]
    )
    Bill.objects.bulk_update([b for b, _ in plan], ["paid", "outstanding"])
    return sum((part for _, part in plan), Decimal("0.00"))


def _open_bills(household_id: int, payer: str | None = None) -> list[Bill]:
    qs = Bill.objects.filter(household_id=household_id, outstanding__gt=0)
    if payer is not None:
        qs = qs.filter(payer=payer)
    return list(qs.order_by("period_start", "id"))


def _apply_credit(household_id: int, now) -> None:
    """Held prepayments (oldest payment first) pay the household's open bills of their payer."""
    for payment in Payment.objects.filter(household_id=household_id, unallocated__gt=0).order_by(
        "received_at", "id"
    ):
        bills = _open_bills(household_id, payment.payer)
        used = _allocate(payment, bills, payment.unallocated, now)
        if used:
            payment.unallocated -= used
            payment.save(update_fields=["unallocated"])


# ------------------------------------------------------------------ payments


def monthly_fee(household: Household, month: dt.date) -> Decimal | None:
    """What one month costs the household under the standard in force in ``month``."""
    compound_id = household.unit.building.compound_id
    start, end = month_start(month), month_end(month)
    schedules = {
        s.use: s
        for s in FeeSchedule.objects.filter(compound_id=compound_id, valid_from__lte=start).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=end)
        )
    }
    schedule = schedules.get(household.use) or schedules.get("")
    if schedule is None:
        return None
    if schedule.basis == Basis.PER_AREA and household.area is None:
        return None
    return bill_amount(basis=schedule.basis, price=schedule.price, area=household.area, months=1)


def _next_receipt(compound_id: int, when: dt.datetime) -> str:
    seq = ReceiptSequence.objects.select_for_update().filter(compound_id=compound_id).first()
    if seq is None:
        try:
            with transaction.atomic():
                ReceiptSequence.objects.create(compound_id=compound_id)
        except IntegrityError:
            pass
        seq = ReceiptSequence.objects.select_for_update().get(compound_id=compound_id)
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"{timezone.localtime(when):%Y}-{compound_id:04d}-{seq.last:06d}"


def _replay(token: str, household: Household, amount: Decimal) -> Payment | None:
    payment = Payment.objects.filter(client_token=token).first()
    if payment is None:
        return None
    if payment.household_id != household.pk or payment.amount != amount:
        raise Conflict(
            "该提交标识已用于另一笔收款，请刷新收款页面后重试",
            code="finance.token_reused",
            details=[{"field": "client_token", "payment": payment.pk}],
        )
    payment.replayed = True
    return payment


def _client_token(client_token: str | None) -> str | None:
    """The desk form's submission token, stripped; None when there is none."""
    token = (client_token or "").strip() or None
    if token is not None and len(token) > 64:
        raise Invalid("提交标识过长（最多64位）", code="finance.bad_token")
    return token


def _check_prepay(
    household: Household, *, amount: Decimal, owed: Decimal, prepay: bool, now: dt.datetime
) -> None:
    """A payment of more than is owed: allowed only as a prepayment, and then only up to
    ``PREPAY_MONTHS`` of next month's fee held in all."""
    excess = amount - owed
    if not prepay:
        raise Invalid(
            f"收款 ¥{amount} 超过当前欠费 ¥{owed}；如需预交，请勾选“预交”"
            f"（最多预交{PREPAY_MONTHS}个月）",
            code="finance.overpayment",
            details=[{"field": "amount", "owed": str(owed), "amount": str(amount)}],
        )
    month = add_months(timezone.localtime(now).date(), 1)
    monthly = monthly_fee(household, month)
    if monthly is None:
        raise Invalid(
            "该户没有下月适用的收费标准（或缺建筑面积），无法预交", code="finance.no_schedule"
        )
    held = Payment.objects.filter(household=household, unallocated__gt=0).aggregate(
        s=Sum("unallocated")
    )["s"] or Decimal("0")
    cap = monthly * PREPAY_MONTHS
    if held + excess > cap:
        raise Invalid(
            f"预交最多{PREPAY_MONTHS}个月（¥{cap}），已预交 ¥{held}，"
            f"本次欠费 ¥{owed}，最多可收 ¥{owed + cap - held}",
            code="finance.prepay_limit",
            details=[
                {
                    "field": "amount",
                    "owed": str(owed),
                    "held": str(held),
                    "limit": str(cap),
                }
            ],
        )


@transaction.atomic
def payment_record(
    *,
    actor,
    household: Household,
    amount,
    method: str,
    client_token: str | None = None,
    prepay: bool = False,
    payer: str | None = None,
    payer_name: str = "",
    note: str = "",
    when: dt.datetime | None = None,
) -> Payment:
    """Take a payment for ``household`` and apply it to its open bills, oldest first.

    More than is owed is an error unless ``prepay``: then the rest is held for the coming
    bills, up to twelve months' fees. ``client_token`` (one per desk form) makes a repeated
    submission return the first payment (``payment.replayed``) instead of taking it twice;
    the household's account row is locked, so two desks taking the same money at the same
    moment record it once — the second finds nothing left owing.
    """
    _require_desk(actor)
    household = _household_for(actor, household)
    amount = parse_amount(amount)
    if method not in Method.values:
        raise Invalid(
            "收款方式应为 现金/银行转账/微信/支付宝",
            code="finance.bad_method",
            details=[{"field": "method", "value": str(method)}],
        )
    token = _client_token(client_token)
    if token is not None and (replay := _replay(token, household, amount)) is not None:
        return replay
    payer = payer or (Payer.DEVELOPER if household.developer_unsold else Payer.OWNER)
    if payer not in Payer.values:
        raise Invalid("缴费义务人应为 owner/developer", code="finance.bad_payer")
    now = _now(when)
    _lock_account(household.pk)
    if token is not None and (replay := _replay(token, household, amount)) is not None:
        return replay  # the same form submitted twice at once: the first got the lock
    bills = _open_bills(household.pk, payer)
    owed = sum((b.outstanding for b in bills), Decimal("0.00"))
    if amount > owed:
        _check_prepay(household, amount=amount, owed=owed, prepay=prepay, now=now)
    payment = Payment(
        household=household,
        compound_id=household.unit.building.compound_id,
        payer=payer,
        payer_name=payer_name[:50],
        amount=amount,
        unallocated=amount,
        method=method,
        receipt_no=_next_receipt(household.unit.building.compound_id, now),
        client_token=token,
        received_by=actor,
        received_at=now,
        note=note[:200],
    )
    payment.unallocated = amount - sum((part for _, part in _plan(bills, amount)), Decimal(0))
    if token is None:
        payment.save()
    else:
        try:
            with transaction.atomic():
                payment.save()
        except IntegrityError:
            if (replay := _replay(token, household, amount)) is not None:
                return replay
            raise
    _allocate(payment, bills, amount, now)
    payment.replayed = False
    return payment


# ------------------------------------------------------------------ waivers


@transaction.atomic
def waiver_request(
    *, actor, bill: Bill, amount, kind: str, reason: str, when: dt.datetime | None = None
) -> Waiver:
    """Ask to reduce ``bill`` by ``amount`` (e.g. 低保); another person must approve it."""
    _require_desk(actor)
    if actor is None:
        raise Forbidden("减免须由具体工作人员申请")
    _household_in_scope(actor, bill.household)
    amount = parse_amount(amount, label="减免金额")
    if kind not in WaiverKind.values:
        raise Invalid(
            f"减免类别应为 {'/'.join(WaiverKind.labels)}",
            code="finance.bad_kind",
            details=[{"field": "kind", "value": str(kind)}],
        )
    if not reason.strip():
        raise Invalid(
            "请填写减免理由", code="finance.reason_required", details=[{"field": "reason"}]
        )
    _lock_account(bill.household_id)
    bill.refresh_from_db()
    pending = Waiver.objects.filter(bill=bill, status=Waiver.Status.PENDING).aggregate(
        s=Sum("amount")
    )["s"] or Decimal("0")
    if amount > bill.outstanding - pending:
        raise Invalid(
            f"减免 ¥{amount} 超过该账单未缴金额 ¥{bill.outstanding}"
            + (f"（另有待审批减免 ¥{pending}）" if pending else ""),
            code="finance.waiver_exceeds",
            details=[{"field": "amount", "outstanding": str(bill.outstanding)}],
        )
    return Waiver.objects.create(
        bill=bill,
        amount=amount,
        kind=kind,
        reason=reason.strip()[:200],
        requested_by=actor,
        requested_at=_now(when),
    )


@transaction.atomic
def waiver_decide(
    *, actor, waiver: Waiver, approve: bool, note: str = "", when: dt.datetime | None = None
) -> Waiver:
    """Approve (the bill is reduced) or reject a waiver; never by the person who asked."""
    _require_desk(actor)
    if actor is None:
        raise Forbidden("减免须由具体工作人员审批")
    _household_in_scope(actor, waiver.bill.household)
    require_second_person(
        actor,
        waiver.requested_by_id,
        code="finance.self_approval",
        message="申请人不能审批自己提出的减免，请由另一位工作人员审批",
    )
    _lock_account(waiver.bill.household_id)
    waiver = Waiver.objects.select_related("bill").get(pk=waiver.pk)
    require_pending(
        waiver, pending=Waiver.Status.PENDING, code="finance.already_decided", label="该减免"
    )
    bill = waiver.bill
    if approve:
        if waiver.amount > bill.outstanding:
            raise Invalid(
                f"减免 ¥{waiver.amount} 超过该账单未缴金额 ¥{bill.outstanding}",
                code="finance.waiver_exceeds",
            )
        bill.waived += waiver.amount
        bill.outstanding -= waiver.amount
        bill.save(update_fields=["waived", "outstanding"])
    waiver.status = Waiver.Status.APPROVED if approve else Waiver.Status.REJECTED
    waiver.decided_by = actor
    waiver.decided_at = _now(when)
    waiver.decision_note = note[:200]
    waiver.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return waiver


# ------------------------------------------------------------------ voiding a payment


def _payment_in_scope(actor, payment: Payment) -> None:
    if actor is None:
        return
    if not Compound.objects.restrict(actor).filter(pk=payment.compound_id).exists():
        raise NotFound("收据不存在或无权查看")


def _not_voided(payment: Payment) -> None:
    if payment.voided_at is not None:
        day = timezone.localtime(payment.voided_at)
        raise Conflict(
            f"收据 {payment.receipt_no} 已于{day:%Y-%m-%d}作废，不能再次作废",
            code="finance.already_voided",
            details=[{"payment": payment.pk}],
        )


@transaction.atomic
def payment_void(
    *, actor, payment: Payment, reason: str, when: dt.datetime | None = None
) -> PaymentVoid:
    """Ask to void (作废/红冲) ``payment`` recorded by mistake; another person must approve it
    (:func:`payment_void_decide`). One pending request per payment."""
    _require_desk(actor)
    if actor is None:
        raise Forbidden("作废须由具体工作人员申请")
    _payment_in_scope(actor, payment)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(
            "请填写作废原因（如：错收到其他户、金额录错）",
            code="finance.reason_required",
            details=[{"field": "reason"}],
        )
    _lock_account(payment.household_id)
    payment = Payment.objects.get(pk=payment.pk)
    _not_voided(payment)
    if PaymentVoid.objects.filter(payment=payment, status=PaymentVoid.Status.PENDING).exists():
        raise Conflict(
            f"收据 {payment.receipt_no} 已有待审批的作废申请",
            code="finance.void_pending",
            details=[{"payment": payment.pk}],
        )
    return PaymentVoid.objects.create(
        payment=payment,
        reason=reason[:200],
        requested_by=actor,
        requested_at=_now(when),
    )


@transaction.atomic
def payment_void_decide(
    *, actor, void: PaymentVoid, approve: bool, note: str = "", when: dt.datetime | None = None
) -> PaymentVoid:
    """Approve or refuse a void; never by the person who asked. Approval, under the household's
    account lock: each bill paid by the payment gets the amount back as outstanding, the held
    prepayment is dropped, and the payment is marked voided (who, when, why) — not deleted."""
    _require_desk(actor)
    if actor is None:
        raise Forbidden("作废须由具体工作人员审批")
    _payment_in_scope(actor, void.payment)
    require_second_person(
        actor,
        void.requested_by_id,
        code="finance.self_approval",
        message="申请人不能审批自己提出的作废，请由另一位工作人员审批",
    )
    _lock_account(void.payment.household_id)
    void = PaymentVoid.objects.select_related("payment").get(pk=void.pk)
    require_pending(
        void, pending=PaymentVoid.Status.PENDING, code="finance.already_decided", label="该作废申请"
    )
    payment = void.payment
    now = _now(when)
    if approve:
        _not_voided(payment)
        allocations = list(payment.allocations.all())
        bills = Bill.objects.in_bulk([a.bill_id for a in allocations])
        for a in allocations:
            bill = bills[a.bill_id]
            bill.paid -= a.amount
            bill.outstanding += a.amount
        Bill.objects.bulk_update(list(bills.values()), ["paid", "outstanding"])
        payment.voided_unallocated = payment.unallocated
        payment.unallocated = Decimal("0.00")
        payment.voided_at = now
        payment.voided_by = actor
        payment.void_reason = void.reason
        payment.save(
            update_fields=[
                "voided_unallocated",
                "unallocated",
                "voided_at",
                "voided_by",
                "void_reason",
            ]
        )
    void.status = PaymentVoid.Status.APPROVED if approve else PaymentVoid.Status.REJECTED
    void.decided_by = actor
    void.decided_at = now
    void.decision_note = note[:200]
    void.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return void
