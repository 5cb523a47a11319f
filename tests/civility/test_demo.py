"""The civility demo on a small world: a year of awards through the services."""

import datetime as dt
import random

import pytest

from linli.civility import selectors
from linli.civility.models import Honour, Nomination, Objection, Vote
from linli.demo import civility as demo
from linli.grid import services as grid_services

pytestmark = pytest.mark.django_db


def test_the_demo_builds_a_year_of_awards(cworld):
    w = cworld
    grid_services.post_assign(
        grid=w["group"], resident=w["residents"]["a"], user=w["group_leader"], reason="推选"
    )
    grid_services.post_assign(
        grid=w["group2"], resident=w["residents"]["b"], user=w["leader2"], reason="推选"
    )
    said = []
    today = dt.date(2026, 12, 1)
    figures = demo.build(
        community=w["community"], today=today, rng=random.Random(3), say=said.append, voters=3
    )
    assert figures == selectors.figures(
        community=w["community"], start=today - dt.timedelta(days=360), end=today
    )
    assert (
        figures["campaigns"] == 4 + 2 and figures["nominations"] == Nomination.objects.count() > 0
    )
    assert figures["awards"] == Honour.objects.count() > 0
    assert figures["votes"] == Vote.objects.count() <= 3
    assert Objection.objects.count() == figures["objections"]
    # every honour went through 公示 that ended before it was awarded
    for h in Honour.objects.select_related("nomination"):
        assert h.awarded_on > h.nomination.publicity_until
    assert said and "文明评选" in said[0]
    demo.clear(town=w["community"].parent)
    assert not Nomination.objects.exists()
