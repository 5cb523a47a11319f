"""Writes: who may edit what, and bad input — a clear error and nothing written."""

import datetime as dt
from decimal import Decimal

import pytest

from linli.core.errors import Conflict, Forbidden, Invalid, NotFound
from linli.services import hours, services
from linli.services.models import Item, Point, Schedule

from .conftest import ADDRESS, OFFICE_HOURS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "rule, reason",
    [
        ("", "规则为空"),
        ("BYDAY=MO", "缺少 FREQ"),
        ("FREQ=WEEKLY;BYDAY=XX", "不是有效的 RFC 5545 规则"),
        ("FREQ=SOMETIMES", "不是有效的 RFC 5545 规则"),
        ("FREQ=WEEKLY;BYDAY=MO;INTERVAL=abc", "不是有效的 RFC 5545 规则"),
        ("FREQ=DAILY", "只支持每周"),
        ("FREQ=WEEKLY;UNTIL=20200101", "没有任何开放日"),
        ("DTSTART:20260101T000000\nRRULE:FREQ=WEEKLY", "只填写 RRULE 本身"),
        ("FREQ=MONTHLY;BYMONTHDAY=32", "没有任何开放日"),
    ],
)
def test_rules_that_do_not_parse(rule, reason):
    with pytest.raises(Invalid) as exc:
        hours.parse_rule(rule, valid_from=dt.date(2026, 1, 1))
    assert exc.value.code == "services.invalid_rrule"
    assert reason in exc.value.message
    assert exc.value.details[0]["field"] == "rrule"


def test_rules_that_parse_and_how_they_read():
    rule = hours.parse_rule(
        "rrule:freq=weekly;byday=mo,tu,we,th,fr", valid_from=dt.date(2026, 1, 1)
    )
    assert rule.after(dt.datetime(2026, 1, 3)) == dt.datetime(2026, 1, 5)  # Sat → Mon
    line = hours.Line("FREQ=MONTHLY;BYDAY=+1SA", dt.date(2026, 1, 1), dt.time(9), dt.time(11))
    assert hours.describe(line).startswith("每月第1个周六 09:00–11:00")
    assert (
        hours.describe(
            hours.Line(
                "FREQ=WEEKLY;BYDAY=MO,WE", dt.date(2026, 1, 1), dt.time(9), dt.time(11), "rule_only"
            )
        )
        == "周一、周三 09:00–11:00"
    )


def test_the_summary_reads_in_week_order(catalogue):
    hall = catalogue["hall"]
    assert hours.summary(hall.schedules.all()) == [
        "周一至周五 08:30–12:00、14:30–17:30",
        "周六 09:00–12:00",
        "法定节假日休息，调休上班日照常办公",
    ]
    assert hours.summary(catalogue["kiosk"].schedules.all()) == ["每天 07:00–22:00"]


def test_a_bad_line_changes_nothing(catalogue, xingdong_worker):
    station = catalogue["station"]
    before = list(Schedule.objects.filter(point=station).values_list("rrule", "opens_at"))
    with pytest.raises(Invalid) as exc:
        services.point_hours_set(
            actor=xingdong_worker,
            point=station,
            hours=[
                OFFICE_HOURS[0],
                {"rrule": "FREQ=WEEKLY;BYDAY=MO,XX", "opens_at": "14:30", "closes_at": "17:30"},
            ],
        )
    assert exc.value.code == "services.invalid_rrule"
    assert exc.value.details[0]["field"] == "hours.1.rrule"
    with pytest.raises(Invalid) as exc:
        services.point_hours_set(
            actor=xingdong_worker,
            point=station,
            hours=[{"rrule": "FREQ=WEEKLY", "opens_at": "17:30", "closes_at": "08:30"}],
        )
    assert "须晚于" in exc.value.message
    after = list(Schedule.objects.filter(point=station).values_list("rrule", "opens_at"))
    assert after == before


def test_replacing_hours_and_items(catalogue, xingdong_worker):
    station = catalogue["station"]
    services.point_hours_set(
        actor=xingdong_worker,
        point=station,
        hours=[
            {
                "rrule": "FREQ=WEEKLY;BYDAY=SA,SU",
                "opens_at": "09:00",
                "closes_at": "11:00",
                "calendar": "rule_only",
            }
        ],
    )
    assert station.schedules.count() == 1
    services.point_items_set(actor=xingdong_worker, point=station, item_codes=["430424-GA-0002"])
    assert list(station.items.values_list("code", flat=True)) == ["430424-GA-0002"]
    with pytest.raises(Invalid) as exc:
        services.point_items_set(actor=xingdong_worker, point=station, item_codes=["NOPE-1"])
    assert exc.value.code == "services.unknown_item"
    assert list(station.items.values_list("code", flat=True)) == ["430424-GA-0002"]


def test_who_may_edit(catalogue, xingdong_worker, xintang_worker, county_official, grid_world):
    station, hall, card = catalogue["station"], catalogue["hall"], catalogue["card"]
    # 新塘's worker sees 兴东's station (public) but may not change it
    with pytest.raises(Forbidden):
        services.point_update(actor=xintang_worker, point=station, phone="1")
    # 兴东's worker may not change the county's hall or the county department's item
    with pytest.raises(Forbidden):
        services.point_update(actor=xingdong_worker, point=hall, phone="1")
    with pytest.raises(Forbidden):
        services.item_update(actor=xingdong_worker, item=card, fee="5")
    # the county covers everything below it
    services.point_update(actor=county_official, point=station, phone="0734-5226002")
    # a 三长 or a resident edits nothing
    from django.contrib.auth.models import AnonymousUser

    for actor in (grid_world["leader_a"], grid_world["resident_a"], AnonymousUser()):
        with pytest.raises(Forbidden):
            services.point_update(actor=actor, point=station, phone="1")
    # a community worker cannot open a point in another community
    from linli.ledger.models import Region

    with pytest.raises(NotFound):
        services.point_create(
            actor=xingdong_worker,
            region=Region.objects.get(name="新塘社区"),
            name="x",
            kind="station",
            address="x",
            latitude=27,
            longitude=112,
            **ADDRESS,
        )
    station.refresh_from_db()
    assert station.phone == "0734-5226002"


def test_item_bad_input_writes_nothing(catalogue, county_official):
    org = catalogue["org"]
    count = Item.objects.count()
    bad = [
        ({"fee": "12.345"}, "两位小数"),
        ({"fee": "-1"}, "负数"),
        ({"fee": "abc"}, "金额"),
        ({"code": "社保 01"}, "事项编码"),
        ({"time_limit_days": "x"}, "整数"),
        ({"visits_needed": 12}, "0 到 9"),
        ({"applicant_scope": "alien"}, "受理范围"),
        ({"documents": [{"name": "身份证", "form": "scan"}]}, "材料形式"),
        ({"documents": [{"name": "身份证", "copies": 0}]}, "份数"),
        ({"steps": "一步到位"}, "步骤列表"),
    ]
    for change, words in bad:
        fields = {"name": "测试事项", "code": "430424-T-0009", **change}
        with pytest.raises(Invalid) as exc:
            services.item_create(actor=county_official, organization=org, **fields)
        assert words in exc.value.message, (change, exc.value.message)
    with pytest.raises(Conflict):
        services.item_create(
            actor=county_official, organization=org, name="重复", code="430424-RS-0001"
        )
    assert Item.objects.count() == count
    item = services.item_create(
        actor=county_official, organization=org, name="高龄津贴申领", code="430424-MZ-0003", fee="0"
    )
    assert item.fee == Decimal("0.00") and item.time_limit_label == "当场办结"


def test_point_bad_coordinates(catalogue, xingdong_worker, regions):
    count = Point.objects.count()
    for lat, lng in ((91, 112), (27, 181), ("x", 112), (None, 112)):
        with pytest.raises(Invalid) as exc:
            services.point_create(
                actor=xingdong_worker,
                region=regions["xingdong"],
                name="新网点",
                kind="agency",
                address="兴东路",
                latitude=lat,
                longitude=lng,
                **ADDRESS,
            )
        assert exc.value.code == "services.invalid_coordinates"
    assert Point.objects.count() == count
