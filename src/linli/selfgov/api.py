"""Self-governance API: votes in the caller's scope, one vote with the caller's ballots,
cast or change a ballot, and the tally figures after the close."""

from __future__ import annotations

from typing import Any, cast

from ninja import Router, Status

from linli.core.bounds import Id
from linli.core.errors import Conflict, Forbidden, Invalid
from linli.core.schemas import READ_ERRORS, WRITE_ERRORS

from . import selectors, services
from .models import Ballot
from .schemas import BallotIn, BallotOut, MyBallotOut, TallyOut, VoteDetailOut, VoteOut

router = Router(tags=["业主自治"])


@router.get(
    "/votes", response={200: list[VoteOut], **READ_ERRORS}, summary="表决列表（按可见范围）"
)
def vote_list(request, open: bool = False):
    qs = selectors.open_votes(actor=request.user) if open else selectors.votes_for(request.user)
    return list(qs.order_by("-opens_at", "-id")[:200])


@router.get(
    "/votes/{int:vote_id}",
    response={200: VoteDetailOut, **READ_ERRORS},
    summary="表决详情（含本人选票）",
)
def vote_detail(request, vote_id: Id):
    vote = selectors.vote_get_for(actor=request.user, vote_id=vote_id)
    out = cast(Any, vote)  # VoteDetailOut's extra fields, set on the instance
    out.body = vote.proposal.body
    out.ballots_received = vote.ballots.count()
    out.my_ballots = [
        MyBallotOut(
            owner_id=o.pk,
            owner=o.name,
            choice=b.choice if b else None,
            channel=b.channel if b else None,
            cast_at=b.cast_at if b else None,
            changed_at=b.changed_at if b else None,
        )
        for o, b in selectors.my_ballots(actor=request.user, vote=vote)
    ]
    return vote


@router.post(
    "/votes/{int:vote_id}/ballot",
    response={201: BallotOut, 200: BallotOut, **WRITE_ERRORS},
    summary="投票或改票（业主本人，线上）",
)
def vote_cast(request, vote_id: Id, data: BallotIn):
    vote = selectors.vote_get_for(actor=request.user, vote_id=vote_id)
    mine = selectors.my_ballots(actor=request.user, vote=vote)
    if data.owner is not None:
        mine = [(o, b) for o, b in mine if o.pk == data.owner]
    if not mine:
        raise Forbidden("您不是本次表决名册中的业主", code="selfgov.not_an_owner")
    if len(mine) > 1:
        raise Invalid("您代表多个业主，请用 owner 指明", code="selfgov.owner_ambiguous")
    owner, ballot = mine[0]
    if ballot is None:
        b = services.ballot_cast(actor=request.user, vote=vote, owner=owner, choice=data.choice)
        return Status(201, b)
    b = services.ballot_change(actor=request.user, vote=vote, owner=owner, choice=data.choice)
    return Status(200, Ballot.objects.get(pk=b.pk))


@router.get(
    "/votes/{int:vote_id}/tally",
    response={200: TallyOut, **READ_ERRORS},
    summary="计票结果（截止计票后）",
)
def vote_tally(request, vote_id: Id):
    vote = selectors.vote_get_for(actor=request.user, vote_id=vote_id)
    if not vote.result:
        raise Conflict("表决尚未截止计票", code="selfgov.not_tallied")
    return vote.result
