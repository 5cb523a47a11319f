"""待办: a vote open to an owner is his to-do until he has voted; not before it opens, not for
someone off the roll, not in another compound."""

import datetime as dt

from django.utils import timezone

from linli.core import todos
from linli.selfgov import services
from linli.selfgov.models import Vote


def votes(user):
    return [t for t in todos.items_for(user) if t.kind == "selfgov.vote"]


def test_an_open_vote_waits_for_each_owner_until_he_votes(world, announce, db):
    vote = announce()
    assert votes(world["wang"]) == []  # announced, not yet open
    now = timezone.now()
    Vote.objects.filter(pk=vote.pk).update(
        opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=3)
    )
    (item,) = votes(world["wang"])
    assert item.url == f"/selfgov/votes/{vote.pk}/" and "更换小区路灯" in item.title
    assert item.when.startswith("还剩 3 天") and item.group == "业主表决"
    assert len(votes(world["liu"])) == 1
    assert votes(world["zhou"]) == []  # another compound
    assert votes(world["worker"]) == [] and votes(world["other_worker"]) == []
    services.ballot_cast(
        actor=world["wang"], vote=vote, owner=world["owners"]["王桂兰"], choice="yes"
    )
    assert votes(world["wang"]) == []
    assert len(votes(world["liu"])) == 1
    assert todos.count_for(world["liu"]) == 1
