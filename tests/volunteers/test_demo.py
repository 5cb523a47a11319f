"""The demo builder on a small world (grid_world's three residents): everything through the
services, figures as the stats command counts them."""

import datetime as dt
import random

import pytest

from linli.demo import volunteers as demo
from linli.volunteers import selectors
from linli.volunteers.models import PointEntry, RecordStatus, ServiceRecord, Team

pytestmark = pytest.mark.django_db


def test_the_demo_builds_through_the_services(grid_world, xingdong_worker):
    said = []
    today = dt.date.today()
    figures = demo.build(
        community=grid_world["community"],
        today=today,
        rng=random.Random(7),
        say=said.append,
        target=200,
        days=60,
    )
    assert Team.objects.count() == 4 and figures["registered"] == 3
    assert (
        figures["person_times"]
        == ServiceRecord.objects.filter(status=RecordStatus.APPROVED).count()
    )
    assert figures["person_times"] + figures["pending"] == figures["recorded_person_times"]
    assert figures == {
        **selectors.stats(
            community=grid_world["community"], start=today - dt.timedelta(days=60), end=today
        ),
        **{
            k: figures[k]
            for k in (
                "teams",
                "registered",
                "shifts",
                "recorded_person_times",
                "pending",
                "redemptions",
                "certificate",
            )
        },
    }
    # every approved minute earned its points, the 积分超市 was used, all by the worker
    assert PointEntry.objects.filter(kind="service").count() == figures["person_times"]
    assert not ServiceRecord.objects.exclude(recorded_by=xingdong_worker).exists()
    assert said and "志愿服务" in said[0]
