"""Reads of the public accounts, each starting from ``restrict`` (the rules are in
:mod:`linli.commons.scopes`).

| role | sees |
|---|---|
| 县/镇干部, 社区工作人员 | accounts of the compounds in their region subtree, drafts too |
| 部门工作人员 | accounts in their region subtree, posted entries only |
| 业委会成员 | their compound's account, drafts and rejected ones too |
| 居民, 三长 | the accounts of their compounds: posted entries and published notices only |

The balance and every statement count **posted** (approved) entries only.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from linli.core import uploads
from linli.core.errors import NotFound
from linli.core.policy import Capability, actor_of, can
from linli.core.privacy import mask_name
from linli.ledger.models import Compound, Household

from .models import (
    INCOME_KINDS,
    SPENDING_KINDS,
    Direction,
    Entry,
    EntryStatus,
    Kind,
    Notice,
    PublicAccount,
    Voucher,
)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
_MONEY = DecimalField(max_digits=14, decimal_places=2)


# + for income and for the reversal of a spending, − for spending and the reversal of income
def signed(prefix: str = "") -> Case:
    p = f"{prefix}__" if prefix else ""
    return Case(
        When(
            **{f"{p}direction": Direction.INCOME, f"{p}reverses__isnull": True},
            then=F(f"{p}amount"),
        ),
        When(
            **{f"{p}direction": Direction.SPENDING, f"{p}reverses__isnull": False},
            then=F(f"{p}amount"),
        ),
        default=-F(f"{p}amount"),
        output_field=_MONEY,
    )


SIGNED = signed()
POSTED = Q(status=EntryStatus.APPROVED)


def _money(value) -> Decimal:
    return (value or ZERO).quantize(CENT)


# ---------------------------------------------------------------- scope


def accounts_for(user) -> QuerySet[PublicAccount]:
    return PublicAccount.objects.restrict(user)


def account_get_for(*, actor, account_id) -> PublicAccount:
    account = (
        accounts_for(actor).select_related("compound__community").filter(pk=account_id).first()
    )
    if account is None:
        raise NotFound("公共收益账户不存在或无权查看")
    return account


def sees_drafts(user, account: PublicAccount) -> bool:
    """Pending and rejected entries: the committee of the compound and the officials/workers
    over it; residents and the 三长 see what was posted."""
    if can(user, Capability.COMMONS_OVERSEE):
        return True  # account came through accounts_for, so it is in their region
    actor = actor_of(user)
    return can(user, Capability.COMMONS_APPROVE) and actor.compound_id == account.compound_id


def entries_for(*, actor, account: PublicAccount, status: str | None = None) -> QuerySet[Entry]:
    qs = Entry.objects.filter(account=account).select_related("reverses")
    if not sees_drafts(actor, account):
        qs = qs.filter(POSTED)  # as the Entry rule says, without its join through the compound
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-date", "-id")


def entry_get_for(*, actor, entry_id) -> Entry:
    entry = (
        Entry.objects.restrict(actor)
        .filter(pk=entry_id)
        .select_related("account__compound", "reverses")
        .first()
    )
    if entry is None:
        raise NotFound("收支记录不存在或无权查看")
    return entry


def voucher_get_for(*, actor, voucher_id: int) -> Voucher:
    """A voucher for those who see its account's drafts (vouchers may carry names): the
    compound's committee and the officials/workers over it. Out of scope is :class:`NotFound`
    with the same message as a missing id (``linli.core.uploads.NOT_FOUND``)."""
    voucher = (
        Voucher.objects.restrict(actor)
        .filter(pk=voucher_id)
        .select_related("entry__account")
        .first()
    )
    if voucher is None:
        raise NotFound(uploads.NOT_FOUND)
    return voucher


def approval_queue(*, actor) -> QuerySet[Entry]:
    """Pending entries the actor may decide: a committee member's own compound."""
    if not can(actor, Capability.COMMONS_APPROVE):
        return Entry.objects.none()
    return (
        Entry.objects.restrict(actor)
        .filter(status=EntryStatus.PENDING)
        .select_related("account__compound", "reverses")
        .prefetch_related("vouchers")
        .order_by("date", "id")
    )


def notices_for(*, actor, account: PublicAccount) -> QuerySet[Notice]:
    return Notice.objects.filter(account=account).order_by("-year", "-quarter")


def notice_get_for(*, actor, notice_id) -> Notice:
    notice = (
        Notice.objects.restrict(actor)
        .filter(pk=notice_id)
        .select_related("account__compound__community")
        .first()
    )
    if notice is None:
        raise NotFound("公示不存在或无权查看")
    return notice


# ---------------------------------------------------------------- figures


def balance(account: PublicAccount, *, through: dt.date | None = None) -> Decimal:
    """Posted income minus posted spending (reversals count against their kind)."""
    qs = Entry.objects.filter(POSTED, account=account)
    if through is not None:
        qs = qs.filter(date__lte=through)
    return _money(qs.aggregate(b=Sum(SIGNED))["b"])


def _by_kind(qs: QuerySet[Entry]) -> dict[str, Decimal]:
    """Net amount per kind (a reversal subtracts from its kind), all kinds present."""
    totals = dict.fromkeys(Kind.values, ZERO)
    rows = qs.values("kind").annotate(
        gross=Coalesce(
            Sum("amount", filter=Q(reverses__isnull=True)), Value(ZERO), output_field=_MONEY
        ),
        back=Coalesce(
            Sum("amount", filter=Q(reverses__isnull=False)), Value(ZERO), output_field=_MONEY
        ),
    )
    for row in rows:
        totals[row["kind"]] = _money(row["gross"] - row["back"])
    return totals


def statement(*, account: PublicAccount, start: dt.date, end: dt.date) -> dict:
    """Opening balance, income and spending by kind, closing balance for ``start``..``end``."""
    posted = Entry.objects.filter(POSTED, account=account)
    opening = _money(posted.filter(date__lt=start).aggregate(b=Sum(SIGNED))["b"])
    kinds = _by_kind(posted.filter(date__gte=start, date__lte=end))
    income = [(Kind(k), kinds[k]) for k in INCOME_KINDS]
    spending = [(Kind(k), kinds[k]) for k in SPENDING_KINDS]
    income_total = sum((a for _, a in income), ZERO)
    spending_total = sum((a for _, a in spending), ZERO)
    return {
        "start": start,
        "end": end,
        "opening": opening,
        "income": income,
        "income_total": income_total,
        "spending": spending,
        "spending_total": spending_total,
        "net": income_total - spending_total,
        "closing": opening + income_total - spending_total,
    }


def compound_area(compound_id: int) -> tuple[Decimal, int, int]:
    """The compound's total exclusive area (ledger ``Household.area``), the households with an
    area and those without one."""
    row = Household.objects.filter(unit__building__compound_id=compound_id).aggregate(
        total=Sum("area"), counted=Count("pk", filter=Q(area__isnull=False)), all=Count("pk")
    )
    return _money(row["total"]), row["counted"], row["all"] - row["counted"]


def share_of(net: Decimal, area: Decimal, total_area: Decimal) -> Decimal:
    """An owner's share of the net public income by exclusive area (民法典 art. 283):
    net × area ÷ total area, rounded half-up to the fen. 100,000 × 89.37 ÷ 95,000 = 94.07."""
    if not total_area or total_area <= 0:
        raise ValueError("total area must be positive")
    return (Decimal(net) * Decimal(area) / Decimal(total_area)).quantize(CENT, ROUND_HALF_UP)


def my_share(*, actor, account: PublicAccount, net: Decimal) -> dict | None:
    """The resident's household share of ``net`` in this account's compound, or None."""
    profile = getattr(actor, "profile", None)
    if profile is None or not profile.household_id:
        return None
    household = (
        Household.objects.filter(
            pk=profile.household_id, unit__building__compound=account.compound_id
        )
        .select_related("unit__building")
        .first()
    )
    if household is None or household.area is None:
        return None
    total, counted, missing = compound_area(account.compound_id)
    if not total:
        return None
    return {
        "household": household,
        "area": household.area,
        "total_area": total,
        "households": counted,
        "missing": missing,
        "net": net,
        "share": share_of(net, household.area, total),
    }


def accounts_overview(*, actor) -> list[PublicAccount]:
    """Every account in scope with its balance and pending count (one query), and the
    compounds in scope without an account."""
    accounts: list[PublicAccount] = list(
        accounts_for(actor)
        .select_related("compound__community")
        .annotate(
            bal=Coalesce(
                Sum(signed("entries"), filter=Q(entries__status=EntryStatus.APPROVED)),
                Value(ZERO),
                output_field=_MONEY,
            ),
            pending=Count("entries", filter=Q(entries__status=EntryStatus.PENDING)),
        )
        .order_by("compound__community__path", "compound__name")
    )
    return accounts


def compounds_without_account(*, actor) -> QuerySet[Compound]:
    return Compound.objects.restrict(actor).filter(public_account__isnull=True).order_by("name")


def notice_snapshot(*, account: PublicAccount, start: dt.date, end: dt.date) -> dict:
    """What a notice prints, as JSON-ready values (amounts as strings, names masked)."""
    s = statement(account=account, start=start, end=end)
    compound = Compound.objects.select_related("community").get(pk=account.compound_id)
    total_area, counted, missing = compound_area(compound.pk)
    entries = []
    approvers = set()
    rows = (
        Entry.objects.filter(POSTED, account=account, date__gte=start, date__lte=end)
        .select_related("reverses")
        .order_by("sequence")
    )
    for e in rows:
        approvers.add(mask_name(e.decided_by_name))
        entries.append(
            {
                "number": e.number,
                "sequence": e.sequence,
                "date": e.date.isoformat(),
                "direction": e.direction,
                "kind": e.get_kind_display(),
                "amount": str(e.signed_amount),
                "counterparty": mask_name(e.counterparty)
                if e.counterparty_is_person
                else e.counterparty,
                "description": e.description,
                "reverses": e.reverses.number if e.reverses_id and e.reverses is not None else "",
                "entered_by": mask_name(e.entered_by_name),
                "approved_by": mask_name(e.decided_by_name),
            }
        )
    return {
        "compound": compound.name,
        "community": compound.community.name,
        "account": account.pk,
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "opening": str(s["opening"]),
        "income": [
            {"kind": k.value, "label": str(k.label), "amount": str(a)} for k, a in s["income"]
        ],
        "income_total": str(s["income_total"]),
        "spending": [
            {"kind": k.value, "label": str(k.label), "amount": str(a)} for k, a in s["spending"]
        ],
        "spending_total": str(s["spending_total"]),
        "net": str(s["net"]),
        "closing": str(s["closing"]),
        "total_area": str(total_area),
        "households_with_area": counted,
        "households_without_area": missing,
        "entries": entries,
        "approvers": sorted(approvers),
    }
