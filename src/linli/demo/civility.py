"""The civility demo: a year of 兴东社区's awards — 最美家庭 (with a residents' vote), 文明户,
社区好人 and 星级楼栋 — through ``linli.civility.services``.

Each 邻长 nominates households of their 邻; the 组长 whose cells hold a nominee scores it on the
kind's checklist (the 组长 of a building's first household scores the building); about a hundred
and fifty households vote for 最美家庭; the worker puts those that pass on the 7-day 公示, two
objections are raised (one dismissed after checking, one upheld), and the rest are awarded —
crediting points to the households' registered volunteers. Nothing is inserted finished.
``build(*, community, today, rng, say) -> dict``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from linli.accounts.models import Profile
from linli.civility import selectors, services
from linli.civility.models import BUILDING_KINDS, Criterion, Kind, Nomination, Status, Vote
from linli.core.errors import DomainError
from linli.core.roles import Role
from linli.grid.models import GridLevel, Holding, Membership
from linli.ledger.models import Household, Region, Resident

from .volunteers import _organiser

CST = ZoneInfo("Asia/Shanghai")
REASONS = {
    Kind.BEAUTIFUL_FAMILY: [
        "三代同堂，孝老爱亲",
        "夫妻和睦，热心邻里事务",
        "家教严谨，子女品学兼优",
    ],
    Kind.CIVILISED_HOUSEHOLD: [
        "门前整洁，垃圾分类到位",
        "带头交物业费，从不乱停车",
        "电动车不进楼，劝导邻居",
    ],
    Kind.GOOD_PERSON: ["常年义务打扫楼道", "救助摔倒老人并送医", "义务为邻居修理水电"],
    Kind.STAR_BUILDING: ["楼道整洁，无飞线充电", "邻里互助，楼栋长带头", "无乱搭乱建，环境优美"],
}
# (kind, days after the year's start the nominations close, vote days or 0, nominees per 邻 %)
# (kind, days after the start when nominations close, vote days, share of a 邻's households
# put forward (%), how many the community honours — the best-scored, most-voted first)
PLAN = [
    (Kind.BEAUTIFUL_FAMILY, 40, 7, 12, 20),
    (Kind.CIVILISED_HOUSEHOLD, 120, 0, 30, 150),
    (Kind.STAR_BUILDING, 200, 0, 0, 40),
    (Kind.GOOD_PERSON, 280, 0, 5, 12),
]


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=CST)


def _leader_users(community: Region, level: GridLevel, prefix: str) -> dict[int, object]:
    """The current holder's account of every cell of ``level`` (made, without a password, for
    a holder who has none — as the care demo does for the 邻长)."""
    users: dict[int, object] = {}
    role = {GridLevel.NEIGHBOUR: Role.NEIGHBOUR_LEADER, GridLevel.GROUP: Role.GROUP_LEADER}[level]
    user_model = get_user_model()
    for h in Holding.objects.filter(
        end__isnull=True,
        post__grid__community=community,
        post__grid__level=level,
        post__grid__dissolved_at__isnull=True,
    ).select_related("post__grid", "resident", "user"):
        user = h.user
        if user is None:
            user, created = user_model.objects.get_or_create(
                username=f"{prefix}-{h.post.grid.code}"
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            Profile.objects.update_or_create(
                user=user,
                defaults={
                    "role": role,
                    "region": community,
                    "grid": h.post.grid,
                    "display_name": h.resident.name,
                },
            )
            Holding.objects.filter(pk=h.pk).update(user=user)
        users[h.post.grid_id] = user
    return users


def _voters(community: Region, rng, count: int) -> list:
    """Resident accounts (no password) for ``count`` households that take part in the vote."""
    user_model = get_user_model()
    ids = list(
        Household.objects.filter(
            unit__building__compound__community=community, residents__isnull=False
        )
        .distinct()
        .values_list("pk", flat=True)
    )
    voters = []
    for pk in rng.sample(ids, min(count, len(ids))):
        user, created = user_model.objects.get_or_create(username=f"jm-demo-{pk}")
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        Profile.objects.update_or_create(
            user=user,
            defaults={
                "role": Role.RESIDENT,
                "region": community,
                "household_id": pk,
                "display_name": "居民",
            },
        )
        voters.append(user)
    return voters


def _scorer_for(nomination: Nomination, group_users: dict[int, object], cell_group: dict[int, int]):
    households: list[int]
    if nomination.household_id:
        households = [nomination.household_id]
    elif nomination.building_id is not None:
        households = list(
            Household.objects.filter(unit__building_id=nomination.building_id).values_list(
                "pk", flat=True
            )
        )
    else:
        raise RuntimeError(f"nomination {nomination.pk} names neither household nor building")
    cells = dict(
        Membership.objects.filter(household_id__in=households, end__isnull=True).values_list(
            "household_id", "neighbour_id"
        )
    )
    for h in households:
        cell = cells.get(h)
        group = cell_group.get(cell) if cell is not None else None
        if group in group_users:
            return group_users[group]
    return None


@transaction.atomic
def build(
    *, community: Region, today: dt.date, rng, say: Callable[[str], None], voters: int = 150
) -> dict:
    worker = _organiser(community)
    neighbour_users = _leader_users(community, GridLevel.NEIGHBOUR, "lz")
    group_users = _leader_users(community, GridLevel.GROUP, "zz")
    from linli.grid.models import Grid

    cell_group = dict(
        Grid.objects.filter(community=community, level=GridLevel.NEIGHBOUR).values_list(
            "pk", "parent_id"
        )
    )
    start = today - dt.timedelta(days=360)
    ballot_voters = _voters(community, rng, voters)
    objections = 0
    for kind, close_after, vote_days, share, places in PLAN:
        close = start + dt.timedelta(days=close_after)
        vote_from = close + dt.timedelta(days=1) if vote_days else None
        vote_until = close + dt.timedelta(days=vote_days) if vote_days else None
        campaign = services.campaign_create(
            actor=worker,
            community=community,
            kind=kind,
            year=close.year,
            nominate_until=close,
            vote_from=vote_from,
            vote_until=vote_until,
        )
        nominations = [
            n
            for cell_id, leader in neighbour_users.items()
            for n in _nominate(
                leader=leader,
                campaign=campaign,
                cell_id=cell_id,
                share=share,
                when=_at(close - dt.timedelta(days=10)),
                rng=rng,
            )
        ]
        _score(
            nominations,
            kind=kind,
            group_users=group_users,
            cell_group=cell_group,
            close=close,
            rng=rng,
        )
        if vote_from is not None:  # set exactly when the plan has vote days
            _vote(
                nominations, voters=ballot_voters, vote_from=vote_from, vote_days=vote_days, rng=rng
            )
        publicity_day = (vote_until or close) + dt.timedelta(days=2)
        shown = _publicise(nominations, worker=worker, places=places, when=_at(publicity_day))
        if len(shown) >= 3 and objections < 2:
            objections = _objections(
                shown,
                worker=worker,
                voters=ballot_voters,
                done=objections,
                publicity_day=publicity_day,
            )
        award_day = services.publicity_until(publicity_day) + dt.timedelta(days=1)
        for n in shown:
            n.refresh_from_db()
            if n.status == Status.PUBLICISED:
                services.award_grant(actor=worker, nomination=n, when=_at(award_day))
    figures = selectors.figures(community=community, start=start, end=today)
    labels = dict(Kind.choices)
    kinds = "、".join(f"{labels[k]} {v}" for k, v in sorted(figures["by_kind"].items()))
    say(
        f"文明评选：{figures['campaigns']} 次评选，提名 {figures['nominations']} 个，"
        f"居民投票 {figures['votes']} 户，公示异议 {figures['objections']} 件，"
        f"授予 {figures['awards']} 项（{kinds}）"
    )
    return figures


def _nominate(*, leader, campaign, cell_id: int, share: int, when: dt.datetime, rng) -> list:
    """One 邻长's nominations: a building of one of the 邻's households (building kinds), or up
    to two of its households, about ``share`` % of them."""
    from linli.ledger.models import Building

    kind = campaign.kind
    members = list(
        Membership.objects.filter(neighbour_id=cell_id, end__isnull=True).values_list(
            "household_id", flat=True
        )
    )
    if not members:
        return []
    if kind in BUILDING_KINDS:
        picks = list(
            Household.objects.filter(pk=rng.choice(members)).values_list(
                "unit__building", flat=True
            )
        )
    else:
        picks = [m for m in members if rng.randrange(100) < share][:2]
    out = []
    for pick in picks:
        name = ""
        if kind == Kind.GOOD_PERSON:
            person = Resident.objects.filter(household_id=pick).order_by("pk").first()
            if person is None:
                continue
            name = person.name
        building = kind in BUILDING_KINDS
        try:
            out.append(
                services.nomination_create(
                    actor=leader,
                    campaign=campaign,
                    reason=rng.choice(REASONS[kind]),
                    nominee_name=name,
                    when=when,
                    household=None if building else Household.objects.get(pk=pick),
                    building=Building.objects.select_related("compound").get(pk=pick)
                    if building
                    else None,
                )
            )
        except DomainError:
            continue  # a building two 邻长 both put forward: the first one stands
    return out


def _score(nominations: list, *, kind, group_users, cell_group, close: dt.date, rng) -> None:
    """The responsible 组长 scores each nomination on the kind's checklist."""
    lines = list(Criterion.objects.filter(kind=kind, active=True))
    for n in nominations:
        scorer = _scorer_for(n, group_users, cell_group)
        if scorer is None:
            continue
        low = rng.choice((0.5, 0.6, 0.7, 0.8))
        points = {c.pk: round(c.max_points * rng.uniform(low, 1.0)) for c in lines}
        services.nomination_score(actor=scorer, nomination=n, points=points, when=_at(close))
    for n in nominations:
        n.refresh_from_db()  # scoring locked and saved its own copy


def _vote(nominations: list, *, voters: list, vote_from: dt.date, vote_days: int, rng) -> None:
    """Each voter casts one vote, a few nominations drawing most (a Pareto draw)."""
    ballot = [n for n in nominations if n.status == Status.SCORED]
    for voter in voters if ballot else []:
        choice = ballot[min(int(rng.paretovariate(1.2)) - 1, len(ballot) - 1)]
        services.vote_cast(
            actor=voter,
            nomination=choice,
            when=_at(vote_from + dt.timedelta(days=rng.randrange(vote_days))),
        )


def _publicise(nominations: list, *, worker, places: int, when: dt.datetime) -> list:
    """The most-voted, best-scored eligible nominations go on 公示, up to ``places``; the rest
    are declined. Returns those shown."""
    votes = Counter(
        Vote.objects.filter(nomination__in=nominations).values_list("nomination_id", flat=True)
    )
    ranked = sorted(
        (n for n in nominations if n.status == Status.SCORED and services.eligible(n)),
        key=lambda n: (votes[n.pk], n.total or 0, -n.pk),
        reverse=True,
    )
    shown = [
        services.publicity_start(actor=worker, nomination=n, when=when) for n in ranked[:places]
    ]
    for n in ranked[places:]:
        services.nomination_reject(
            actor=worker, nomination=n, note="名额有限，本次未入选", when=when
        )
    return shown


def _objections(shown: list, *, worker, voters: list, done: int, publicity_day: dt.date) -> int:
    """Two objections on the 公示: against the first shown (dismissed after checking) and the
    second (upheld). Returns the objections raised so far."""
    for upheld, n in ((False, shown[0]), (True, shown[1])):
        objector = voters[done] if voters else worker
        o = services.objection_raise(
            actor=objector,
            nomination=n,
            reason="邻居反映情况与推荐事迹不符，请核实" if upheld else "该户曾在楼道堆放杂物",
            when=_at(publicity_day + dt.timedelta(days=2)),
        )
        services.objection_decide(
            actor=worker,
            objection=o,
            upheld=upheld,
            note="经入户核实，异议属实" if upheld else "经核实已整改，异议不成立",
            when=_at(publicity_day + dt.timedelta(days=4)),
        )
        done += 1
    return done


def clear(*, town: Region | None) -> None:
    """Remove the civility rows below ``town`` (honours, votes and nominations protect
    households and buildings). Call before the volunteers', the ledger's and the grid's clear."""
    if town is None:
        return
    from linli.civility import models as c

    campaigns = c.Campaign.objects.filter(community__path__startswith=town.path)
    c.Honour.objects.filter(nomination__campaign__in=campaigns).delete()
    c.Vote.objects.filter(campaign__in=campaigns).delete()
    c.Objection.objects.filter(nomination__campaign__in=campaigns).delete()
    c.Score.objects.filter(nomination__campaign__in=campaigns).delete()
    c.Nomination.objects.filter(campaign__in=campaigns).delete()
    campaigns.delete()
