"""兴东社区's volunteers (志愿服务) for the demo: four teams, a few hundred volunteers from the
ledger's residents (party members first) and the co-building units, and two years of
recurring activities whose approved person-times reach the article's **18,600**.

Simulated through the services, not inserted as finished rows: each activity is created from
its RFC 5545 rule (``activity_create``), each past shift's roll is ticked in one batch
(``roll_record_batch`` — most for the whole shift, some arriving late or leaving early) and
approved in one batch (``record_approve_batch``, which also writes the points); the last week
stays waiting for approval. Then awards, trainings, the 积分超市 and a few redemptions, one
certificate. About 650 shifts: the whole costs a few seconds per thousand person-times.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from linli.accounts.models import Profile
from linli.core.roles import Role
from linli.ledger.models import Region, Resident
from linli.party.models import CoBuildingUnit
from linli.volunteers import selectors, services
from linli.volunteers.models import Activity, RecordStatus, ServiceRecord, Volunteer
from linli.volunteers.services import RollEntry

TARGET_PERSON_TIMES = 18_600

TEAMS = [
    ("党员先锋队", "party_vanguard", "周建华"),
    ("巾帼志愿服务队", "women", "李秀英"),
    ("青年志愿服务队", "youth", "陈晓东"),
    ("银龄志愿服务队", "silver", "王德明"),
]

# (title, kind, team, place, weekly rule, start hour, minutes, places)
ACTIVITIES = [
    (
        "环境清洁日",
        "cleaning",
        "巾帼志愿服务队",
        "各小区公共区域",
        "FREQ=WEEKLY;BYDAY=SA",
        8,
        150,
        60,
    ),
    (
        "夜间安全巡逻",
        "patrol",
        "党员先锋队",
        "兴东社区各小区",
        "FREQ=WEEKLY;BYDAY=MO,WE,FR",
        19,
        120,
        20,
    ),
    (
        "文明劝导（飞线充电、乱停乱放）",
        "civility",
        "青年志愿服务队",
        "小区出入口",
        "FREQ=WEEKLY;BYDAY=SU",
        9,
        120,
        40,
    ),
    (
        "政策宣讲进小区",
        "policy_talk",
        "党员先锋队",
        "社区党群服务中心",
        "FREQ=MONTHLY;BYDAY=2SA",
        15,
        120,
        50,
    ),
    (
        "空巢老人关爱帮扶",
        "care",
        "银龄志愿服务队",
        "结对老人家中",
        "FREQ=WEEKLY;BYDAY=TH",
        9,
        120,
        25,
    ),
]

REWARDS = [("洗衣液", 50, 40), ("大米5公斤", 120, 30), ("毛巾", 20, 100), ("电饭煲", 600, 3)]


def _organiser(community: Region):
    """The community's worker who organises (谁组织谁记录): an existing one, or a demo one."""
    profile = (
        Profile.objects.filter(role=Role.COMMUNITY_WORKER, region=community)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if profile is not None:
        return profile.user
    user, _ = get_user_model().objects.get_or_create(username="xd_volunteer_org")
    Profile.objects.get_or_create(
        user=user,
        defaults={
            "role": Role.COMMUNITY_WORKER,
            "region": community,
            "display_name": "志愿服务专干",
        },
    )
    return user


def _register(*, worker, community, rng, teams, today, limit) -> list[Volunteer]:
    residents = list(
        Resident.objects.filter(
            household__unit__building__compound__community__path__startswith=community.path,
            volunteer__isnull=True,
        )
        .exclude(birth_date__isnull=False, birth_date__gt=today.replace(year=today.year - 16))
        .select_related("household__unit__building__compound__community")
        .order_by("-is_party_member", "pk")[: limit * 3]
    )
    party = [r for r in residents if r.is_party_member]
    others = [r for r in residents if not r.is_party_member]
    rng.shuffle(others)
    chosen = (party[: limit // 3] + others)[:limit]
    by_kind = {t.kind: t for t in teams}
    out = []
    for r in chosen:
        age = (today - r.birth_date).days // 365 if r.birth_date else 40
        mine = [by_kind["party_vanguard"]] if r.is_party_member else []
        if age >= 60:
            mine.append(by_kind["silver"])
        elif age <= 35:
            mine.append(by_kind["youth"])
        if r.sex == "F" and rng.random() < 0.6:
            mine.append(by_kind["women"])
        out.append(
            services.volunteer_register(
                actor=worker,
                community=community,
                resident=r,
                teams=mine,
                when=today - dt.timedelta(days=rng.randint(365, 800)),
            )
        )
    units = list(CoBuildingUnit.objects.filter(organisation__community=community)[:5])
    surnames, given = "刘陈李张王赵周吴", ["志明", "丽华", "建军", "海燕", "国强", "晓红"]
    for i, unit in enumerate(units):
        for j in range(4):
            out.append(
                services.volunteer_register(
                    actor=worker,
                    community=community,
                    unit=unit,
                    name=surnames[(i + j) % len(surnames)] + given[(i * 4 + j) % len(given)],
                    id_type="other",
                    is_party_member=j == 0,
                    teams=[by_kind["party_vanguard"]] if j == 0 else [],
                    when=today - dt.timedelta(days=700),
                )
            )
    return out


def build(*, community: Region, today: dt.date, rng, say: Callable[[str], None], **options) -> dict:
    """Build 兴东's volunteer service on an already built demo county (one transaction: a
    thousand small commits would cost more than the work); returns the figures.
    ``options``: ``target`` person-times, ``volunteers`` to register, ``days`` of history."""
    with transaction.atomic():
        return _build(community=community, today=today, rng=rng, say=say, **options)


def _build(
    *,
    community: Region,
    today: dt.date,
    rng,
    say: Callable[[str], None],
    target: int = TARGET_PERSON_TIMES,
    volunteers: int = 420,
    days: int = 730,
) -> dict:
    worker = _organiser(community)
    teams = [
        services.team_create(actor=worker, community=community, name=n, kind=k, leader_name=lead)
        for n, k, lead in TEAMS
    ]
    pool = _register(
        worker=worker, community=community, rng=rng, teams=teams, today=today, limit=volunteers
    )
    if not pool:
        say("志愿服务：社区没有可登记的居民，跳过")
        return {}
    first_day = today - dt.timedelta(days=days)
    activities = _activities(
        worker=worker, community=community, teams=teams, today=today, first_day=first_day
    )
    now = timezone.now()
    shifts = sorted(
        (s for a in activities for s in a.shifts.all() if s.end <= now),
        key=lambda s: s.start,
    )
    total = _serve(worker=worker, shifts=shifts, pool=pool, target=target, rng=rng, now=now)
    top, redeemed = _record_extras(
        worker=worker, community=community, pool=pool, today=today, first_day=first_day, rng=rng
    )
    certificate = _certificate(
        worker=worker, community=community, volunteer=top[0] if top else None, today=today
    )

    figures = selectors.stats(community=community, start=first_day, end=today)
    pending = ServiceRecord.objects.filter(
        volunteer__community=community, status=RecordStatus.PENDING
    ).count()
    n_activities = Activity.objects.filter(community=community).count()
    say(
        f"志愿服务：{len(teams)} 支队伍，{len(pool)} 名志愿者，{n_activities} 项活动 "
        f"{len(shifts)} 个班次；两年服务 {total} 人次，已确认 {figures['person_times']} 人次、"
        f"{figures['hours']} 小时（党员 {figures['party_member_person_times']} 人次），"
        f"{pending} 条待确认；积分兑换 {redeemed} 次"
        + (f"；证明 {certificate.number}" if certificate else "")
    )
    return {
        **figures,
        "teams": len(teams),
        "registered": len(pool),
        "shifts": len(shifts),
        "recorded_person_times": total,
        "pending": pending,
        "redemptions": redeemed,
        "certificate": certificate.number if certificate else None,
    }


def _activities(
    *, worker, community: Region, teams: list, today: dt.date, first_day: dt.date
) -> list:
    """The demo's recurring activities, each with its team, from ``first_day`` to today."""
    team_by_name = {t.name: t for t in teams}
    tz = timezone.get_current_timezone()
    until = f"{today:%Y%m%d}T235959"
    return [
        services.activity_create(
            actor=worker,
            community=community,
            title=title,
            kind=kind,
            place=place,
            team=team_by_name[team],
            rrule=f"{rule};UNTIL={until}",
            first_start=dt.datetime.combine(first_day, dt.time(hour), tzinfo=tz),
            duration=dt.timedelta(minutes=minutes),
            places=places,
            role="志愿者",
        )
        for title, kind, team, place, rule, hour, minutes, places in ACTIVITIES
    ]


def _serve(*, worker, shifts: list, pool: list, target: int, rng, now: dt.datetime) -> int:
    """Fill the past shifts' rolls towards ``target`` person-times; all but the last week's
    rolls are approved the next day. Returns the person-times recorded."""
    capacity = sum(min(s.places, len(pool)) for s in shifts)
    # 3 % above the target: the last week's rolls stay waiting for approval and do not count
    fill = min(Decimal(1), Decimal(target) / Decimal(max(capacity, 1)) * Decimal("1.03"))
    party = [v for v in pool if v.is_party_member]
    recent = now - dt.timedelta(days=7)
    total = 0
    for shift in shifts:
        cap = min(shift.places, len(pool))
        want = max(1, min(cap, round(cap * float(fill) * rng.uniform(0.94, 1.06))))
        people = _crew(shift=shift, pool=pool, party=party, want=want, rng=rng)
        records = services.roll_record_batch(
            actor=worker,
            shift=shift,
            entries=[_roll_entry(shift, v, rng) for v in people],
            when=shift.end + dt.timedelta(minutes=30),
        )
        if shift.start < recent:
            services.record_approve_batch(
                actor=worker, records=records, when=shift.end + dt.timedelta(days=1)
            )
        total += len(records)
    return total


def _crew(*, shift, pool: list, party: list, want: int, rng) -> list:
    """Who served one shift: two thirds party members on the 党员先锋队's shifts."""
    shift_team = shift.activity.team
    if shift_team is None:  # every demo activity belongs to a team
        raise RuntimeError(f"activity {shift.activity.pk} has no team")
    if shift_team.kind == "party_vanguard" and party:
        k = min(len(party), want * 2 // 3)
        people = rng.sample(party, k)
        rest = [v for v in pool if not v.is_party_member]
        return people + rng.sample(rest, min(len(rest), want - k))
    return rng.sample(pool, want)


def _roll_entry(shift, volunteer, rng) -> RollEntry:
    """One line of the roll: most served the whole shift, some came late or left early."""
    roll = rng.random()
    if roll < 0.12:  # came late
        return RollEntry(
            volunteer, check_in=shift.start + dt.timedelta(minutes=rng.randint(10, 40))
        )
    if roll < 0.2:  # left early
        return RollEntry(volunteer, check_out=shift.end - dt.timedelta(minutes=rng.randint(15, 45)))
    return RollEntry(volunteer)


def _record_extras(
    *, worker, community: Region, pool: list, today: dt.date, first_day: dt.date, rng
) -> tuple[list, int]:
    """The other parts of the record: awards (worth points) and evaluations for the ten with
    the most hours, trainings, the 积分超市 and a few redemptions. Returns the ten (volunteers,
    most hours first) and the number of redemptions."""
    approved = ServiceRecord.objects.filter(
        volunteer__in=pool, status=RecordStatus.APPROVED
    ).values("volunteer")
    by_id = {v.pk: v for v in pool}
    top = [
        by_id[vid]
        for vid in approved.annotate(m=Sum("minutes"))
        .order_by("-m")
        .values_list("volunteer", flat=True)[:10]
    ]
    for i, volunteer in enumerate(top):
        services.award_grant(
            actor=worker,
            volunteer=volunteer,
            title="优秀志愿者" if i < 5 else "最美志愿者",
            date=today.replace(month=1, day=10),
            issuer=f"{community.name}党总支",
            points=200,
        )
        services.evaluation_record(
            actor=worker,
            volunteer=volunteer,
            year=today.year - 1,
            rating="excellent",
            comment="服务时间长，群众评价好",
        )
    for v in rng.sample(pool, min(60, len(pool))):
        services.training_add(
            actor=worker,
            volunteer=v,
            title="志愿服务通用知识与安全培训",
            date=first_day + dt.timedelta(days=30),
            hours=Decimal("2"),
            provider="衡东县志愿者协会",
        )
    items = [
        services.reward_item_create(actor=worker, community=community, name=n, points=p, stock=s)
        for n, p, s in REWARDS
    ]
    redeemed = 0
    for volunteer in top[:8]:
        try:
            services.points_redeem(actor=worker, volunteer=volunteer, item=items[1])
            redeemed += 1
        except Exception:
            pass
    return top, redeemed


def _certificate(*, worker, community: Region, volunteer, today: dt.date):
    """Last year's service certificate for ``volunteer`` (none without service last year)."""
    if volunteer is None:
        return None
    last_year = today.year - 1
    start, end = dt.date(last_year, 1, 1), dt.date(last_year, 12, 31)
    if not selectors.stats(community=community, start=start, end=end)["person_times"]:
        return None
    return services.certificate_issue(
        actor=worker,
        volunteer=volunteer,
        period_start=start,
        period_end=end,
        person_in_charge="周书记",
        handler="志愿服务专干",
        contact="0734-5221234",
    )


def clear(*, town: Region | None) -> None:
    """Remove the volunteer rows below ``town`` before the demo is rebuilt (volunteers protect
    their residents). The points ledger refuses deletes through its own queryset, so the demo's
    reset goes around it, as a database console would."""
    if town is None:
        return
    from django.db.models import QuerySet

    from linli.volunteers import models as v

    communities = Region.objects.filter(path__startswith=town.path)
    people = v.Volunteer.objects.filter(community__in=communities)
    QuerySet(model=v.PointEntry).filter(volunteer__in=people).delete()
    v.Certificate.objects.filter(community__in=communities).delete()
    v.CertificateSequence.objects.filter(community__in=communities).delete()
    v.RewardItem.objects.filter(community__in=communities).delete()
    v.Correction.objects.filter(record__volunteer__in=people).delete()
    for model in (v.Training, v.Award, v.Evaluation):
        model.objects.filter(volunteer__in=people).delete()
    v.ServiceRecord.history.filter(volunteer__in=people).delete()
    v.ServiceRecord.objects.filter(volunteer__in=people).delete()
    v.SignUp.objects.filter(volunteer__in=people).update(substitute_for=None)
    v.SignUp.objects.filter(volunteer__in=people).delete()
    v.Shift.objects.filter(activity__community__in=communities).delete()
    v.Activity.objects.filter(community__in=communities).delete()
    people.delete()
    v.Team.objects.filter(community__in=communities).delete()
