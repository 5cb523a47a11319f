"""Reads of owners' self-governance, each starting from ``restrict`` (the rules are in
:mod:`linli.selfgov.scopes`).

| role | sees |
|---|---|
| 县/镇干部, 社区工作人员 | compounds (committees, proposals, votes) in their region |
| 业委会成员 | their compound |
| 居民 | their own compound (published topics and votes; results; their own ballots) |
| 三长 | the compounds of their households (as the policy's ``compound_q`` says) |
"""

from __future__ import annotations

from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.utils import timezone

from linli.core.errors import NotFound
from linli.core.policy import Capability, actor_of, can
from linli.ledger.models import Compound

from .models import (
    Ballot,
    CommitteeMember,
    Nomination,
    Owner,
    Post,
    Proposal,
    Vote,
    VoteStatus,
)
from .scopes import runs_selfgov
from .services import manages


def compounds_for(actor) -> QuerySet[Compound]:
    return Compound.objects.restrict(actor)


def compound_get_for(*, actor, compound_id: int) -> Compound:
    compound = compounds_for(actor).filter(pk=compound_id).select_related("community").first()
    if compound is None:
        raise NotFound("小区不存在或无权查看")
    return compound


def managed_compounds(actor) -> QuerySet[Compound]:
    """The compounds whose self-governance the actor runs (committee or region roles)."""
    if runs_selfgov(actor_of(actor)):
        return compounds_for(actor)
    return Compound.objects.none()


def votes_for(actor) -> QuerySet[Vote]:
    return Vote.objects.restrict(actor).select_related("proposal", "compound")


def vote_get_for(*, actor, vote_id: int) -> Vote:
    vote = votes_for(actor).filter(pk=vote_id).first()
    if vote is None:
        raise NotFound("表决不存在或无权查看")
    return vote


def open_votes(*, actor, now=None) -> QuerySet[Vote]:
    """Votes announced and not past their closing time, soonest to close first."""
    now = now or timezone.now()
    return (
        votes_for(actor)
        .filter(status=VoteStatus.ANNOUNCED, closes_at__gt=now)
        .order_by("closes_at", "id")
    )


def past_votes(*, actor, now=None) -> QuerySet[Vote]:
    """Votes past their closing time (tallied or waiting to be), latest first."""
    now = now or timezone.now()
    return (
        votes_for(actor)
        .filter(Q(closes_at__lte=now) | ~Q(status=VoteStatus.ANNOUNCED))
        .order_by("-closes_at", "-id")
    )


def proposals_for(*, actor, compound: Compound) -> QuerySet[Proposal]:
    """Managers see drafts too; owners see published topics and their own."""
    return (
        Proposal.objects.restrict(actor).filter(compound=compound).select_related("proposer_owner")
    )


def owners_of_user(actor, compound: Compound | None = None) -> QuerySet[Owner]:
    """The owners a login acts for: linked to it, or (a resident) the owner row of the ledger
    resident with the login's household and name."""
    if actor is None or not actor.is_authenticated:
        return Owner.objects.none()
    q = Q(user=actor)
    me = actor_of(actor)
    if can(actor, Capability.SELFGOV_ACT_AS_OWNER) and me.household_id:
        q |= Q(resident__household_id=me.household_id, resident__name=me.profile.display_name)
    qs = Owner.objects.filter(q, active=True)
    if compound is not None:
        qs = qs.filter(compound=compound)
    return qs


def my_ballots(*, actor, vote: Vote) -> list[tuple[Owner, Ballot | None]]:
    """For each owner the login acts for on this vote's roll: his ballot, if any."""
    owners = list(owners_of_user(actor, vote.compound).filter(rolls__vote=vote))
    ballots = {b.owner_id: b for b in Ballot.objects.filter(vote=vote, owner__in=owners)}
    return [(o, ballots.get(o.pk)) for o in owners]


def vote_turnout(vote: Vote) -> dict[str, int]:
    """How many ballots are in so far (numbers only; the figures come at the close)."""
    return {
        "ballots": vote.ballots.count(),
        "roll": vote.roll.count(),
        "units": vote.units.count(),
    }


def vote_ballots(*, actor, vote: Vote) -> QuerySet[Ballot]:
    """Every ballot of the vote, for its managers (paper entry, checking); else none."""
    if not manages(actor, vote.compound):
        return Ballot.objects.none()
    return vote.ballots.select_related("owner", "entered_by__profile").order_by("owner__name")


def committee_members(compound: Compound) -> QuerySet[CommitteeMember]:
    return (
        CommitteeMember.objects.filter(committee__compound=compound, committee__ended_at=None)
        .select_related("owner", "committee", "replaced_by__owner")
        .annotate(
            rank=Case(
                When(post=Post.DIRECTOR, then=Value(0)),
                When(post=Post.DEPUTY, then=Value(1)),
                default=Value(2),
            )
        )
        .order_by(F("end").asc(nulls_first=True), "rank", "start", "id")
    )


def nominations_for(compound: Compound) -> QuerySet[Nomination]:
    return Nomination.objects.filter(compound=compound).select_related("nominee", "proposal")


def compound_overview(*, actor) -> list[Compound]:
    """One row per compound the actor manages: committee size, open votes, proposals."""
    compounds = managed_compounds(actor).annotate(
        open_votes=Count("votes", filter=Q(votes__status=VoteStatus.ANNOUNCED), distinct=True),
        all_votes=Count("votes", distinct=True),
        members=Count(
            "committees__members",
            filter=Q(committees__ended_at=None, committees__members__end=None),
            distinct=True,
        ),
    )
    return list(compounds.order_by("-open_votes", "-all_votes", "name"))


def vote_phase(vote: Vote, now=None) -> str:
    now = now or timezone.now()
    if vote.status != VoteStatus.ANNOUNCED:
        return vote.get_status_display()
    if now < vote.opens_at:
        return "公告期（尚未开始）"
    if now < vote.closes_at:
        return "正在表决"
    return "已截止，待计票"
