"""The public pages and API of the services app, and the offices' writes through the API."""

import pytest
from django.test import Client

from .conftest import WEEKDAYS

pytestmark = pytest.mark.django_db


@pytest.fixture
def anon():
    return Client()


def login(user):
    c = Client()
    c.force_login(user)
    return c


def test_near_page_for_a_stranger_by_position(catalogue, anon):
    r = anon.get("/services/", {"item": "430424-GA-0002", "lat": "27.083", "lng": "112.948"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "能办“居住证办理”的最近网点" in html
    assert html.index("兴东社区服务站") < html.index("衡东县政务服务中心")
    assert "兴东自助服务终端" not in html.split("最近网点")[1]  # the kiosk cannot do it
    assert "约 260 米" in html  # 264 m, to ten metres


def test_near_page_starts_from_the_residents_compound(catalogue, grid_world, compound):
    compound.latitude, compound.longitude = 27.083, 112.948
    compound.save(update_fields=["latitude", "longitude"])
    r = login(grid_world["resident_a"]).get("/services/", {"item": "430424-RS-0001"})
    html = r.content.decode()
    assert "从粮站宿舍出发" in html
    assert "兴东自助服务终端" in html


def test_near_page_bad_input_is_a_clear_message(catalogue, anon):
    r = anon.get("/services/", {"lat": "999", "lng": "112"})
    assert r.status_code == 200 and "纬度应在 -90 到 90 之间" in r.content.decode()
    r = anon.get("/services/", {"item": "NOPE", "lat": "27", "lng": "112"})
    assert r.status_code == 200  # an unknown code: all items


def test_item_point_pages_and_pdf(catalogue, anon):
    card, station = catalogue["card"], catalogue["station"]
    html = anon.get(f"/services/items/{card.pk}/").content.decode()
    assert "近期免冠照片" in html and "当场办结" in html and "兴东社区服务站" in html
    r = anon.get(f"/services/items/{card.pk}/guide.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    html = anon.get(f"/services/points/{station.pk}/").content.decode()
    assert "周一至周五 08:30–12:00、14:30–17:30" in html and "社保卡补办" in html
    assert html.count("法定节假日休息") == 1
    assert anon.get("/services/items/999999/").status_code == 404
    assert anon.get("/services/points/999999/").status_code == 404
    assert "社保卡补办" in anon.get("/services/items/", {"q": "社保"}).content.decode()


def test_api_reading_is_public(catalogue, anon):
    r = anon.get(
        "/api/v1/services/nearest",
        {
            "lat": 27.083,
            "lng": 112.948,
            "item": "430424-RS-0001",
            "at": "2026-10-01T10:00:00+08:00",
        },
    )
    assert r.status_code == 200, r.content
    rows = {x["name"]: x for x in r.json()}
    assert rows["兴东社区服务站"]["open_now"] is False
    assert rows["兴东社区服务站"]["next_open"].startswith("2026-10-08T08:30:00")
    assert rows["兴东自助服务终端"]["open_now"] is True
    assert anon.get("/api/v1/services/items").json()[0]["code"] == "430424-GA-0002"
    detail = anon.get(f"/api/v1/services/points/{catalogue['hall'].pk}").json()
    assert detail["item_codes"] == ["430424-GA-0002", "430424-RS-0001"]
    assert len(detail["hours"]) == 3
    bad = anon.get("/api/v1/services/nearest", {"lat": 27})
    assert bad.status_code == 400 and bad.json()["code"] == "services.point_required"
    assert (
        anon.get("/api/v1/services/nearest", {"lat": 27, "lng": 112, "item": "X-1"}).status_code
        == 404
    )
    # a compound only from one's own scope: a stranger's compound id is missing
    assert anon.get("/api/v1/services/nearest", {"compound_id": 1}).status_code == 404


def test_api_writes(catalogue, xingdong_worker, xintang_worker, regions):
    station = catalogue["station"]
    xd, xt = login(xingdong_worker), login(xintang_worker)
    url = f"/api/v1/services/points/{station.pk}/hours"
    bad = {
        "hours": [{"rrule": "FREQ=WEEKLY;BYDAY=MO,FOO", "opens_at": "08:30", "closes_at": "12:00"}]
    }
    r = xd.put(url, bad, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "services.invalid_rrule"
    assert r.json()["details"][0]["field"] == "hours.0.rrule"
    good = {"hours": [{"rrule": WEEKDAYS, "opens_at": "09:00", "closes_at": "17:00"}]}
    assert xt.put(url, good, content_type="application/json").status_code == 403
    r = xd.put(url, good, content_type="application/json")
    assert r.status_code == 200 and r.json()["hours"][0]["opens_at"] == "09:00:00"
    r = xd.post(
        "/api/v1/services/points",
        {
            "region_id": regions["xingdong"].pk,
            "name": "粮站宿舍代办点",
            "kind": "agency",
            "address": "粮站宿舍 1 栋架空层",
            "city": "衡阳市",
            "province": "湖南省",
            "postal_code": "421400",
            "latitude": "27.0831",
            "longitude": "112.9482",
            "hours": [
                {
                    "rrule": "FREQ=MONTHLY;BYDAY=+1SA",
                    "opens_at": "09:00",
                    "closes_at": "11:30",
                    "calendar": "rule_only",
                }
            ],
            "item_codes": ["430424-RS-0001"],
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["hours"][0]["label"].startswith("每月第1个周六")
    r = xd.patch(
        f"/api/v1/services/items/{catalogue['card'].pk}",
        {"fee": "5"},
        content_type="application/json",
    )
    assert r.status_code == 403  # the county department's item
