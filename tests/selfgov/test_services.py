"""Owners from the ledger, proposals, votes and ballots through the services."""

import datetime as dt
from decimal import Decimal

import pytest

from linli.core import crypto
from linli.core.errors import DomainError
from linli.selfgov import services
from linli.selfgov.models import (
    Ballot,
    BallotEvent,
    Owner,
    OwnerKind,
    Ownership,
    RollOwner,
    RollUnit,
    Vote,
)

from .conftest import AFTER, OPEN, T0

pytestmark = pytest.mark.django_db


def test_owners_derived_from_the_ledger(world):
    shares = {
        (s.household.room, s.position): s.owner
        for s in Ownership.objects.filter(owner__compound=world["compound"]).select_related(
            "owner", "household"
        )
    }
    assert shares[("101", 0)].name == "刘建国" and shares[("101", 1)].name == "陈秀英"
    assert shares[("101", 0)].key == "idh:" + crypto.id_number_hash("430424195606055010")[:32]
    assert shares[("101", 1)].key.startswith("resident:")  # no ID number in the ledger
    assert shares[("201", 0)] == shares[("202", 0)]  # 赵志强 owns two units
    assert shares[("301", 0)] == shares[("302", 0)]
    assert shares[("301", 0)].kind == OwnerKind.DEVELOPER
    assert shares[("303", 0)].kind == OwnerKind.UNIDENTIFIED


def test_sync_is_idempotent_and_follows_ledger_changes(world):
    services.owners_sync(compound=world["compound"])  # 202's placeholder owner retires
    assert services.owners_sync(compound=world["compound"]) == {
        "owners_created": 0,
        "owners_updated": 0,
        "shares_created": 0,
        "shares_removed": 0,
    }
    # 王桂兰 sells 102 to a new owner; the ledger says so
    from linli.ledger import services as ledger

    r = world["residents"]["wang"]
    r.is_owner = False
    r.save()
    ledger.resident_save(household=world["households"]["102"], name="新业主", is_owner=True)
    counts = services.owners_sync(compound=world["compound"])
    assert counts["shares_created"] == 1 and counts["shares_removed"] == 1
    assert not Owner.objects.get(pk=world["owners"]["王桂兰"].pk).active
    # the hand-recorded second unit of 赵志强 survives the sync
    assert (
        Ownership.objects.filter(household=world["households"]["202"]).get().owner.name == "赵志强"
    )


def test_frozen_roll(world, announce):
    vote = announce()
    units = {u.label: u for u in RollUnit.objects.filter(vote=vote)}
    assert len(units) == 7
    assert units["1栋-1单元-101"].owner_ids == [
        world["owners"]["刘建国"].pk,
        world["owners"]["陈秀英"].pk,
    ]
    assert units["1栋-1单元-303"].owner_ids == []  # counts, cannot vote
    assert sum(u.area for u in units.values()) == Decimal("590.00")
    names = set(RollOwner.objects.filter(vote=vote).values_list("name", flat=True))
    assert names == {"刘建国", "陈秀英", "王桂兰", "赵志强", "建设单位（开发商）"}
    # a later ledger change does not touch the roll
    h = world["households"]["101"]
    h.area = Decimal("999.00")
    h.save()
    assert RollUnit.objects.get(vote=vote, label="1栋-1单元-101").area == Decimal("80.00")
    t = services.vote_tally(vote)
    # heads: 101, 102, 赵志强 (201+202), the developer (301+302), 303 → 5
    assert (t.total_area, t.total_heads) == (Decimal("590.00"), 5)


def test_whole_vote_cast_change_close_publish(world, announce):
    vote = announce()
    o = world["owners"]
    services.ballot_cast(actor=world["liu"], vote=vote, owner=o["刘建国"], choice="no", when=OPEN)
    services.ballot_change(
        actor=world["liu"], vote=vote, owner=o["刘建国"], choice="yes", when=OPEN
    )
    services.ballot_cast(actor=world["wang"], vote=vote, owner=o["王桂兰"], choice="yes", when=OPEN)
    services.ballot_cast(
        actor=world["committee"],
        vote=vote,
        owner=o["赵志强"],
        choice="yes",
        channel="paper",
        when=OPEN,
    )
    services.ballot_cast(
        actor=world["worker"],
        vote=vote,
        owner=o["建设单位（开发商）"],
        choice="no",
        channel="proxy",
        proxy_name="开发商代表",
        proxy_document="WT-2026-01",
        when=OPEN,
    )
    assert Ballot.objects.filter(vote=vote).count() == 4
    assert BallotEvent.objects.filter(ballot__vote=vote).count() == 5
    with pytest.raises(DomainError) as info:
        services.vote_close(actor=world["worker"], vote=vote, when=OPEN)
    assert info.value.code == "selfgov.not_yet_closed"
    vote = services.vote_close(actor=world["worker"], vote=vote, when=AFTER)
    r = vote.result
    # A = 590, pA = 80+90+100+70+190 = 530 (303 never voted); N = 5, pN = 4
    assert (r["total_area"], r["voted_area"], r["yes_area"]) == ("590.00", "530.00", "340.00")
    assert (r["total_heads"], r["voted_heads"], r["yes_heads"]) == (5, 4, 3)
    assert r["quorum"] and r["major"] and r["passed"]
    assert r["need_quorum_area"] == "393.34" and r["need_quorum_heads"] == 4
    with pytest.raises(DomainError) as info:
        services.ballot_change(
            actor=world["liu"], vote=vote, owner=o["刘建国"], choice="no", when=AFTER
        )
    assert info.value.code == "selfgov.vote_closed"
    vote = services.vote_publish(actor=world["worker"], vote=vote, when=AFTER)
    assert vote.published_at == AFTER and vote.status == "published"


def test_second_ballot_is_refused_and_nothing_changes(world, announce):
    vote = announce()
    owner = world["owners"]["王桂兰"]
    services.ballot_cast(actor=world["wang"], vote=vote, owner=owner, choice="yes", when=OPEN)
    with pytest.raises(DomainError) as info:
        services.ballot_cast(actor=world["wang"], vote=vote, owner=owner, choice="no", when=OPEN)
    assert info.value.code == "selfgov.already_voted"
    ballot = Ballot.objects.get(vote=vote, owner=owner)
    assert ballot.choice == "yes" and ballot.events.count() == 1


def test_ballot_after_close_and_before_open(world, announce):
    vote = announce()
    owner = world["owners"]["王桂兰"]
    for when, code in ((AFTER, "selfgov.vote_closed"), (T0, "selfgov.vote_not_open")):
        with pytest.raises(DomainError) as info:
            services.ballot_cast(
                actor=world["wang"], vote=vote, owner=owner, choice="yes", when=when
            )
        assert info.value.code == code
    assert not Ballot.objects.exists()


def test_notice_period_and_unpublished_topic(world):
    c, actor = world["compound"], world["committee"]
    proposal = services.proposal_create(
        actor=actor, compound=c, item=4, title="选聘物业", body="选聘", when=T0
    )
    kwargs = {
        "actor": actor,
        "proposal": proposal,
        "opens_at": T0 + dt.timedelta(days=15),
        "closes_at": T0 + dt.timedelta(days=20),
        "when": T0,
    }
    with pytest.raises(DomainError) as info:
        services.vote_announce(**kwargs)
    assert info.value.code == "selfgov.unpublished"
    services.proposal_publish(actor=actor, proposal=proposal, when=T0)
    with pytest.raises(DomainError) as info:
        services.vote_announce(**kwargs | {"opens_at": T0 + dt.timedelta(days=14, hours=23)})
    assert info.value.code == "selfgov.notice_too_short"
    assert not Vote.objects.exists() and not RollUnit.objects.exists()
    # a compound that allows 7 days (interim meeting)
    services.settings_update(
        actor=world["worker"], compound=c, notice_days=7, follow_majority=False
    )
    vote = services.vote_announce(**kwargs | {"opens_at": T0 + dt.timedelta(days=7)})
    assert vote.notice_days == 7


def test_online_ballot_only_by_the_owner_himself(world, announce):
    vote = announce()
    with pytest.raises(DomainError) as info:
        services.ballot_cast(
            actor=world["wang"], vote=vote, owner=world["owners"]["刘建国"], choice="yes", when=OPEN
        )
    assert info.value.code == "forbidden"
    with pytest.raises(DomainError) as info:  # a resident cannot enter paper ballots
        services.ballot_cast(
            actor=world["wang"],
            vote=vote,
            owner=world["owners"]["刘建国"],
            choice="yes",
            channel="paper",
            when=OPEN,
        )
    assert info.value.code == "forbidden"
    with pytest.raises(DomainError) as info:  # another community's worker
        services.ballot_cast(
            actor=world["other_worker"],
            vote=vote,
            owner=world["owners"]["刘建国"],
            choice="yes",
            channel="paper",
            when=OPEN,
        )
    assert info.value.code == "forbidden"
    with pytest.raises(DomainError) as info:
        services.ballot_cast(
            actor=world["worker"],
            vote=vote,
            owner=world["owners"]["刘建国"],
            choice="yes",
            channel="proxy",
            when=OPEN,
        )
    assert info.value.code == "selfgov.proxy_missing"
    assert not Ballot.objects.exists()


def test_co_owner_ballots_one_unit_one_ballot(world, announce):
    vote = announce()
    o = world["owners"]
    services.ballot_cast(actor=world["chen"], vote=vote, owner=o["陈秀英"], choice="yes", when=OPEN)
    t = services.vote_tally(vote)
    assert (t.voted_heads, t.yes_area) == (1, Decimal("80.00"))  # her ballot is the only one
    services.ballot_cast(actor=world["liu"], vote=vote, owner=o["刘建国"], choice="no", when=OPEN)
    t = services.vote_tally(vote)
    assert (t.voted_heads, t.yes_area, t.no_area) == (1, Decimal("0.00"), Decimal("80.00"))


def test_owner_not_on_roll_cannot_vote(world, announce):
    vote = announce()
    from linli.selfgov.models import Owner

    stranger = Owner.objects.get(compound=world["other_compound"])
    with pytest.raises(DomainError) as info:
        services.ballot_cast(
            actor=world["worker"],
            vote=vote,
            owner=stranger,
            choice="yes",
            channel="paper",
            when=OPEN,
        )
    assert info.value.code == "selfgov.not_on_roll"


def test_area_missing_refuses_the_announcement(world):
    h = world["households"]["303"]
    h.area = None
    h.save()
    proposal = services.proposal_create(
        actor=world["worker"],
        compound=world["compound"],
        item=1,
        title="议事规则",
        body="x",
        when=T0,
    )
    services.proposal_publish(actor=world["worker"], proposal=proposal, when=T0)
    with pytest.raises(DomainError) as info:
        services.vote_announce(
            actor=world["worker"],
            proposal=proposal,
            opens_at=T0 + dt.timedelta(days=20),
            closes_at=T0 + dt.timedelta(days=25),
            when=T0,
        )
    assert info.value.code == "selfgov.area_missing" and "303" in info.value.message
    assert not Vote.objects.exists()


def test_owner_proposes_for_himself_only(world):
    c = world["compound"]
    p = services.proposal_create(
        actor=world["liu"],
        compound=c,
        item=8,
        title="利用架空层开办便民超市",
        body="收益归全体业主",
        proposer_owner=world["owners"]["刘建国"],
        when=T0,
    )
    assert not p.by_committee and p.status == "draft"
    with pytest.raises(DomainError):
        services.proposal_create(
            actor=world["liu"],
            compound=c,
            item=8,
            title="x",
            body="y",
            proposer_owner=world["owners"]["王桂兰"],
            when=T0,
        )
    with pytest.raises(DomainError):
        services.proposal_publish(actor=world["liu"], proposal=p, when=T0)


def test_election_seats_the_nominees_and_replacement(world, announce):
    o = world["owners"]
    reasons = {
        "ability": "退休会计，熟悉财务",
        "prestige": "邻里信任",
        "public_spirit": "多年义务管理楼道",
        "enthusiasm": "主动参加志愿服务",
    }
    with pytest.raises(DomainError) as info:
        services.nomination_create(
            actor=world["worker"],
            compound=world["compound"],
            nominee=o["王桂兰"],
            post="member",
            nominated_by="业主联名",
            **reasons | {"prestige": " "},
        )
    assert info.value.code == "selfgov.reasons_missing" and "有威望" in info.value.message
    noms = [
        services.nomination_create(
            actor=world["worker"],
            compound=world["compound"],
            nominee=o[name],
            post=post,
            nominated_by="业主联名",
            when=T0,
            **reasons,
        )
        for name, post in (("刘建国", "director"), ("王桂兰", "deputy"))
    ]
    vote = announce(item=3, title="选举第一届业委会", nominations=noms)
    for user, name in (("liu", "刘建国"), ("wang", "王桂兰")):
        services.ballot_cast(actor=world[user], vote=vote, owner=o[name], choice="yes", when=OPEN)
    services.ballot_cast(
        actor=world["worker"],
        vote=vote,
        owner=o["赵志强"],
        choice="yes",
        channel="paper",
        when=OPEN,
    )
    services.ballot_cast(
        actor=world["worker"],
        vote=vote,
        owner=o["建设单位（开发商）"],
        choice="abstain",
        channel="paper",
        when=OPEN,
    )
    vote = services.vote_close(actor=world["worker"], vote=vote, when=AFTER)
    assert vote.result["passed"]
    committee = services.current_committee(world["compound"])
    assert committee.term == 1 and committee.elected_by == vote
    members = {m.owner.name: m.post for m in committee.members.all()}
    assert members == {"刘建国": "director", "王桂兰": "deputy"}
    # replace 王桂兰 by 赵志强 through another item-(三) vote
    old = committee.members.get(owner=o["王桂兰"])
    nom = services.nomination_create(
        actor=world["committee"],
        compound=world["compound"],
        nominee=o["赵志强"],
        post="deputy",
        replaces=old,
        nominated_by="业委会",
        when=AFTER,
        **reasons,
    )
    later = AFTER + dt.timedelta(days=1)
    vote2 = announce(item=3, title="更换业委会副主任", nominations=[nom], when=later)
    at = later + dt.timedelta(days=16)
    for user, name in (("liu", "刘建国"), ("wang", "王桂兰")):
        services.ballot_cast(actor=world[user], vote=vote2, owner=o[name], choice="yes", when=at)
    services.ballot_cast(
        actor=world["worker"], vote=vote2, owner=o["赵志强"], choice="yes", channel="paper", when=at
    )
    services.ballot_cast(
        actor=world["worker"],
        vote=vote2,
        owner=o["建设单位（开发商）"],
        choice="yes",
        channel="paper",
        when=at,
    )
    services.vote_close(actor=world["worker"], vote=vote2, when=later + dt.timedelta(days=23))
    old.refresh_from_db()
    assert old.end is not None and old.replaced_by.owner.name == "赵志强"
    current = {m.owner.name for m in committee.members.filter(end__isnull=True)}
    assert current == {"刘建国", "赵志强"}


def test_failed_major_item_and_failed_quorum(world, announce):
    o = world["owners"]
    vote = announce(item=6, title="筹集维修资金")
    # 3 of 4 participating heads yes but area 340/530 < ¾ → fails
    services.ballot_cast(actor=world["liu"], vote=vote, owner=o["刘建国"], choice="yes", when=OPEN)
    services.ballot_cast(actor=world["wang"], vote=vote, owner=o["王桂兰"], choice="yes", when=OPEN)
    services.ballot_cast(
        actor=world["worker"],
        vote=vote,
        owner=o["赵志强"],
        choice="yes",
        channel="paper",
        when=OPEN,
    )
    services.ballot_cast(
        actor=world["worker"],
        vote=vote,
        owner=o["建设单位（开发商）"],
        choice="no",
        channel="paper",
        when=OPEN,
    )
    r = services.vote_close(actor=world["worker"], vote=vote, when=AFTER).result
    assert r["quorum"] and not r["major"] and not r["passed"]
    assert r["need_yes_area"] == "397.50"  # ¾ of 530
    vote2 = announce(item=1, title="修改议事规则", when=AFTER)
    services.ballot_cast(
        actor=world["liu"], vote=vote2, owner=o["刘建国"], choice="yes",
        when=AFTER + dt.timedelta(days=16),
    )  # fmt: skip
    r = services.vote_close(
        actor=world["worker"], vote=vote2, when=AFTER + dt.timedelta(days=23)
    ).result
    assert not r["quorum"] and r["major"] and not r["passed"]


def test_batch_paper_entry_all_or_nothing(world, announce):
    vote = announce()
    o = world["owners"]
    with pytest.raises(DomainError) as info:
        services.ballots_enter_batch(
            actor=world["worker"],
            vote=vote,
            entries=[(o["王桂兰"], "yes"), (o["赵志强"], "maybe")],
            when=OPEN,
        )
    assert info.value.code == "selfgov.batch_invalid" and "第2张" in info.value.message
    services.ballot_cast(actor=world["wang"], vote=vote, owner=o["王桂兰"], choice="no", when=OPEN)
    with pytest.raises(DomainError) as info:
        services.ballots_enter_batch(
            actor=world["worker"],
            vote=vote,
            entries=[(o["赵志强"], "yes"), (o["王桂兰"], "yes")],
            when=OPEN,
        )
    assert "已投过票" in info.value.message
    assert Ballot.objects.filter(vote=vote).count() == 1
    n = services.ballots_enter_batch(
        actor=world["committee"],
        vote=vote,
        entries=[(o["赵志强"], "yes"), (o["刘建国"], "abstain")],
        when=OPEN,
    )
    assert n == 2 and BallotEvent.objects.filter(ballot__vote=vote).count() == 3
    with pytest.raises(DomainError):
        services.ballots_enter_batch(
            actor=world["wang"], vote=vote, entries=[(o["陈秀英"], "yes")], when=OPEN
        )
