"""The care demo: 兴东社区's registry and two years of care visits, through the care services.

The article counts **2,100+** visits to empty-nest elderly and left-behind children. The demo
registers the ledger's tagged people household by household (the demo 邻长's own 邻 first),
each at a date in the first eighteen months, and lets their visitor call as the rules ask —
weekly, monthly or quarterly, within 24 hours of the declared cold waves, heat waves and
festivals — with the punctuality rising from about half to nearly all visits on time (the
2022 guidance's target is 100 % by the end of 2025). Households are added until the visits
reach the target, so the total is "about 2,100" whatever the ledger's seed gives.

Every row is written by ``linli.care.services`` (register, pair, declare, visit → case), none
inserted finished. ``build(*, community, today, rng, say) -> dict``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from linli.accounts.models import Profile
from linli.care import rules, selectors, services
from linli.care.models import Recipient
from linli.core.roles import Role
from linli.grid.models import GridLevel, Holding, Membership
from linli.ledger.models import Region, Resident
from linli.ledger.validation import age_on

TARGET_VISITS = 2100
CST = ZoneInfo("Asia/Shanghai")
HEALTH = ["身体尚好", "血压偏高，按时服药", "腿脚不便，需拄拐", "感冒初愈", "睡眠不好", "精神不错"]
LIVING = ["独自居住，屋内整洁", "饮食正常", "子女每周来电", "冬季取暖器使用安全", "家中无异常"]
NEEDS = ["卫生间扶手松动", "想申请助餐服务", "楼道灯不亮，夜间出入不便", "燃气灶老化"]
EVENTS = [  # (month, day, kind, title)
    (1, 8, "cold_wave", "寒潮蓝色预警"),
    (1, 28, "festival", "春节前走访慰问"),
    (7, 22, "heat", "高温橙色预警"),
    (6, 18, "rainstorm", "暴雨黄色预警"),
]


def _holder_users(community: Region) -> dict[int, int]:
    """The 邻长's account of every 邻 (an account without a password is made for a holder who
    has none: the demo's visits are theirs)."""
    users = {}
    user_model = get_user_model()
    holdings = Holding.objects.filter(
        end__isnull=True,
        post__grid__community=community,
        post__grid__level=GridLevel.NEIGHBOUR,
        post__grid__dissolved_at__isnull=True,
    ).select_related("post__grid", "resident")
    for h in holdings:
        if h.user_id is None:
            user, created = user_model.objects.get_or_create(username=f"lz-{h.post.grid.code}")
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            Profile.objects.update_or_create(
                user=user,
                defaults={
                    "role": Role.NEIGHBOUR_LEADER,
                    "region": community,
                    "grid": h.post.grid,
                    "display_name": h.resident.name,
                },
            )
            Holding.objects.filter(pk=h.pk).update(user=user)
            h.user_id = user.pk
        users[h.post.grid_id] = h.user_id
    return users


def _categories(r: Resident, today: dt.date, rng: random.Random) -> tuple[list[str], bool]:
    cats = services.tag_categories(r)
    age = age_on(r.birth_date, today) if r.birth_date else None
    old = age is not None and age >= 60
    if r.is_disabled and old and rng.random() < 0.5:
        cats.append("disabled")
    if r.is_low_income and r.lives_alone and rng.random() < 0.5:
        cats.append("extreme_poverty")
    if r.is_left_behind_child and rng.random() < 0.2:
        cats.append("child_in_difficulty")
    illness = old and rng.random() < 0.04
    return cats, illness


def _candidates(community: Region) -> dict[int, list[Resident]]:
    """Households with someone the registry is for: elderly living alone or empty-nest,
    left-behind children (the article's 空巢、独居、留守)."""
    people = Resident.objects.filter(
        Q(is_empty_nest=True) | Q(lives_alone=True) | Q(is_left_behind_child=True),
        household__unit__building__compound__community=community,
        care__isnull=True,
    )
    by_household: dict[int, list[Resident]] = defaultdict(list)
    for r in people.order_by("household_id", "id"):
        by_household[r.household_id].append(r)
    return by_household


def _demo_cell_elders(cell_id, households, today: dt.date) -> list[Resident]:
    """The demo 邻长's 邻 always has people to visit: its three oldest residents (60+) not
    already tagged are registered as left-behind elderly (留守老人, a category the ledger has
    no tag for)."""
    if cell_id is None:
        return []
    taken = {r.pk for people in households.values() for r in people}
    elders = Resident.objects.filter(
        household__grid_memberships__neighbour_id=cell_id,
        household__grid_memberships__end__isnull=True,
        birth_date__lte=today - relativedelta(years=60),
        care__isnull=True,
    ).order_by("birth_date", "id")
    return [r for r in elders if r.pk not in taken][:3]


def _declare_events(community: Region, start: dt.date, today: dt.date, worker) -> list:
    declared = []
    for year in range(start.year, today.year + 1):
        for month, day, kind, title in EVENTS:
            at = dt.datetime(year, month, day, 9, 0, tzinfo=CST)
            if start <= at.date() <= today - dt.timedelta(days=1):
                services.event_declare(
                    actor=worker,
                    region=community,
                    kind=kind,
                    title=f"{year}年{title}",
                    declared_at=at,
                )
                declared.append(at)
    return declared


def _schedule(
    *, tier: str, registered_on: dt.date, today: dt.date, start: dt.date, events, rng
) -> list[dt.date]:
    """The visit days of one household: each inside its window when on time (more often as
    the two years go on), some days late otherwise."""
    days: list[dt.date] = []
    last = None
    span = (today - start).days or 1
    while True:
        window = rules.due_window(
            tier=tier,
            last_visit=last,
            registered_on=registered_on,
            as_of=today,
            interval=selectors.interval(tier),
            lead=selectors.lead(tier),
            events=[e for e in events if last is None or e.date() > last],
        )
        on_time = 0.5 + 0.47 * min(1.0, (window.latest - start).days / span)
        if rng.random() < on_time:
            offset = rng.randint(0, max(0, (window.latest - window.earliest).days))
            day = window.earliest + dt.timedelta(days=offset)
        else:
            day = window.latest + dt.timedelta(days=rng.randint(1, 12))
        if day >= today:
            return days
        if last is not None and day <= last:
            day = last + dt.timedelta(days=1)
        days.append(day)
        last = day


@transaction.atomic
def build(
    *, community: Region, today: dt.date, rng: random.Random, say: Callable[[str], None]
) -> dict:
    start = today - relativedelta(years=2)
    worker = (
        get_user_model()
        .objects.filter(profile__role=Role.COMMUNITY_WORKER, profile__region=community)
        .order_by("id")
        .first()
    )
    holders = _holder_users(community)
    neighbour_of = dict(
        Membership.objects.filter(end__isnull=True, neighbour__community=community).values_list(
            "household_id", "neighbour_id"
        )
    )
    events = _declare_events(community, start, today, worker)
    demo_leader = get_user_model().objects.filter(username="linzhang").first()
    first_cell = demo_leader.profile.grid_id if demo_leader and demo_leader.profile else None
    households = _candidates(community)
    left_behind = _demo_cell_elders(first_cell, households, today)
    for r in left_behind:
        households[r.household_id].append(r)
    order = sorted(households)
    rng.shuffle(order)
    order.sort(key=lambda h: neighbour_of.get(h) != first_cell)  # the demo 邻长's 邻 first
    partners = _partners(community, rng)
    visits = registered = cases = 0
    case_from = today - dt.timedelta(days=30)
    for n, household_id in enumerate(order):
        if visits >= TARGET_VISITS:
            break
        neighbour_id = neighbour_of.get(household_id)
        visitor_id = holders.get(neighbour_id) if neighbour_id is not None else None
        if visitor_id is None:
            continue
        on = start + dt.timedelta(days=rng.randint(0, 540))
        people = []
        for r in households[household_id]:
            cats, illness = _categories(r, on, rng)
            if r in left_behind:
                cats = ["left_behind_elder", *cats]
            people.append(
                services.recipient_register(
                    actor=worker,
                    resident=r,
                    categories=cats,
                    serious_illness=illness,
                    registered_on=on,
                )
            )
        registered += len(people)
        visitor = get_user_model().objects.get(pk=visitor_id)
        if partners and n % 11 == 5:
            visitor = partners[n % len(partners)]
            for p in people:
                services.recipient_pair(
                    actor=worker, recipient=p, partner=visitor, kind="party_member"
                )
        tier = min((p.tier for p in people), key=rules.TIERS.index)
        days = _schedule(
            tier=tier, registered_on=on, today=today, start=start, events=events, rng=rng
        )
        if n == 0 and neighbour_of.get(household_id) == first_cell:
            days = days[:-1]  # the demo 邻长 has one visit to make: it shows first on his phone
        for day in days:
            need = day >= case_from and rng.random() < 0.08
            services.care_visit_record(
                actor=visitor,
                recipients=people,
                visited_on=day,
                mode=rng.choices(["home", "phone", "video"], weights=[70, 25, 5])[0],
                health=rng.choice(HEALTH),
                living=rng.choice(LIVING),
                needs=rng.choice(NEEDS) if need else "",
                case_category="facility_safety" if need else None,
                today=today,
                now=dt.datetime.combine(day, dt.time(10, 0), tzinfo=CST),
            )
            visits += 1
            cases += need
    figures = selectors.summarise(
        selectors.status_rows(
            Recipient.objects.filter(
                resident__household__unit__building__compound__community=community
            ),
            as_of=today,
        )
    )
    out = {
        "registered": figures["registered"],
        "visits": visits,
        "cases": cases,
        "events": len(events),
        "overdue": figures["overdue"],
        "due": figures["due"],
        "monthly_visit_rate": figures["monthly_visit_rate"],
        "high": figures["by_tier"]["high"]["registered"],
        "key": figures["by_tier"]["key"]["registered"],
        "general": figures["by_tier"]["general"]["registered"],
    }
    say(
        f"关爱探访：名册 {out['registered']} 人（高风险 {out['high']}、重点 {out['key']}、"
        f"一般 {out['general']}），两年探访 {visits} 次，关爱事件 {len(events)} 次，"
        f"需求转诉求 {cases} 件；今天应探访 {out['due']} 人、逾期 {out['overdue']} 人，"
        f"本月探访率 {out['monthly_visit_rate']}"
    )
    return out


def _partners(community: Region, rng: random.Random) -> list:
    """A few party members paired with people (结对): resident accounts without a password."""
    members = list(
        Resident.objects.filter(
            household__unit__building__compound__community=community, is_party_member=True
        ).order_by("id")[:40]
    )
    rng.shuffle(members)
    users = []
    user_model = get_user_model()
    for i, member in enumerate(members[:4], start=1):
        user, created = user_model.objects.get_or_create(username=f"jiedui-{i}")
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        Profile.objects.update_or_create(
            user=user,
            defaults={
                "role": Role.RESIDENT,
                "region": community,
                "household": member.household,
                "display_name": member.name,
            },
        )
        users.append(user)
    return users


@transaction.atomic
def clear(*, town: Region | None) -> None:
    """Remove the care rows below ``town`` before the demo is rebuilt (registry entries protect
    their residents, events their regions). Call before the ledger's and the grid's clear."""
    if town is None:
        return
    from linli.care.models import Event, Reminder
    from linli.grid.models import Visit

    communities = Region.objects.filter(path__startswith=town.path)
    recipients = Recipient.objects.filter(
        resident__household__unit__building__compound__community__in=communities
    )
    Visit.care_recipients.through.objects.filter(recipient__in=recipients).delete()
    recipients.delete()
    Event.objects.filter(region__path__startswith=town.path).delete()
    Reminder.objects.filter(user__profile__region__in=communities).delete()
