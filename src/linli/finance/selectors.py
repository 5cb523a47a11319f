"""Reads of fees, each starting from what the requesting user may see (``restrict``; the
rules are in :mod:`linli.finance.scopes`).

| role | sees bills of | sees payments (receipts) of | sees reductions (减免) |
|---|---|---|---|
| 县/镇干部, 社区工作人员 | households of the compounds in their region subtree | same | yes |
| 片长/组长/邻长 | households of their grid subtree (arrears list; names masked) | same | yes |
| 业委会成员 | their compound (rates only on pages) | their own household | no: folded into paid |
| 居民 | their own household | their own household | their own household's |

A reduction is granted for 低保, 特困 … (``WaiverKind``), so it tells a vulnerable-person fact:
only the roles with the tag duty (``Capability.SEE_TAGS``) see it, and a household's own
people on their own household (:func:`sees_reductions`). To everyone else a reduced part of a
bill is simply settled: ``paid`` = paid + waived, no ``waived`` figure, rates computed on the
whole bill (:meth:`Rate.folded`) — and they see no other household's receipts, whose sums
would give the reduction away (a bill settled in full by a receipt for half of it).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import DecimalField as DecimalModelField
from django.db.models import (
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from linli.core import crypto
from linli.core.errors import NotFound
from linli.core.policy import actor_of
from linli.core.privacy import mask_name
from linli.grid.models import Grid, Membership
from linli.ledger.models import Building, Compound, Household, Relation, Resident

from . import scopes
from .models import Bill, BilledPeriod, BillRun, FeeSchedule, Payment, PaymentVoid, Waiver
from .money import AGE_BUCKETS, age_bucket, month_end, parse_month

ZERO = Decimal("0.00")
MONEY = DecimalModelField(max_digits=16, decimal_places=2)


def bills_for(user) -> QuerySet[Bill]:
    """Bills in scope (the rule is :func:`linli.finance.scopes.bill_rule`)."""
    return Bill.objects.restrict(user)


def sees_reductions(user, *, household_id: int | None = None) -> bool:
    """Whether ``user`` may see reductions (减免) — of ``household_id`` if given, else of
    every household in their scope: the roles with the vulnerable-person tag duty
    (``Capability.SEE_TAGS``), and a household's own people for their own household (it is
    their own data)."""
    return scopes.sees_reductions(actor_of(user), household_id)


def payments_for(user) -> QuerySet[Payment]:
    """Payments (receipts) in scope; roles without the tag duty see only their own
    household's (another household's receipts beside its bills would show a reduction)."""
    return Payment.objects.restrict(user)


def households_for(user) -> QuerySet[Household]:
    return Household.objects.restrict(user)


def household_get_for(*, actor, household_id: int) -> Household:
    household = (
        households_for(actor)
        .select_related("unit__building__compound__community")
        .filter(pk=household_id)
        .first()
    )
    if household is None:
        raise NotFound("房屋不存在或无权查看")
    return household


def fees_collected_here(compound: Compound) -> bool:
    """Whether the community's fee desk bills this compound (it has a fee standard in Linli);
    compounds with a property company or a social property service collect their own fees."""
    return FeeSchedule.objects.filter(compound=compound).exists()


def compounds_for(user) -> QuerySet[Compound]:
    return Compound.objects.restrict(user)


def address(household: Household) -> str:
    u = household.unit
    return f"{u.building.compound.name}{u.building.name}{u.name}{household.room}"


# ------------------------------------------------------------------ a household


@dataclass
class Balance:
    owed: Decimal = ZERO
    credit: Decimal = ZERO
    open_bills: int = 0
    by_age: dict = field(default_factory=dict)


def household_balance(*, household: Household, asof: dt.date | None = None) -> Balance:
    asof = asof or timezone.localdate()
    b = Balance(by_age={k: ZERO for k, _ in AGE_BUCKETS})
    for bill in Bill.objects.filter(household=household, outstanding__gt=0).only(
        "outstanding", "period_start"
    ):
        b.owed += bill.outstanding
        b.open_bills += 1
        b.by_age[age_bucket(bill.period_start, asof)] += bill.outstanding
    b.credit = (
        Payment.objects.filter(household=household, unallocated__gt=0).aggregate(
            s=Sum("unallocated")
        )["s"]
        or ZERO
    )
    return b


def household_bills(*, actor, household_id: int) -> list[Bill]:
    household_get_for(actor=actor, household_id=household_id)
    return list(
        bills_for(actor)
        .filter(household_id=household_id)
        .select_related("schedule")
        .order_by("-period_start")
    )


def household_payments(*, actor, household_id: int) -> list[Payment]:
    household_get_for(actor=actor, household_id=household_id)
    return list(
        payments_for(actor)
        .filter(household_id=household_id)
        .select_related("received_by__profile")
        .order_by("-received_at", "-id")
    )


def payment_get_for(*, actor, payment_id: int) -> Payment:
    payment = (
        payments_for(actor)
        .select_related(
            "household__unit__building__compound__community",
            "received_by__profile",
            "voided_by__profile",
        )
        .filter(pk=payment_id)
        .first()
    )
    if payment is None:
        raise NotFound("收据不存在或无权查看")
    payment.lines = list(payment.allocations.select_related("bill").order_by("bill__period_start"))
    return payment


def household_search(*, actor, text: str, limit: int = 20) -> list[Household]:
    """Households in scope whose address (小区 楼栋 单元 房号) or resident's name matches, or
    one of whose residents has exactly this ID number or phone (matched by its keyed hash: the
    numbers are stored encrypted)."""
    text = (text or "").strip()
    if not text:
        return []
    qs = households_for(actor)
    q = Q()
    for word in text.replace("栋", "栋 ").replace("单元", "单元 ").split():
        q &= (
            Q(unit__building__compound__name__icontains=word)
            | Q(unit__building__name__icontains=word)
            | Q(unit__name__icontains=word)
            | Q(room__icontains=word)
            | Q(Exists(Resident.objects.filter(household=OuterRef("pk"), name__icontains=word)))
        )
    number = Q()
    if len(id_key := crypto.normalise_id_number(text)) == 18:
        number |= Q(id_number_hash=crypto.id_number_hash(id_key))
    if len(crypto.normalise_phone(text)) >= 7 and not any(ch.isalpha() for ch in text):
        number |= Q(phone_hash=crypto.phone_hash(text))
    if number:
        q |= Q(Exists(Resident.objects.filter(number, household=OuterRef("pk"))))
    return list(
        qs.filter(q)
        .select_related("unit__building__compound")
        .order_by("unit__building__compound__name", "unit__building__name", "unit__name", "room")[
            :limit
        ]
    )


def head_name(household: Household) -> str:
    r = (
        Resident.objects.filter(household=household)
        .order_by("-is_owner", "id")
        .filter(Q(relation=Relation.HEAD) | Q(is_owner=True))
        .first()
    )
    return r.name if r else ""


def schedules_for(user) -> QuerySet[FeeSchedule]:
    return FeeSchedule.objects.restrict(user).select_related("compound")


def pending_waivers_qs(*, actor) -> QuerySet[Waiver]:
    """Reductions waiting for a decision, in the user's scope (any requester)."""
    return Waiver.objects.restrict(actor).filter(status=Waiver.Status.PENDING)


def pending_waivers(*, actor) -> list[Waiver]:
    return list(
        pending_waivers_qs(actor=actor)
        .select_related("bill__household__unit__building__compound", "requested_by__profile")
        .order_by("requested_at")
    )


def pending_voids_qs(*, actor) -> QuerySet[PaymentVoid]:
    """Void requests waiting for a decision, in the desk user's compounds (any requester)."""
    return PaymentVoid.objects.restrict(actor).filter(status=PaymentVoid.Status.PENDING)


def pending_voids(*, actor) -> list[PaymentVoid]:
    """Void requests waiting for a decision, in the desk user's compounds."""
    return list(
        pending_voids_qs(actor=actor)
        .select_related("payment__household__unit__building__compound", "requested_by__profile")
        .order_by("requested_at")
    )


def void_get_for(*, actor, void_id: int) -> PaymentVoid:
    """A void request (any status) in the desk user's compounds."""
    void = PaymentVoid.objects.restrict(actor).filter(pk=void_id).select_related("payment").first()
    if void is None:
        raise NotFound("作废申请不存在或无权查看")
    return void


# ------------------------------------------------------------------ arrears


def arrears(*, actor, asof: dt.date | None = None, compound_id: int | None = None) -> list[dict]:
    """Households with unpaid bills in the user's scope, grouped by 邻, oldest debt first
    within a 邻. Names are masked (as in public notices); amounts and addresses are not."""
    asof = asof or timezone.localdate()
    bills = bills_for(actor).filter(outstanding__gt=0, period_start__lte=asof)
    if compound_id:
        bills = bills.filter(compound_id=compound_id)
    rows: dict[int, dict] = {}
    for b in bills.values("household_id", "period_start", "outstanding"):
        row = rows.setdefault(
            b["household_id"],
            {
                "household_id": b["household_id"],
                "owed": ZERO,
                "months": 0,
                "oldest": b["period_start"],
                "by_age": {k: ZERO for k, _ in AGE_BUCKETS},
            },
        )
        row["owed"] += b["outstanding"]
        row["months"] += 1
        row["oldest"] = min(row["oldest"], b["period_start"])
        row["by_age"][age_bucket(b["period_start"], asof)] += b["outstanding"]
    if not rows:
        return []
    households = Household.objects.filter(pk__in=rows).select_related("unit__building__compound")
    heads: dict[int, str] = {}
    for r in (
        Resident.objects.filter(household_id__in=rows)
        .filter(Q(relation=Relation.HEAD) | Q(is_owner=True))
        .order_by("household_id", "-is_owner", "id")
        .values("household_id", "name")
    ):
        heads.setdefault(r["household_id"], r["name"])
    cells = dict(
        Membership.objects.filter(household_id__in=rows, end__isnull=True).values_list(
            "household_id", "neighbour_id"
        )
    )
    grids = Grid.objects.in_bulk(set(cells.values()))
    groups: dict = defaultdict(list)
    for h in households:
        row = rows[h.pk]
        row["address"] = address(h)
        row["name"] = mask_name(heads.get(h.pk, ""))
        row["use"] = h.get_use_display()
        row["developer"] = h.developer_unsold
        grid = grids.get(cells.get(h.pk))
        groups[grid].append(row)
    out = []
    for grid, members in sorted(
        groups.items(), key=lambda kv: (kv[0] is None, kv[0].path if kv[0] else "")
    ):
        members.sort(key=lambda r: (r["oldest"], -r["owed"]))
        out.append(
            {
                "grid": grid,
                "label": grid.name if grid else "未划入邻",
                "households": members,
                "owed": sum((m["owed"] for m in members), ZERO),
            }
        )
    return out


def arrears_by_age(*, actor, asof: dt.date | None = None) -> dict[str, Decimal]:
    asof = asof or timezone.localdate()
    totals = {k: ZERO for k, _ in AGE_BUCKETS}
    for b in (
        bills_for(actor)
        .filter(outstanding__gt=0, period_start__lte=asof)
        .values("period_start")
        .annotate(s=Sum("outstanding"))
    ):
        totals[age_bucket(b["period_start"], asof)] += b["s"]
    return totals


# ------------------------------------------------------------------ collection rates

GROUPS = (
    ("total", "合计"),
    ("compound", "小区"),
    ("building", "楼栋"),
    ("neighbour", "邻"),
    ("party", "党员户与其他户"),
)


@dataclass
class Rate:
    """Collection over a period for one group.

    应收 ``due`` = billed − waived; 实收 ``paid``; amount rate = paid ÷ due.
    Household rate = households with nothing outstanding ÷ households with something due.
    """

    key: object
    label: str
    billed: Decimal
    waived: Decimal
    due: Decimal
    paid: Decimal
    outstanding: Decimal
    households: int
    households_paid: int
    households_billed: int = 0  # with any bill (reductions or not)
    households_settled: int = 0  # of those, with nothing outstanding

    def folded(self) -> Rate:
        """The same collection with reductions folded into what was settled, for roles that
        may not see reductions: 应收 = the whole bill, 已结清 = paid + waived, households
        counted with any bill — so no figure differs by a household's reduction."""
        return Rate(
            key=self.key,
            label=self.label,
            billed=self.billed,
            waived=ZERO,
            due=self.billed,
            paid=self.paid + self.waived,
            outstanding=self.outstanding,
            households=self.households_billed,
            households_paid=self.households_settled,
            households_billed=self.households_billed,
            households_settled=self.households_settled,
        )

    @property
    def amount_rate(self) -> Decimal | None:
        return (self.paid / self.due) if self.due else None

    @property
    def household_rate(self) -> Decimal | None:
        return Decimal(self.households_paid) / Decimal(self.households) if self.households else None

    @property
    def amount_pct(self) -> str:
        return pct(self.amount_rate)

    @property
    def household_pct(self) -> str:
        return pct(self.household_rate)

    @property
    def amount_bar(self) -> int:
        return int((self.amount_rate or 0) * 100)


def pct(value: Decimal | None) -> str:
    """0.9593… → ``95.9%`` (one decimal, half-up); None → ``—``."""
    if value is None:
        return "—"
    return f"{(value * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def _group_expr(by: str):
    if by == "total":
        return Value(0)
    if by == "compound":
        return F("compound_id")
    if by == "building":
        return F("household__unit__building_id")
    if by == "neighbour":
        return Subquery(
            Membership.objects.filter(household=OuterRef("household_id"), end__isnull=True).values(
                "neighbour_id"
            )[:1]
        )
    if by == "party":
        return Exists(
            Resident.objects.filter(household=OuterRef("household_id"), is_party_member=True)
        )
    raise ValueError(by)


def _money(value) -> Decimal:
    if value is None:
        return ZERO
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.01"))
    return Decimal(repr(round(float(value), 2))).quantize(Decimal("0.01"))


def collection_rates(
    *,
    actor,
    start,
    end,
    by: str = "total",
    compound_id: int | None = None,
    bills: QuerySet[Bill] | None = None,
) -> list[Rate]:
    """Collection rates of the bills whose period begins in months ``start``–``end``, both
    kinds, by ``by`` (total / compound / building / neighbour / party)."""
    if by not in dict(GROUPS):
        raise ValueError(by)
    dims = () if by == "total" else (by,)
    return collection_rollup(
        actor=actor, start=start, end=end, dims=dims, compound_id=compound_id, bills=bills
    )[by]


def collection_rollup(
    *,
    actor,
    start,
    end,
    dims: tuple[str, ...] = ("compound", "party"),
    compound_id: int | None = None,
    bills: QuerySet[Bill] | None = None,
) -> dict[str, list[Rate]]:
    """The total and the rates by each of ``dims`` in one pass over the bills.

    Set-based: the database sums each household's bills (every dimension is a property of
    the household, so a household falls in exactly one group of each), then sums the
    households per combination of the dimensions; the few combination rows are rolled up
    here into the total and one list per dimension.
    """
    for dim in dims:
        if dim not in dict(GROUPS) or dim == "total":
            raise ValueError(dim)
    start, last = parse_month(start), month_end(parse_month(end))
    qs = bills if bills is not None else bills_for(actor)
    qs = qs.filter(period_start__gte=start, period_start__lte=last)
    if compound_id:
        qs = qs.filter(compound_id=compound_id)
    keys = [f"g{i}" for i in range(len(dims))]
    inner = (
        qs.order_by()
        .annotate(
            hid=F("household_id"), **{k: _group_expr(d) for k, d in zip(keys, dims, strict=True)}
        )
        .values("hid", *keys)
        .annotate(
            s_billed=Sum("amount"),
            s_waived=Sum("waived"),
            s_paid=Sum("paid"),
            s_out=Sum("outstanding"),
        )
    )
    try:
        sql, params = inner.query.sql_with_params()
    except EmptyResultSet:  # nothing in scope (a department): no bills, no rows
        return {"total": [], **{d: [] for d in dims}}
    group_cols = ", ".join(f"t.{k}" for k in keys)
    select_cols = f"{group_cols}, " if keys else ""
    group_by = f"GROUP BY {group_cols}" if keys else ""
    outer = f"""
        SELECT {select_cols}SUM(t.s_billed), SUM(t.s_waived), SUM(t.s_paid), SUM(t.s_out),
            SUM(CASE WHEN t.s_billed - t.s_waived > 0.001 THEN 1 ELSE 0 END),
            SUM(CASE WHEN t.s_billed - t.s_waived > 0.001 AND t.s_out < 0.005
                THEN 1 ELSE 0 END),
            SUM(CASE WHEN t.s_billed > 0.001 THEN 1 ELSE 0 END),
            SUM(CASE WHEN t.s_billed > 0.001 AND t.s_out < 0.005 THEN 1 ELSE 0 END)
        FROM ({sql}) t {group_by}
    """
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        raw = cursor.fetchall()
    sums: dict[str, dict] = {"total": {}, **{d: {} for d in dims}}
    for row in raw:
        groups, values = row[: len(dims)], row[len(dims) :]
        if values[4] is None:  # no bills at all: SUM over nothing
            continue
        values = (
            _money(values[0]),
            _money(values[1]),
            _money(values[2]),
            _money(values[3]),
            int(values[4] or 0),
            int(values[5] or 0),
            int(values[6] or 0),
            int(values[7] or 0),
        )
        targets = [("total", 0)] + [
            (d, bool(g) if d == "party" else g) for d, g in zip(dims, groups, strict=True)
        ]
        for dim, key in targets:
            acc = sums[dim].setdefault(key, [ZERO, ZERO, ZERO, ZERO, 0, 0, 0, 0])
            for i, v in enumerate(values):
                acc[i] += v
    out = {}
    for dim, groups in sums.items():
        labels = _labels(dim, list(groups))
        rates = [
            Rate(
                key=key,
                label=labels.get(key, "未划入邻" if dim == "neighbour" else str(key)),
                billed=billed,
                waived=waived,
                due=billed - waived,
                paid=paid,
                outstanding=outstanding,
                households=n,
                households_paid=n_paid,
                households_billed=n_billed,
                households_settled=n_settled,
            )
            for key, (
                billed,
                waived,
                paid,
                outstanding,
                n,
                n_paid,
                n_billed,
                n_settled,
            ) in groups.items()
        ]
        if dim == "party":
            rates.sort(key=lambda r: not r.key)
        else:
            rates.sort(key=lambda r: (r.key is None, r.label))
        out[dim] = rates
    return out


def _labels(by: str, keys) -> dict:
    keys = [k for k in keys if k is not None]
    if by == "total":
        return {0: "合计"}
    if by == "compound":
        return dict(Compound.objects.filter(pk__in=keys).values_list("pk", "name"))
    if by == "building":
        return {
            b.pk: f"{b.compound.name}{b.name}"
            for b in Building.objects.filter(pk__in=keys).select_related("compound")
        }
    if by == "neighbour":
        return dict(Grid.objects.filter(pk__in=keys).values_list("pk", "name"))
    return {True: "党员户", False: "其他户"}


# ------------------------------------------------------------------ reconciliation


@dataclass
class Reconciliation:
    rows: list[dict]
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def reconciliation(*, actor=None, compound_ids=None) -> Reconciliation:
    """For every compound and period: billed = paid + waived + outstanding, in total and bill
    by bill; paid = what the allocations say; every payment = its allocations + what it still
    holds; and each compound's billed periods do not overlap. ``actor=None``: everything."""
    bills = Bill.objects.all() if actor is None else bills_for(actor)
    payments = Payment.objects.all() if actor is None else payments_for(actor)
    if compound_ids is not None:
        bills = bills.filter(compound_id__in=compound_ids)
        payments = payments.filter(compound_id__in=compound_ids)
    problems: list[str] = []
    rows = _period_rows(bills, problems)
    problems += _bill_problems(bills)
    problems += _payment_problems(payments)
    problems += _overlap_problems(bills)
    return Reconciliation(rows=rows, problems=problems)


_SUMS = ("billed", "paid", "waived", "outstanding")


def _period_rows(bills, problems: list[str]) -> list[dict]:
    """One row per compound and period with its sums and whether they add up; a problem for
    each that does not."""
    rows = []
    for r in (
        bills.order_by()
        .values("compound_id", "period_start")
        .annotate(
            billed=Sum("amount"),
            paid=Sum("paid"),
            waived=Sum("waived"),
            outstanding=Sum("outstanding"),
        )
        .order_by("compound_id", "period_start")
    ):
        r = {k: (_money(v) if k in _SUMS else v) for k, v in r.items()}
        r["ok"] = r["billed"] == r["paid"] + r["waived"] + r["outstanding"]
        if not r["ok"]:
            problems.append(
                f"小区{r['compound_id']} {r['period_start']:%Y-%m}: 应收 {r['billed']} ≠ "
                f"已收 {r['paid']} + 减免 {r['waived']} + 欠费 {r['outstanding']}"
            )
        rows.append(r)
    return rows


def _bill_problems(bills) -> list[str]:
    """Bill by bill: billed = paid + waived + outstanding, and paid = its live allocations."""
    problems = []
    allocated = dict(
        bills.order_by()
        .values("pk")
        .annotate(
            a=Coalesce(
                Sum(
                    "allocations__amount",
                    filter=Q(allocations__payment__voided_at__isnull=True),
                ),
                Value(ZERO),
                output_field=MONEY,
            )
        )
        .values_list("pk", "a")
    )
    for pk, amount, paid, waived, out in bills.values_list(
        "pk", "amount", "paid", "waived", "outstanding"
    ):
        if _money(amount) != _money(paid) + _money(waived) + _money(out):
            problems.append(f"账单{pk}: 应收 {amount} ≠ 已收 {paid} + 减免 {waived} + 欠费 {out}")
        if _money(allocated.get(pk)) != _money(paid):
            problems.append(f"账单{pk}: 已收 {paid} ≠ 冲抵合计 {allocated.get(pk)}")
    return problems


def _payment_problems(payments) -> list[str]:
    """Every payment = its allocations + what it still holds; a voided one holds nothing."""
    problems = []
    for p in (
        payments.order_by()
        .annotate(a=Coalesce(Sum("allocations__amount"), Value(ZERO), output_field=MONEY))
        .values("pk", "amount", "unallocated", "voided_unallocated", "voided_at", "a")
    ):
        # a voided payment keeps its allocation rows (its receipt shows them) and records the
        # prepayment it held; the bills no longer count them (see _bill_problems)
        held = _money(p["unallocated"]) + _money(p["voided_unallocated"])
        if _money(p["amount"]) != _money(p["a"]) + held:
            problems.append(f"收款{p['pk']}: 金额 ≠ 冲抵 + 预交余额")
        if p["voided_at"] is not None and _money(p["unallocated"]) != ZERO:
            problems.append(f"收款{p['pk']}: 已作废仍有预交余额 {p['unallocated']}")
    return problems


def _overlap_problems(bills) -> list[str]:
    """Each compound's billed periods (of the compounds ``bills`` has) do not overlap."""
    problems = []
    periods = defaultdict(list)
    for p in BilledPeriod.objects.filter(compound_id__in=bills.values("compound_id")).values_list(
        "compound_id", "period_start", "period_end"
    ):
        periods[p[0]].append(p[1:])
    for compound_id, spans in periods.items():
        spans.sort()
        for (s1, e1), (s2, _e2) in itertools.pairwise(spans):
            if s2 <= e1:
                problems.append(f"小区{compound_id}: 账期 {s1}—{e1} 与 {s2} 起的账期重叠")
    return problems


def runs_for(user) -> QuerySet[BillRun]:
    return BillRun.objects.restrict(user).order_by("-created_at", "-id")


def last_billed_month(*, actor) -> dt.date | None:
    return bills_for(actor).aggregate(m=Max("period_start"))["m"]
