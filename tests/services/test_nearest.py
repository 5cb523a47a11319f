"""就近办: the nearest points that handle an item, their distance and whether they are open —
across 国庆 2026 (10-01 … 10-07 off; Sunday 09-20 and Saturday 10-10 are make-up working days)."""

import pytest

from linli.core.errors import Invalid, NotFound
from linli.services.geo import haversine_m
from linli.services.selectors import NearPoint, nearest_points

from .conftest import GATE, at

pytestmark = pytest.mark.django_db


def by_name(rows):
    return {r.name: r for r in rows}


def test_haversine_against_known_distances():
    # one degree of latitude is 111,195 m on the mean sphere (R = 6,371,008.8 m); one degree of
    # longitude at 60° N a little under half that (the great circle cuts inside the parallel)
    assert haversine_m(27.0, 112.9, 28.0, 112.9) == 111195
    assert haversine_m(27.083, 112.948, 27.083, 112.948) == 0
    assert 55_580 < haversine_m(60, 0, 60, 1) < 55_598


def test_nearest_first_with_distances_on_an_ordinary_weekday(catalogue):
    rows = nearest_points(lat=GATE[0], lng=GATE[1], item_code="430424-RS-0001", at=at(2026, 9, 29))
    assert [r.name for r in rows] == ["兴东自助服务终端", "兴东社区服务站", "衡东县政务服务中心"]
    assert all(isinstance(r, NearPoint) for r in rows)
    assert [r.distance_m for r in rows] == sorted(r.distance_m for r in rows)
    assert 100 < rows[0].distance_m < 140  # (27.0839, 112.9486): ≈ 100 m north, 60 m east
    assert rows[1].distance_m == haversine_m(27.083, 112.948, 27.0852, 112.949)
    assert all(r.open_now and r.next_open is None for r in rows)  # Tuesday 10:00


def test_item_filter_and_limit(catalogue):
    rows = nearest_points(lat=27.083, lng=112.948, item_code="430424-GA-0002", at=at(2026, 9, 29))
    assert [r.name for r in rows] == ["兴东社区服务站", "衡东县政务服务中心"]  # no kiosk
    assert len(nearest_points(lat=27.083, lng=112.948, limit=1)) == 1
    assert len(nearest_points(lat=27.083, lng=112.948)) == 3  # any item


def test_national_day_closes_the_offices_and_names_the_next_opening(catalogue):
    rows = by_name(nearest_points(lat=GATE[0], lng=GATE[1], at=at(2026, 10, 1, 10)))
    station, hall, kiosk = (
        rows["兴东社区服务站"],
        rows["衡东县政务服务中心"],
        rows["兴东自助服务终端"],
    )
    assert not station.open_now and not hall.open_now
    assert station.next_open == at(2026, 10, 8, 8, 30)  # Thursday after the break
    assert hall.next_open == at(2026, 10, 8, 8, 30)  # its Saturday 10-03 is a holiday too
    assert kiosk.open_now and kiosk.next_open is None  # rule only: open through the holiday


def test_make_up_working_days_open_like_working_days(catalogue):
    sat = by_name(nearest_points(lat=GATE[0], lng=GATE[1], at=at(2026, 10, 10, 15)))
    assert sat["兴东社区服务站"].open_now  # 调休上班: the afternoon line opens on a Saturday
    sun = by_name(nearest_points(lat=GATE[0], lng=GATE[1], at=at(2026, 9, 20, 9)))
    assert sun["兴东社区服务站"].open_now
    # Friday evening before the make-up Saturday: next opening is that Saturday morning
    fri = by_name(nearest_points(lat=GATE[0], lng=GATE[1], at=at(2026, 10, 9, 18)))
    assert fri["兴东社区服务站"].next_open == at(2026, 10, 10, 8, 30)


def test_ordinary_saturday_only_the_saturday_line(catalogue):
    rows = by_name(nearest_points(lat=GATE[0], lng=GATE[1], at=at(2026, 10, 17, 10)))
    assert rows["衡东县政务服务中心"].open_now
    assert not rows["兴东社区服务站"].open_now
    assert rows["兴东社区服务站"].next_open == at(2026, 10, 19, 8, 30)  # Monday


def test_lunch_break_and_evening(catalogue):
    rows = by_name(nearest_points(lat=GATE[0], lng=GATE[1], at=at(2026, 9, 29, 12, 30)))
    assert rows["兴东社区服务站"].next_open == at(2026, 9, 29, 14, 30)
    rows = by_name(nearest_points(lat=GATE[0], lng=GATE[1], at=at(2026, 9, 29, 22, 0)))
    assert not rows["兴东自助服务终端"].open_now
    assert rows["兴东自助服务终端"].next_open == at(2026, 9, 30, 7, 0)


def test_an_edited_calendar_day_moves_the_answer(catalogue, county_official):
    from linli.cases import services as case_services

    case_services.calendar_day_set(
        actor=county_official, date=at(2026, 9, 29).date(), is_working_day=False, note="停电"
    )
    rows = by_name(nearest_points(lat=GATE[0], lng=GATE[1], at=at(2026, 9, 29, 10)))
    assert not rows["兴东社区服务站"].open_now
    assert rows["兴东社区服务站"].next_open == at(2026, 9, 30, 8, 30)


def test_bad_input(catalogue):
    with pytest.raises(NotFound):
        nearest_points(lat=27.083, lng=112.948, item_code="NO-SUCH")
    with pytest.raises(Invalid) as exc:
        nearest_points(lat=95, lng=112.948)
    assert exc.value.code == "services.invalid_coordinates"
    with pytest.raises(Invalid):
        nearest_points(lat="abc", lng=112.948)
    with pytest.raises(Invalid):
        nearest_points(lat=27, lng=112, limit=0)


def test_query_count(catalogue, django_assert_max_num_queries):
    nearest_points(lat=27.083, lng=112.948, at=at(2026, 9, 29))  # the calendar loaded once
    with django_assert_max_num_queries(3):
        nearest_points(lat=27.083, lng=112.948, item_code="430424-RS-0001", at=at(2026, 9, 29))
