"""The services demo on the small world (兴东 and 新塘, one compound each): 41 items of 11
county bodies, the points of each kind, all through the services; cleared and rebuilt alike."""

import datetime as dt
import random
from decimal import Decimal

import pytest

from linli.demo import services as demo
from linli.services.models import Item, Organization, Point, PointItem, Schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def placed(compound, other_compound):
    for c, (lat, lng) in (
        (compound, ("27.0850", "112.9470")),
        (other_compound, ("27.0900", "112.9400")),
    ):
        c.latitude, c.longitude = Decimal(lat), Decimal(lng)
        c.save(update_fields=["latitude", "longitude"])


def build(regions):
    said = []
    figures = demo.build(
        community=regions["xingdong"],
        today=dt.date(2026, 9, 29),
        rng=random.Random(3),
        say=said.append,
    )
    return figures, said


def test_the_demo_builds_through_the_services(
    regions, placed, county_official, xingdong_worker, cases_seeded
):
    figures, said = build(regions)
    assert Item.objects.count() == 41 == figures["items"]
    assert Organization.objects.count() == 11
    # hall 1, town centre 1, stations 2, kiosks 5 in 兴东 + 1 in 新塘, 代办点 2
    assert figures["kinds"] == {
        "hall": 1,
        "town_centre": 1,
        "station": 2,
        "self_service": 6,
        "agency": 2,
    }
    assert figures["points"] == 12 == Point.objects.count()
    hall = Point.objects.get(kind="hall")
    assert hall.items.count() == 41 and hall.schedules.count() == 3
    assert Point.objects.get(kind="agency", region=regions["xingdong"]).schedules.count() == 2
    assert "便民服务：12 个服务网点" in said[0] and "41 项服务事项" in said[0]
    assert said[1].startswith("就近办：从粮站宿舍办“高龄津贴申领”最近的网点：粮站宿舍代办点")
    assert figures["nearest"][0][1] < 60
    # 兴东's own points were opened by its worker's office; the rest by the county
    assert Point.objects.filter(region=regions["xingdong"]).count() == 1 + 5 + 1
    demo.clear(town=regions["town"])
    assert not Point.objects.exists() and not Item.objects.exists()
    assert not PointItem.objects.exists() and not Schedule.objects.exists()
    again, _ = build(regions)
    assert again == figures
