"""Votes open to a person: announced, open now, with an owner they act for on the frozen roll
(``selectors.owners_of_user``) who has not yet cast a ballot. Due: the closing time."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from linli.core import todos
from linli.core.policy import Capability, can

from . import selectors
from .models import Ballot, RollOwner


def _open_to(user):
    if not can(user, Capability.SELFGOV_VOTE):
        return None
    now = timezone.now()
    owners = selectors.owners_of_user(user).values("pk")
    unvoted = RollOwner.objects.filter(vote=OuterRef("pk"), owner__in=owners).exclude(
        Exists(Ballot.objects.filter(vote=OuterRef("vote"), owner=OuterRef("owner")))
    )
    return (
        selectors.open_votes(actor=user, now=now).filter(opens_at__lte=now).filter(Exists(unvoted))
    )


def vote_items(user) -> list[todos.Todo]:
    qs = _open_to(user)
    if qs is None:
        return []
    return [
        todos.Todo(
            kind="selfgov.vote",
            title=f"请参加业主表决：{v.proposal.title}",
            url=reverse("selfgov:vote", args=[v.pk]),
            due=v.closes_at,
        )
        for v in qs[:20]
    ]


def vote_count(user) -> QuerySet | int:
    qs = _open_to(user)
    return 0 if qs is None else qs


def register() -> None:
    todos.register("selfgov.vote", vote_items, count=vote_count, group="业主表决")
