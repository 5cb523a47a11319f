"""Self-governance pages: an owner's votes (how to vote, cast/change, results with every
figure); the committee's and worker's compound page (members, proposals, votes) and the
vote page with paper-ballot entry, close and publication."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from linli.core.errors import DomainError, Invalid
from linli.core.http import get_or_404
from linli.core.policy import Capability, actor_of, can
from linli.core.privacy import mask_name

from . import selectors, services
from .models import (
    ITEM_CHOICES,
    BallotChannel,
    BallotChoice,
    Owner,
    Post,
    Proposal,
    ProposalStatus,
    VoteStatus,
)


@login_required
def index(request):
    """Owners: the votes of their compound. Committee: their compound. Workers: a list."""
    actor = request.user
    compound_id = actor_of(actor).compound_id
    if can(actor, Capability.SELFGOV_COMMITTEE) and compound_id:
        return redirect("selfgov:compound", compound_id)
    if can(actor, Capability.SELFGOV_MANAGE):
        return render(
            request,
            "selfgov/overview.html",
            {"compounds": selectors.compound_overview(actor=actor)[:200]},
        )
    owners = list(selectors.owners_of_user(actor).select_related("compound"))
    return render(
        request,
        "selfgov/mine.html",
        {
            "owners": owners,
            "open_votes": list(selectors.open_votes(actor=actor)[:20]),
            "past_votes": list(selectors.past_votes(actor=actor)[:20]),
            "now": timezone.now(),
            "compounds": list(selectors.compounds_for(actor)[:5]),
        },
    )


@login_required
def compound(request, compound_id: int):
    actor = request.user
    c = get_or_404(selectors.compound_get_for, actor=actor, compound_id=compound_id)
    manages = services.manages(actor, c)
    votes = selectors.votes_for(actor).filter(compound=c).order_by("-opens_at", "-id")
    proposals = selectors.proposals_for(actor=actor, compound=c)
    return render(
        request,
        "selfgov/compound.html",
        {
            "compound": c,
            "manages": manages,
            "committee": services.current_committee(c),
            "members": list(selectors.committee_members(c)),
            "nominations": list(selectors.nominations_for(c)[:50]) if manages else [],
            "proposals": list(proposals.filter(vote__isnull=True)[:50]),
            "votes": list(votes[:50]),
            "settings": services.settings_for(c),
            "items": ITEM_CHOICES,
            "my_owners": list(selectors.owners_of_user(actor, c)),
            "now": timezone.now(),
            "posts": Post.choices,
            "people": list(c.owners.filter(active=True, kind="person").order_by("name")[:2000])
            if manages
            else [],
            "open_nominations": sum(1 for n in selectors.nominations_for(c) if not n.proposal_id)
            if manages
            else 0,
        },
    )


def _vote_context(request, vote):
    actor = request.user
    manages = services.manages(actor, vote.compound)
    result = vote.result or {}
    return {
        "vote": vote,
        "proposal": vote.proposal,
        "manages": manages,
        "phase": selectors.vote_phase(vote),
        "is_open": vote.status == VoteStatus.ANNOUNCED
        and vote.opens_at <= timezone.now() < vote.closes_at,
        "mine": selectors.my_ballots(actor=actor, vote=vote),
        "choices": BallotChoice.choices,
        "channels": [c for c in BallotChannel.choices if c[0] != BallotChannel.ONLINE],
        "turnout": selectors.vote_turnout(vote),
        "r": result,
        "result_due": services.result_due(vote),
        "late": bool(vote.published_at and vote.published_at > services.result_due(vote)),
        "ballots": list(selectors.vote_ballots(actor=actor, vote=vote)[:500]) if manages else [],
        "roll": list(vote.roll.select_related("owner").order_by("name")[:1000])
        if manages and vote.status == VoteStatus.ANNOUNCED
        else [],
        "nominations": list(vote.proposal.nominations.select_related("nominee", "replaces__owner")),
        "mask_name": mask_name,
    }


@login_required
def vote_detail(request, vote_id: int):
    vote = get_or_404(selectors.vote_get_for, actor=request.user, vote_id=vote_id)
    return render(request, "selfgov/vote.html", _vote_context(request, vote))


def _owner_in(vote, owner_id) -> Owner:
    owner = Owner.objects.filter(pk=owner_id, compound=vote.compound).first()
    if owner is None:
        raise Invalid("业主不存在", code="selfgov.bad_owner")
    return owner


@login_required
@require_POST
def vote_act(request, vote_id: int, action: str):
    actor = request.user
    vote = get_or_404(selectors.vote_get_for, actor=actor, vote_id=vote_id)
    post = request.POST
    try:
        if action in ("cast", "change"):
            owner = _owner_in(vote, post.get("owner"))
            fn = services.ballot_cast if action == "cast" else services.ballot_change
            fn(actor=actor, vote=vote, owner=owner, choice=post.get("choice", ""))
            messages.success(request, "已投票" if action == "cast" else "已改票")
        elif action == "enter":
            owner = _owner_in(vote, post.get("owner"))
            has = vote.ballots.filter(owner=owner).exists()
            fn = services.ballot_change if has else services.ballot_cast
            fn(
                actor=actor,
                vote=vote,
                owner=owner,
                choice=post.get("choice", ""),
                channel=post.get("channel", BallotChannel.PAPER),
                proxy_name=post.get("proxy_name", ""),
                proxy_document=post.get("proxy_document", ""),
            )
            messages.success(request, f"已录入{owner.name}的选票")
        elif action == "close":
            services.vote_close(actor=actor, vote=vote)
            messages.success(request, "已计票")
        elif action == "publish":
            services.vote_publish(actor=actor, vote=vote)
            messages.success(request, "结果已公示")
        else:
            raise Http404("没有这个操作")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("selfgov:vote", vote.pk)


def _local(value: str) -> dt.datetime:
    try:
        naive = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise Invalid(f"时间格式不正确：{value!r}", code="selfgov.bad_time") from None
    return timezone.make_aware(naive) if timezone.is_naive(naive) else naive


# The actions of the compound page: each takes the request and the compound, and returns a
# response, or None to go back to the compound page. A DomainError or ValueError is shown there.


def _propose(request, c):
    actor, post = request.user, request.POST
    owner = None
    mine = selectors.owners_of_user(actor, c)
    if post.get("as_owner"):
        owner = mine.filter(pk=post["as_owner"]).first()
    elif not services.manages(actor, c):
        owner = mine.first()  # an owner proposes in his own name
    item = int(post.get("item") or 0)
    nominations = []
    if item == 3 and post.get("with_nominations") and services.manages(actor, c):
        nominations = list(selectors.nominations_for(c).filter(proposal__isnull=True))
    services.proposal_create(
        actor=actor,
        compound=c,
        item=item,
        title=post.get("title", ""),
        body=post.get("body", ""),
        proposer_owner=owner,
        nominations=nominations,
    )
    messages.success(request, "议题已提交，待业委会或社区公布")


def _publish(request, c):
    proposal = Proposal.objects.filter(pk=request.POST.get("proposal"), compound=c).first()
    if proposal is None:
        raise Http404("议题不存在")
    services.proposal_publish(actor=request.user, proposal=proposal)
    messages.success(request, f"议题“{proposal.title}”已公布")


def _announce(request, c):
    post = request.POST
    proposal = Proposal.objects.filter(
        pk=post.get("proposal"), compound=c, status=ProposalStatus.PUBLISHED
    ).first()
    if proposal is None:
        raise Invalid("议题不存在或尚未公布，不能付诸表决", code="selfgov.unpublished")
    vote = services.vote_announce(
        actor=request.user,
        proposal=proposal,
        opens_at=_local(post.get("opens_at")),
        closes_at=_local(post.get("closes_at")),
    )
    messages.success(request, "表决已公告")
    return redirect("selfgov:vote", vote.pk)


def _nominate(request, c):
    post = request.POST
    nominee = Owner.objects.filter(pk=post.get("nominee") or 0, compound=c).first()
    if nominee is None:
        raise Invalid("请选择本小区的业主作为候选人", code="selfgov.bad_nominee")
    replaces = None
    if post.get("replaces"):
        replaces = selectors.committee_members(c).filter(pk=post["replaces"]).first()
    services.nomination_create(
        actor=request.user,
        compound=c,
        nominee=nominee,
        post=post.get("post", ""),
        ability=post.get("ability", ""),
        prestige=post.get("prestige", ""),
        public_spirit=post.get("public_spirit", ""),
        enthusiasm=post.get("enthusiasm", ""),
        nominated_by=post.get("nominated_by", ""),
        replaces=replaces,
    )
    messages.success(request, f"已登记候选人{nominee.name}")


def _settings(request, c):
    post = request.POST
    services.settings_update(
        actor=request.user,
        compound=c,
        notice_days=int(post.get("notice_days") or 0),
        follow_majority=bool(post.get("follow_majority")),
    )
    messages.success(request, "设置已保存")


def _sync(request, c):
    counts = services.owners_sync(actor=request.user, compound=c)
    messages.success(
        request,
        "已从台账更新业主：新增{owners_created}人，变更{owners_updated}人，"
        "新增产权{shares_created}处，移除{shares_removed}处".format(**counts),
    )


_COMPOUND_ACTIONS = {
    "propose": _propose,
    "publish": _publish,
    "announce": _announce,
    "nominate": _nominate,
    "settings": _settings,
    "sync": _sync,
}


@login_required
@require_POST
def compound_act(request, compound_id: int, action: str):
    c = get_or_404(selectors.compound_get_for, actor=request.user, compound_id=compound_id)
    try:
        act = _COMPOUND_ACTIONS.get(action)
        if act is None:
            raise Http404("没有这个操作")
        response = act(request, c)
        if response is not None:
            return response
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", "输入不正确"))
    return redirect("selfgov:compound", c.pk)
