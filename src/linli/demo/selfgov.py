"""Demo data for owners' self-governance in 兴东社区, built through the services.

Every compound gets its owners from the ledger and an owners' committee elected by an
item-(三) vote about 13 months ago. The resident login's compound also has: an ordinary item
that passes (使用维修资金), a major item (筹集维修资金) that a simple majority but not three
quarters approved, an item that failed the quorum, and a vote open now (the resident login,
an owner there, has not voted yet). Paper ballots are entered in stacks by the community
worker; times are backdated from ``now``. The same seed gives the same data.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from linli.accounts.models import Profile
from linli.core.roles import Role
from linli.ledger.models import Compound, Region
from linli.selfgov import services
from linli.selfgov.models import (
    Ballot,
    BallotEvent,
    Committee,
    CommitteeMember,
    CompoundSettings,
    Nomination,
    Owner,
    OwnerKind,
    Ownership,
    Proposal,
    RollOwner,
    RollUnit,
    Vote,
)
from linli.selfgov.selectors import owners_of_user

FOUR = {
    "director": (
        "曾任单位后勤科长，熟悉维修和账目",
        "在小区住了二十多年，邻里有事常找他商量",
        "多次自己垫钱修楼道灯，从不计较",
        "每周都在小区巡查，主动收集大家的意见",
    ),
    "deputy": (
        "退休会计，能管好公共收益的账",
        "为人正派，楼里老人都信得过",
        "坚持公开每一笔开支",
        "疫情期间带头做志愿者",
    ),
    "member": (
        "年轻人，会用电脑和手机整理资料",
        "热心帮邻居办事，口碑好",
        "不为自己谋利，办事公道",
        "愿意利用业余时间参与小区事务",
    ),
}
POSTS = ("director", "deputy", "member", "member", "member")
STORIES = (
    # title, item, body, days (announced, opens, closes) before now, share voting, share yes
    (
        "使用维修资金更换1栋、2栋屋面防水层",
        5,
        "1栋、2栋顶层漏水，拟使用专项维修资金约8.6万元更换屋面防水层，施工单位公开比选。",
        (120, 105, 98),
        0.82,
        0.74,
    ),
    (
        "筹集维修资金（每平方米10元）",
        6,
        "小区维修资金账户余额不足，拟按专有部分面积每平方米10元筹集，用于外墙和管网维修。",
        (75, 60, 53),
        0.80,
        0.62,
    ),
    (
        "修改管理规约：电动车统一到充电棚停放充电",
        2,
        "为消除飞线充电隐患，拟在管理规约中增加电动车统一停放充电的条款。",
        (45, 30, 23),
        0.52,
        0.85,
    ),
)
OPEN_STORY = (
    "利用架空层开办便民理发和修补服务点",
    8,
    "拟将3栋架空层交由便民服务点经营，租金收入作为公共收益归全体业主所有。",
    (20, 5, -10),
    0.45,
    0.8,
)


def _worker(community: Region):
    profile = (
        Profile.objects.filter(role=Role.COMMUNITY_WORKER, region=community)
        .select_related("user")
        .order_by("id")
        .first()
    )
    return profile.user if profile else None


def _run_vote(*, actor, compound, title, item, body, days, voting, yes, rng, now, noms=()):
    announced, opens, closes = (now - dt.timedelta(days=d) for d in days)
    proposal = services.proposal_create(
        actor=actor,
        compound=compound,
        item=item,
        title=title,
        body=body,
        nominations=list(noms),
        when=announced - dt.timedelta(days=3),
    )
    services.proposal_publish(actor=actor, proposal=proposal, when=announced)
    vote = services.vote_announce(
        actor=actor,
        proposal=proposal,
        opens_at=opens + dt.timedelta(hours=8),
        closes_at=closes + dt.timedelta(hours=18),
        when=announced + dt.timedelta(hours=8),
    )
    roll = list(Owner.objects.filter(rolls__vote=vote).order_by("id"))
    keep_out = set()
    resident = get_user_model().objects.filter(username="resident").first()
    if resident is not None:  # the demo owner votes himself (if the vote is still open)
        keep_out = set(owners_of_user(resident, compound).values_list("pk", flat=True))
    entries = []
    for owner in roll:
        if owner.pk in keep_out or rng.random() >= voting:
            continue
        r = rng.random()
        choice = "yes" if r < yes else ("no" if r < yes + (1 - yes) * 0.8 else "abstain")
        entries.append((owner, choice))
    services.ballots_enter_batch(
        actor=actor, vote=vote, entries=entries, when=opens + dt.timedelta(days=2, hours=10)
    )
    if closes > now:
        return vote
    vote = services.vote_close(actor=actor, vote=vote, when=closes + dt.timedelta(hours=19))
    services.vote_publish(actor=actor, vote=vote, when=closes + dt.timedelta(days=1, hours=10))
    return vote


@transaction.atomic
def build_demo(*, community, seed: int, now) -> list[str]:
    """Build this app's demo rows for ``community``; return the summary lines to print."""
    rng = random.Random(f"{seed}:selfgov")
    worker = _worker(community)
    compounds = list(Compound.objects.filter(community=community).order_by("id"))
    if worker is None or not compounds:
        return []
    resident = get_user_model().objects.filter(username="resident").first()
    home = None
    household = resident.profile.household if resident is not None else None
    if household is not None:
        home = household.unit.building.compound
    votes = []
    for compound in compounds:
        services.owners_sync(actor=worker, compound=compound)
        people = list(
            Owner.objects.filter(compound=compound, kind=OwnerKind.PERSON, active=True).order_by(
                "id"
            )
        )
        if len(people) < 10:
            continue
        noms = []
        for owner, post in zip(rng.sample(people, len(POSTS)), POSTS, strict=True):
            ability, prestige, public_spirit, enthusiasm = FOUR[post]
            noms.append(
                services.nomination_create(
                    actor=worker,
                    compound=compound,
                    nominee=owner,
                    post=post,
                    ability=ability,
                    prestige=prestige,
                    public_spirit=public_spirit,
                    enthusiasm=enthusiasm,
                    nominated_by=rng.choice(("业主联名推荐", "楼栋长推荐", "社区党组织推荐")),
                    when=now - dt.timedelta(days=430),
                )
            )
        votes.append(
            _run_vote(
                actor=worker,
                compound=compound,
                title=f"选举{compound.name}第一届业主委员会",
                item=3,
                body="候选人经业主推荐、社区党组织把关，按“有能力、有威望、有公心、有热情”产生，"
                "等额选举5名委员（主任1名、副主任1名、委员3名）。",
                days=(420, 405, 398),
                voting=0.84,
                yes=0.86,
                rng=rng,
                now=now,
                noms=noms,
            )
        )
    home = home or compounds[0]
    for title, item, body, days, voting, yes in (*STORIES, OPEN_STORY):
        votes.append(
            _run_vote(
                actor=worker,
                compound=home,
                title=title,
                item=item,
                body=body,
                days=days,
                voting=voting,
                yes=yes,
                rng=rng,
                now=now,
            )
        )
    closed = [v for v in votes if v.result]
    passed = sum(1 for v in closed if v.result["passed"])
    no_quorum = sum(1 for v in closed if not v.result["quorum"])
    no_major = sum(
        1 for v in closed if v.result["quorum"] and not v.result["major"] and v.is_major_item
    )
    committees = Committee.objects.filter(compound__community=community, ended_at=None).count()
    return [
        f"业主自治：业委会 {committees} 个，表决 {len(closed)} 项（通过 {passed}、"
        f"未达法定人数 {no_quorum}、未达四分之三 {no_major}），进行中 {len(votes) - len(closed)} 项"
        f"（{home.name}，居民账号 resident 可投票）"
    ]


def clear_demo(town) -> None:
    """Delete this app's rows below ``town`` (called before the ledger is rebuilt)."""
    if town is None:
        return
    compounds = Compound.objects.filter(community__path__startswith=town.path)
    votes = Vote.objects.filter(compound__in=compounds)
    BallotEvent.objects.filter(ballot__vote__in=votes).delete()
    Ballot.objects.filter(vote__in=votes).delete()
    RollOwner.objects.filter(vote__in=votes).delete()
    RollUnit.objects.filter(vote__in=votes).delete()
    CommitteeMember.objects.filter(committee__compound__in=compounds).delete()
    Committee.objects.filter(compound__in=compounds).delete()
    Nomination.objects.filter(compound__in=compounds).delete()
    votes.delete()
    Proposal.objects.filter(compound__in=compounds).delete()
    Ownership.objects.filter(owner__compound__in=compounds).delete()
    Owner.objects.filter(compound__in=compounds).delete()
    CompoundSettings.objects.filter(compound__in=compounds).delete()
