"""Demo public accounts for 兴东社区, built through the services from a seed.

Every compound of the community gets its account and a 业委会 member (login ``yeweihui-<n>``,
password ``linli-demo``, a real owner of that compound in the demo ledger). Over the year up
to ``now``: monthly 院内泊车 income, quarterly advertising in some compounds, 便民设施 income in
others; cleaning, lighting and the occasional repair paid from it. The community worker
(``xingdong``) enters each item the day after, the committee member approves it the day after
that. Each full quarter of the year is published eight days after it ends. One compound has an
advertising fee entered twice in a published quarter and reversed (冲正) in the next period;
another a repair draft rejected for want of an invoice; the last fortnight's entries wait in the
approval queue.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from linli.commons import selectors, services
from linli.commons.models import Entry, EntryStatus, Notice, PublicAccount, Voucher, purging
from linli.core.roles import Role
from linli.ledger.models import Compound, Household, Region, Resident

from .logins import COMMITTEE_PASSWORD, COMMITTEE_USERNAME, ensure_login

ADVERTISERS = ("衡东县广源广告有限公司", "洣水镇星辰传媒工作室", "湘中电梯广告服务部")
FACILITY = (
    ("丰巢快递柜场地费", "深圳市丰巢科技有限公司"),
    ("电动车充电桩分成", "衡东县易充新能源"),
)
CLEANERS = ("保洁员", "衡东县洁美保洁服务部")
REPAIRS = (
    ("更换单元门闭门器", "衡东县永兴五金店"),
    ("疏通化粪池", "洣水镇顺通管道疏通"),
    ("修补院内路面坑洼", "衡东县路通建材"),
    ("维修楼道声控灯", "洣水镇光明电器维修部"),
    ("更换消防栓箱玻璃", "衡东县安达消防器材"),
)


def _local(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    """A whole-yuan or ten-fen amount between low and high."""
    return Decimal(rng.randrange(low * 10, high * 10)) / 10


def _committee_user(n: int, compound: Compound, rng: random.Random):
    owners = list(
        Resident.objects.filter(
            household__unit__building__compound=compound,
            is_owner=True,
            household__area__isnull=False,
        )
        .order_by("pk")
        .values_list("pk", "name", "household_id")[:200]
    )
    _, name, household_id = rng.choice(owners) if owners else (None, f"业委会委员{n}", None)
    return ensure_login(
        COMMITTEE_USERNAME.format(n=n),
        COMMITTEE_PASSWORD,
        profile={
            "role": Role.COMMITTEE_MEMBER,
            "region": compound.community,
            "compound": compound,
            "household_id": household_id,
            "display_name": name,
            "grid": None,
        },
    )


def _worker(community: Region):
    User = get_user_model()
    user = User.objects.filter(username="xingdong", profile__role=Role.COMMUNITY_WORKER).first()
    if user is None:
        user = User.objects.filter(
            profile__role=Role.COMMUNITY_WORKER, profile__region=community
        ).first()
    return user


def _months(start: dt.date, end: dt.date):
    """First day of each month from the month after ``start`` to ``end``'s month."""
    y, m = start.year, start.month
    while True:
        m += 1
        if m == 13:
            y, m = y + 1, 1
        first = dt.date(y, m, 1)
        if first > end:
            return
        yield first


def _plan(rng, compound: Compound, households: int, start: dt.date, today: dt.date) -> list[dict]:
    """The compound's year of income and spending, as entries to enter."""
    spaces = max(15, households // 6)
    rate = rng.choice((30, 40, 50, 60))
    has_ads = rng.random() < 0.7
    facility = rng.choice(FACILITY) if rng.random() < 0.5 else None
    items = []
    for first in _months(start, today):
        prev = first - dt.timedelta(days=1)  # last day of the month the money is for
        label = f"{prev.month}月"
        occupied = max(1, spaces - rng.randrange(0, max(2, spaces // 6)))
        items.append(
            {
                "kind": "parking",
                "amount": Decimal(occupied * rate),
                "date": first + dt.timedelta(days=2),
                "counterparty": "院内停车管理员",
                "description": f"{label}院内泊车费 {occupied}个车位×{rate}元",
            }
        )
        if facility:
            items.append(
                {
                    "kind": "facility",
                    "amount": _money(rng, 120, 420),
                    "date": first + dt.timedelta(days=5),
                    "counterparty": facility[1],
                    "description": f"{label}{facility[0]}",
                }
            )
        if has_ads and prev.month in (3, 6, 9, 12):
            items.append(
                {
                    "kind": "advertising",
                    "amount": Decimal(rng.choice((1500, 1800, 2400, 3000, 3600))),
                    "date": prev - dt.timedelta(days=rng.randrange(3, 12)),
                    "counterparty": rng.choice(ADVERTISERS),
                    "description": (
                        f"{prev.year}年第{(prev.month - 1) // 3 + 1}季度宣传栏及道闸广告位租金"
                    ),
                }
            )
        items.append(
            {
                "kind": "cleaning",
                "amount": Decimal(round(occupied * rate * rng.uniform(0.30, 0.45))),
                "date": first + dt.timedelta(days=8),
                "counterparty": rng.choice(CLEANERS),
                "counterparty_is_person": False,
                "description": f"{label}公共区域保洁",
            }
        )
        items.append(
            {
                "kind": "lighting",
                "amount": _money(rng, 60, 180),
                "date": first + dt.timedelta(days=10),
                "counterparty": "国网衡东县供电公司",
                "description": f"{label}路灯及楼道照明电费",
            }
        )
        if rng.random() < 0.3:
            what, who = rng.choice(REPAIRS)
            items.append(
                {
                    "kind": "repair",
                    "amount": _money(rng, 150, 1800),
                    "date": first + dt.timedelta(days=rng.randrange(12, 26)),
                    "counterparty": who,
                    "description": what,
                }
            )
    # costs are paid from the income: a cost the account cannot cover yet is left out
    kept, running = [], Decimal("0.00")
    for item in sorted(items, key=lambda i: i["date"]):
        if not start < item["date"] < today:
            continue
        if item["kind"] in ("parking", "facility", "advertising"):
            running += item["amount"]
        elif running - item["amount"] < 300:
            continue
        else:
            running -= item["amount"]
        kept.append(item)
    return kept


@transaction.atomic
def build_demo(*, community, seed: int, now) -> list[str]:
    """Build the public accounts of ``community``'s compounds; return the summary lines."""
    rng = random.Random(f"{seed}:commons")
    worker = _worker(community)
    compounds = list(Compound.objects.filter(community=community).order_by("name"))
    if worker is None or not compounds:
        return []
    today = timezone.localdate(now)
    start = today - dt.timedelta(days=365)
    actions: list[tuple[dt.datetime, int, str, dict]] = []  # (when, order, what, payload)
    accounts, members = {}, {}
    for n, compound in enumerate(compounds, start=1):
        members[compound.pk] = member = _committee_user(n, compound, rng)
        accounts[compound.pk] = services.account_open(
            actor=member, compound=compound, when=_local(start, 9)
        )
        households = Household.objects.filter(unit__building__compound=compound).count()
        for item in _plan(rng, compound, households, start, today):
            actions.append(
                (
                    _local(item["date"] + dt.timedelta(days=1), 10),
                    0,
                    "enter",
                    {**item, "compound": compound.pk},
                )
            )
        actions += _publications(compound, start, today, now)
    actions += _correction(actions)
    actions.append(_rejected_draft(compounds, today))
    _play(actions, accounts=accounts, members=members, worker=worker, now=now)
    return _summary(accounts, compounds, start, today)


def _publications(compound: Compound, start: dt.date, today: dt.date, now) -> list[tuple]:
    """Each full quarter inside the year, published eight days after it ends."""
    actions: list[tuple] = []
    y, q = services.last_full_quarter(today)
    while True:
        q_start, q_end = services.quarter_bounds(y, q)
        if q_start <= start:
            return actions
        published = _local(q_end + dt.timedelta(days=8), 9)
        if published < now:
            actions.append(
                (published, 2, "publish", {"compound": compound.pk, "year": y, "quarter": q})
            )
        y, q = (y - 1, 4) if q == 1 else (y, q - 1)


def _correction(actions: list[tuple]) -> list[tuple]:
    """The correction: a compound with advertising gets one quarter's fee entered twice in the
    last published quarter; the duplicate is reversed after the notice, in the next period."""
    published_quarters = [a for a in actions if a[2] == "publish"]
    ads = [a for a in actions if a[2] == "enter" and a[3]["kind"] == "advertising"]
    if not (published_quarters and ads):
        return []
    last_notice = max(published_quarters, key=lambda a: a[0])
    y, q = last_notice[3]["year"], last_notice[3]["quarter"]
    q_start, q_end = services.quarter_bounds(y, q)
    candidates = sorted(
        (a for a in ads if q_start <= a[3]["date"] <= q_end),
        key=lambda a: (a[3]["date"], a[3]["compound"]),
    )
    if not candidates:
        return []
    duplicate_of = candidates[0]
    dup = dict(duplicate_of[3])
    return [
        (duplicate_of[0] + dt.timedelta(hours=3), 0, "enter", {**dup, "duplicate": True}),
        (last_notice[0] + dt.timedelta(days=5), 0, "reverse", {"compound": dup["compound"]}),
    ]


def _rejected_draft(compounds: list[Compound], today: dt.date) -> tuple:
    """A draft rejected for want of an invoice, in another compound."""
    reject_day = today - dt.timedelta(days=40)
    return (
        _local(reject_day, 15),
        0,
        "enter",
        {
            "compound": compounds[1 % len(compounds)].pk,
            "kind": "repair",
            "amount": Decimal("2680.00"),
            "date": reject_day - dt.timedelta(days=1),
            "counterparty": "个体维修师傅",
            "description": "更换雨水管（无发票）",
            "reject": "缺少发票或收据，金额与市场价差距较大，请补充凭证并询价后重新录入",
        },
    )


def _play(actions: list[tuple], *, accounts: dict, members: dict, worker, now) -> None:
    """Run the actions in time order through the services: the worker enters, the committee
    member decides a day later, notices are published, the duplicate is reversed."""
    cutoff = now - dt.timedelta(days=16)  # not yet decided: still in the approval queue
    queue = [(when, order, i, what, p) for i, (when, order, what, p) in enumerate(actions)]
    heapq.heapify(queue)
    counter = len(queue)
    duplicate = None
    while queue:
        when, _order, _i, what, p = heapq.heappop(queue)
        account = accounts[p["compound"]]
        member = members[p["compound"]]
        decision = None
        if what == "enter":
            entry = _enter(worker, account, p, when)
            if p.get("duplicate"):
                duplicate = entry
            decided = when + dt.timedelta(days=1, hours=10)
            if p.get("reject") or decided < cutoff:
                decision = (
                    decided,
                    {"compound": p["compound"], "entry": entry, "reject": p.get("reject")},
                )
        elif what == "decide":
            if p["reject"]:
                services.entry_reject(actor=member, entry=p["entry"], reason=p["reject"], when=when)
            else:
                services.entry_approve(actor=member, entry=p["entry"], when=when)
        elif what == "reverse" and duplicate is not None:
            reversal = services.entry_reverse(
                actor=worker,
                entry=duplicate,
                reason="同一季度广告位租金重复录入",
                date=timezone.localdate(when),
                when=when,
            )
            decision = (
                when + dt.timedelta(hours=6),
                {"compound": p["compound"], "entry": reversal, "reject": None},
            )
        elif what == "publish":
            services.notice_publish(
                actor=member, account=account, year=p["year"], quarter=p["quarter"], when=when
            )
        if decision is not None:
            counter += 1
            heapq.heappush(queue, (decision[0], 1, counter, "decide", decision[1]))


def _enter(worker, account, p: dict, when: dt.datetime) -> Entry:
    return services.entry_create(
        actor=worker,
        account=account,
        kind=p["kind"],
        amount=p["amount"],
        date=p["date"],
        counterparty=p["counterparty"],
        counterparty_is_person=p.get("counterparty_is_person", False),
        description=p["description"],
        when=when,
    )


def _summary(accounts: dict, compounds: list[Compound], start: dt.date, today: dt.date):
    income = spending = balance = Decimal("0.00")
    for account in accounts.values():
        s = selectors.statement(account=account, start=start, end=today)
        income += s["income_total"]
        spending += s["spending_total"]
        balance += selectors.balance(account)
    notices = Notice.objects.filter(account__in=accounts.values()).count()
    quarters = (
        Notice.objects.filter(account__in=accounts.values())
        .values("year", "quarter")
        .distinct()
        .count()
    )
    mine = Entry.objects.filter(account__in=accounts.values())
    pending = mine.filter(status=EntryStatus.PENDING).count()
    reversals = mine.filter(status=EntryStatus.APPROVED, reverses__isnull=False).count()
    return [
        f"公共收益：账户 {len(accounts)} 个，近一年收入 ¥{income:,.2f}、支出 ¥{spending:,.2f}，"
        f"结余 ¥{balance:,.2f}；已公示 {quarters} 期（{notices} 份），冲正 {reversals} 笔，"
        f"待审核 {pending} 笔",
        f"公共收益业委会账号：yeweihui-1 … yeweihui-{len(accounts)}（密码 {COMMITTEE_PASSWORD}，"
        f"yeweihui-1 为{compounds[0].name}）",
    ]


def clear_demo(town) -> None:
    """Delete the public accounts below ``town`` with their entries, vouchers and notices.

    Posted entries and published notices are immutable; only this teardown (which rebuilds
    the whole demo ledger) lifts that, inside :func:`linli.commons.models.purging`.
    """
    if town is None:
        return
    accounts = PublicAccount.objects.filter(compound__community__path__startswith=town.path)
    if not accounts.exists():
        return
    with purging(), transaction.atomic():
        vouchers = Voucher.objects.filter(entry__account__in=accounts)
        for v in vouchers:
            v.file.delete(save=False)
        vouchers.delete()
        Notice.objects.filter(account__in=accounts).delete()
        entries = Entry.objects.filter(account__in=accounts)
        entries.filter(reverses__isnull=False).delete()
        entries.delete()
        accounts.delete()
