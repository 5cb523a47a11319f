"""Demo fees for 兴东社区, built through the services by ``linli demo``.

The custodial (社区托管) compounds get fee standards (by area; vacant flats at half price,
shops at a higher rate; one compound of self-built houses at a fixed sum a household), then a
year of monthly bill runs. Between runs the households pay as their habit says — quarterly,
half-yearly, once a year, a few prepaying the year ahead — and a few stop paying; 低保
households have half of each bill waived (asked by the worker, approved by the town
official). Party-member households pay more reliably ("党员带头交"), which is what the demo
shows. Everything random comes from ``random.Random`` seeded with ``seed``.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone

from linli.core.roles import Role
from linli.finance import selectors, services
from linli.finance.models import (
    Account,
    Allocation,
    Basis,
    Bill,
    BilledPeriod,
    BillRun,
    FeeSchedule,
    Method,
    Payment,
    PaymentVoid,
    ReceiptSequence,
    RunRate,
    Waiver,
    WaiverKind,
)
from linli.finance.money import add_months, month_start
from linli.finance.selectors import pct
from linli.ledger.models import Compound, Household, HouseholdUse, PropertyService, Resident

MONTHS = 12
METHODS = [(Method.WECHAT, 45), (Method.CASH, 30), (Method.ALIPAY, 15), (Method.BANK, 10)]
HABITS = [("quarterly", 25), ("half_year", 35), ("yearly", 34), ("prepay", 6)]
PAY_AFTER = {"quarterly": (2, 5, 8, 11), "half_year": (5, 11), "yearly": (11,)}


class _Marks(TypedDict):
    party: bool
    low_income: bool


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    MarkedHousehold = WithAnnotations[Household, _Marks]  # what _households returns


def _users(community):
    """The community worker (asks, takes money) and a town official (approves waivers)."""
    User = get_user_model()
    worker = (
        User.objects.filter(profile__role=Role.COMMUNITY_WORKER, profile__region=community)
        .order_by("id")
        .first()
    )
    approver = (
        User.objects.filter(
            profile__role__in=[Role.TOWN_OFFICIAL, Role.COUNTY_OFFICIAL, Role.COMMUNITY_WORKER],
            profile__region__isnull=False,
        )
        .exclude(pk=getattr(worker, "pk", None))
        .select_related("profile__region")
        .order_by("profile__role", "id")
    )
    approver = next((u for u in approver if community.path.startswith(u.profile.region.path)), None)
    return worker, approver


def _schedules(worker, compounds, first: dt.date) -> None:
    for i, compound in enumerate(compounds):
        if i == len(compounds) - 1 and len(compounds) > 1:
            # the smallest compound: a fixed sum a household (self-built houses, mixed sizes)
            services.schedule_create(
                actor=worker,
                compound=compound,
                basis=Basis.PER_HOUSEHOLD,
                price="25.00",
                valid_from=first,
                name="托管服务费（按户）",
            )
            continue
        price = Decimal("0.35") + Decimal("0.05") * (i % 3)
        for use, factor in (("", 1), (HouseholdUse.VACANT, Decimal("0.5"))):
            services.schedule_create(
                actor=worker,
                compound=compound,
                basis=Basis.PER_AREA,
                price=price * factor,
                use=use,
                valid_from=first,
                name="托管服务费" + ("（空置房减半）" if factor != 1 else ""),
            )
        services.schedule_create(
            actor=worker,
            compound=compound,
            basis=Basis.PER_AREA,
            price=Decimal("1.00"),
            use=HouseholdUse.COMMERCIAL,
            valid_from=first,
            name="托管服务费（商用）",
        )


def _at(month: dt.date, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(month.year, month.month, day, hour, tzinfo=timezone.get_current_timezone())


def build_demo(*, community, seed: int, now) -> list[str]:
    """A year of fees in the custodial compounds of ``community``; the lines to print."""
    worker, approver = _users(community)
    compounds = list(
        Compound.objects.filter(
            community=community, property_service=PropertyService.COMMUNITY_CUSTODY
        ).order_by("-surveyed_households", "name")
    )
    if worker is None or not compounds:
        return []
    today = timezone.localtime(now).date()
    first = add_months(month_start(today), -MONTHS)
    months = [add_months(first, i) for i in range(MONTHS)]
    rng = random.Random(f"{seed}:finance")
    with transaction.atomic():
        _schedules(worker, compounds, first)
        households = _households(compounds)
        plans = _habits(rng, households)
        low_income = [h for h in households if h.low_income][:12]
        for i, month in enumerate(months):
            services.bill_run(
                actor=worker, period_start=month, region=community, when=_at(month, 1, 9)
            )
            if approver is not None:
                _waivers(worker, approver, low_income, month, decide=i < MONTHS - 1)
            _payments(worker, rng, households, plans, i, month)
    return _summary(compounds, households, months)


def _households(compounds) -> list[MarkedHousehold]:
    """The households of ``compounds``, each marked ``party`` (a party member lives there) and
    ``low_income`` (低保)."""
    return list(
        Household.objects.filter(unit__building__compound__in=compounds)
        .annotate(
            party=Exists(Resident.objects.filter(household=OuterRef("pk"), is_party_member=True)),
            low_income=Exists(
                Resident.objects.filter(household=OuterRef("pk"), is_low_income=True)
            ),
        )
        .select_related("unit__building__compound")
        .order_by("unit__building__compound__name", "unit__building__name", "unit__name", "room")
    )


def _habits(rng: random.Random, households: list[MarkedHousehold]) -> dict[int, tuple[str, int]]:
    """How each household pays (its habit) and the month it stops paying (``MONTHS``: never);
    party-member households pay more reliably."""
    plans = {}
    for h in households:
        full = rng.random() < (0.985 if h.party else 0.91)
        habit = rng.choices([k for k, _ in HABITS], [w for _, w in HABITS])[0]
        stop = MONTHS if full else 9 if h.party else rng.choice((0, 3, 3, 6, 9))
        plans[h.pk] = (habit if full else "quarterly", stop)
    return plans


def _waivers(worker, approver, low_income, month: dt.date, *, decide: bool) -> None:
    """Half of each 低保 household's bill waived: asked by the worker, approved by the town
    official (the last month's requests wait on the desk: ``decide`` False)."""
    for h in low_income:
        bill = Bill.objects.filter(household=h, period_start=month).first()
        if bill is None or bill.outstanding <= 0:
            continue
        waiver = services.waiver_request(
            actor=worker,
            bill=bill,
            amount=(bill.outstanding / 2).quantize(Decimal("0.01")),
            kind=WaiverKind.LOW_INCOME,
            reason="低保户，按托管服务费减免办法减半收取",
            when=_at(month, 2),
        )
        if decide:
            services.waiver_decide(actor=approver, waiver=waiver, approve=True, when=_at(month, 3))


def _payments(worker, rng, households, plans, i: int, month: dt.date) -> None:
    """The payments of month ``i``: each household as its habit says."""
    for h in households:
        habit, stop = plans[h.pk]
        if habit == "prepay":
            if i == 0:
                monthly = services.monthly_fee(h, add_months(month, 1))
                owed = _owed(h)
                if monthly is not None:
                    _pay(worker, rng, h, owed + monthly * (MONTHS - 1), month, prepay=True)
            continue
        if i in PAY_AFTER[habit] and i < stop:
            owed = _owed(h)
            if owed > 0:
                _pay(worker, rng, h, owed, month)


def _summary(compounds, households, months: list[dt.date]) -> list[str]:
    bills = Bill.objects.filter(compound__in=compounds, period_start__in=months)
    start, end = months[0], months[-1]
    total = selectors.collection_rates(actor=None, start=start, end=end, bills=bills)[0]
    party = {
        r.key: r
        for r in selectors.collection_rates(
            actor=None, start=start, end=end, by="party", bills=bills
        )
    }

    payments = Payment.objects.filter(compound__in=compounds, voided_at__isnull=True).count()
    waivers = Waiver.objects.filter(bill__compound__in=compounds).aggregate(s=Sum("amount"))["s"]
    return [
        f"物业收费（社区托管小区 {len(compounds)} 个，{len(households)} 户）："
        f"近12个月（{start:%Y-%m}至{end:%Y-%m}）应收 ¥{total.due:,.2f}，实收 ¥{total.paid:,.2f}，"
        f"收缴率 {pct(total.amount_rate)}"
        f"（党员户 {pct(party[True].amount_rate) if True in party else '—'}，"
        f"其他 {pct(party[False].amount_rate) if False in party else '—'}）",
        f"  按户：全额缴清 {total.households_paid}/{total.households} 户，"
        f"{pct(total.household_rate)}；收款 {payments} 笔，低保减免 ¥{waivers or 0:,.2f}",
    ]


def _owed(h: Household) -> Decimal:
    """What the household pays now: its outstanding bills less the reductions it has asked for
    and is waiting on (a 低保 household pays the other half, not the whole)."""
    zero = Decimal("0.00")
    owed = Bill.objects.filter(household=h, outstanding__gt=0).aggregate(s=Sum("outstanding"))
    waiting = Waiver.objects.filter(bill__household=h, status=Waiver.Status.PENDING).aggregate(
        s=Sum("amount")
    )
    return (owed["s"] or zero) - (waiting["s"] or zero)


def _pay(worker, rng, h, amount: Decimal, month: dt.date, prepay: bool = False) -> None:
    method = rng.choices([m for m, _ in METHODS], [w for _, w in METHODS])[0]
    day = rng.randint(2, 25)
    services.payment_record(
        actor=worker,
        household=h,
        amount=Decimal(amount).quantize(Decimal("0.01")),
        method=method,
        prepay=prepay,
        when=_at(month, day, rng.randint(8, 17)),
        note="预交一年" if prepay else "",
    )


def clear_demo(town) -> None:
    """Delete the fee rows of the compounds below ``town`` (before the ledger is rebuilt)."""
    if town is None:
        return
    compounds = Compound.objects.filter(community__path__startswith=town.path)
    Allocation.objects.filter(bill__compound__in=compounds).delete()
    Waiver.objects.filter(bill__compound__in=compounds).delete()
    PaymentVoid.objects.filter(payment__compound__in=compounds).delete()
    Payment.objects.filter(compound__in=compounds).delete()
    Bill.objects.filter(compound__in=compounds).delete()
    runs = BillRun.objects.filter(periods__compound__in=compounds).values_list("pk", flat=True)
    BillRun.objects.filter(pk__in=list(runs)).delete()
    BillRun.objects.filter(region__path__startswith=town.path).delete()
    BillRun.objects.filter(compound__in=compounds).delete()
    BilledPeriod.objects.filter(compound__in=compounds).delete()
    RunRate.objects.filter(compound__in=compounds).delete()
    FeeSchedule.objects.filter(compound__in=compounds).delete()
    Account.objects.filter(household__unit__building__compound__in=compounds).delete()
    ReceiptSequence.objects.filter(compound__in=compounds).delete()
