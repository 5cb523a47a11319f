"""The ledger API: scope and isolation per endpoint, masking, writes through services.

Personas (tests/conftest.py): 县干部 ``county_official`` sees the county; ``xingdong_worker``
(兴东社区) and ``xintang_worker`` (新塘社区) see their own community; ``committee`` (业委会成员
of 粮站宿舍) sees that compound but may not edit, unmask or see vulnerable-person tags; the
邻长 of ``grid_world`` see their 邻's households and may unmask phones only.
"""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from stdnum.cn import ric

from linli.accounts.models import Role
from linli.core.models import AccessLog
from linli.ledger import services
from linli.ledger.models import Household, Resident

from ..factories import make_user

API = "/api/v1/ledger"


def id_number(birth: str, seq: str = "001", place: str = "430424") -> str:
    """A valid 18-character ID number for a birth date ``YYYYMMDD`` (odd ``seq`` = male)."""
    body = f"{place}{birth}{seq}"
    return body + ric.calc_check_digit(body + "?")  # stdnum skips the last character


@pytest.fixture
def committee(regions, compound):
    """业委会成员 of 粮站宿舍: reads that compound, edits nothing, unmasks nothing."""
    user = make_user("ywh", Role.COMMITTEE_MEMBER, regions["xingdong"], "业委会成员")
    user.profile.compound = compound
    user.profile.save()
    return user


@pytest.fixture
def town_official(regions):
    return make_user("town", Role.TOWN_OFFICIAL, regions["town"], "镇干部")


@pytest.fixture
def household(compound):
    return services.household_ensure(
        compound=compound, building="1栋", unit="1单元", room="101", area=Decimal("68.50")
    )


@pytest.fixture
def elder(household):
    """王桂兰, 84, lives alone, party member — in 兴东社区's 粮站宿舍."""
    return services.resident_save(
        household=household,
        name="王桂兰",
        id_number="430424194101035562",
        phone="13921444943",
        lives_alone=True,
        is_party_member=True,
        other_tags="重点关注",
    )


@pytest.fixture
def child(household):
    return services.resident_save(
        household=household,
        name="王小明",
        id_number="44011320141005001X",
        relation="grandchild",
        is_left_behind_child=True,
    )


@pytest.fixture
def other_household(other_compound):
    return services.household_ensure(
        compound=other_compound, building="A栋", unit="2单元", room="302", area=Decimal("90.00")
    )


@pytest.fixture
def stranger(other_household):
    """A resident of 新塘社区, invisible to 兴东's staff."""
    return services.resident_save(
        household=other_household,
        name="李四",
        id_number="360426199101010071",
        phone="0734-5221234",
        is_low_income=True,
    )


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


# --- regions ---------------------------------------------------------------------------------


def test_region_list_is_the_users_subtree(client, county_official, xintang_worker, regions):
    client.force_login(county_official)
    body = client.get(f"{API}/regions").json()
    assert [r["name"] for r in body["items"]] == ["衡东县", "洣水镇", "兴东社区", "新塘社区"]
    assert body["count"] == 4

    client.force_login(xintang_worker)
    body = client.get(f"{API}/regions").json()
    assert [r["name"] for r in body["items"]] == ["新塘社区"]
    assert body["count"] == 1


def test_region_filters(client, county_official, regions):
    client.force_login(county_official)
    assert ids(client.get(f"{API}/regions", {"level": 5})) == [
        regions["xingdong"].pk,
        regions["xintang"].pk,
    ]
    assert ids(client.get(f"{API}/regions", {"parent": regions["county"].pk})) == [
        regions["town"].pk
    ]
    assert ids(client.get(f"{API}/regions", {"q": "兴东"})) == [regions["xingdong"].pk]
    assert ids(client.get(f"{API}/regions", {"q": "430424"})) == [
        regions["county"].pk,
        regions["town"].pk,
    ]


def test_region_detail_and_isolation(client, county_official, xintang_worker, regions):
    client.force_login(county_official)
    body = client.get(f"{API}/regions/{regions['xingdong'].pk}").json()
    assert body["full_name"] == "湖南省衡阳市衡东县洣水镇兴东社区"
    assert body["level_label"] == "社区"
    assert body["parent_id"] == regions["town"].pk

    client.force_login(xintang_worker)
    response = client.get(f"{API}/regions/{regions['xingdong'].pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    # Above the worker's own region is out of scope too
    assert client.get(f"{API}/regions/{regions['town'].pk}").status_code == 404


def test_town_official_creates_a_community(client, town_official, regions):
    client.force_login(town_official)
    response = client.post(
        f"{API}/regions",
        {"name": "东风社区", "level": 5, "parent": regions["town"].pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["full_name"] == "湖南省衡阳市衡东县洣水镇东风社区"
    assert ids(client.get(f"{API}/regions", {"q": "东风"})) == [body["id"]]


def test_region_create_refusals(client, county_official, xingdong_worker, town_official, regions):
    client.force_login(xingdong_worker)
    response = client.post(
        f"{API}/regions",
        {"name": "小社区", "level": 5, "parent": regions["town"].pk},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"

    client.force_login(town_official)
    # above the official's own town: not visible
    response = client.post(
        f"{API}/regions",
        {"name": "新镇", "level": 4, "parent": regions["county"].pk},
        content_type="application/json",
    )
    assert response.status_code == 404
    # a province: superusers only
    response = client.post(
        f"{API}/regions", {"name": "湖北省", "level": 1}, content_type="application/json"
    )
    assert response.status_code == 403

    client.force_login(county_official)
    response = client.post(
        f"{API}/regions",
        {"name": "兴东社区", "level": 5, "parent": regions["town"].pk},
        content_type="application/json",
    )
    assert response.status_code == 409
    response = client.post(
        f"{API}/regions",
        {"name": "甘溪镇", "level": 4, "parent": regions["county"].pk, "code": "4304"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "ledger.region_code"


# --- compounds -------------------------------------------------------------------------------


def test_compound_list_is_scoped_with_sanwu_and_counts(
    client, xingdong_worker, xintang_worker, county_official, compound, other_compound, elder
):
    client.force_login(xingdong_worker)
    body = client.get(f"{API}/compounds").json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["name"] == "粮站宿舍"
    assert item["community"] == {"id": compound.community_id, "name": "兴东社区"}
    assert item["is_sanwu"] is True
    assert item["counts"] == {"buildings": 1, "households": 1, "residents": 1}

    client.force_login(xintang_worker)
    body = client.get(f"{API}/compounds").json()
    assert ids(client.get(f"{API}/compounds")) == [other_compound.pk]
    assert body["count"] == 1
    # 兴东's households and residents do not leak into the totals
    assert body["items"][0]["counts"] == {"buildings": 0, "households": 0, "residents": 0}

    client.force_login(county_official)
    assert client.get(f"{API}/compounds").json()["count"] == 2


def test_department_staff_see_compounds_but_no_households(client, regions, compound, elder):
    fire = make_user("fire", Role.DEPARTMENT_STAFF, regions["county"], "消防")
    client.force_login(fire)
    (item,) = client.get(f"{API}/compounds").json()["items"]
    assert item["counts"] == {"buildings": 1, "households": 0, "residents": 0}
    assert client.get(f"{API}/households").json()["count"] == 0
    assert client.get(f"{API}/residents").json()["count"] == 0
    assert client.get(f"{API}/residents/{elder.pk}").status_code == 404


def test_compound_filters(client, county_official, regions, compound, other_compound):
    services.compound_update(
        compound=other_compound,
        property_service="professional",
        property_company="衡东物业",
        address="新塘路8号",
    )
    services.compound_create(
        community=regions["xingdong"],
        name="供销社宿舍",
        construction_background="work_unit_dormitory",
        has_gate=True,
    )
    client.force_login(county_official)

    def names(**params):
        return [i["name"] for i in client.get(f"{API}/compounds", params).json()["items"]]

    assert names(sanwu="true") == ["粮站宿舍"]
    assert sorted(names(sanwu="false")) == ["供销社宿舍", "新塘小区"]
    assert names(community=regions["xintang"].pk) == ["新塘小区"]
    assert names(property_service="professional") == ["新塘小区"]
    assert names(construction_background="work_unit_dormitory") == ["供销社宿舍"]
    assert names(q="新塘路") == ["新塘小区"]
    assert names(q="粮站") == ["粮站宿舍"]
    response = client.get(f"{API}/compounds", {"property_service": "maybe"})
    assert response.status_code == 422


def test_compound_list_query_count_does_not_grow(
    client, county_official, regions, django_assert_max_num_queries
):
    for n in range(12):
        c = services.compound_create(community=regions["xingdong"], name=f"小区{n:02d}")
        h = services.household_ensure(compound=c, building="1栋", unit="1单元", room="101")
        services.resident_save(
            household=h, name=f"居民{n}", id_number=id_number(f"1980{n + 1:02d}01", "011")
        )
    client.force_login(county_official)
    with django_assert_max_num_queries(6):
        body = client.get(f"{API}/compounds").json()
    assert body["count"] == 12
    assert all(
        i["counts"] == {"buildings": 1, "households": 1, "residents": 1} for i in body["items"]
    )


def test_compound_detail_summarises_buildings_and_units(
    client, xingdong_worker, xintang_worker, compound, household, elder, child
):
    services.household_ensure(compound=compound, building="1栋", unit="2单元", room="201")
    services.household_ensure(compound=compound, building="2栋", unit="1单元", room="101")
    client.force_login(xingdong_worker)
    body = client.get(f"{API}/compounds/{compound.pk}").json()
    assert body["counts"] == {"buildings": 2, "households": 3, "residents": 2}
    assert [(b["name"], b["household_count"], b["resident_count"]) for b in body["buildings"]] == [
        ("1栋", 2, 2),
        ("2栋", 1, 0),
    ]
    assert [(u["name"], u["household_count"]) for u in body["buildings"][0]["units"]] == [
        ("1单元", 1),
        ("2单元", 1),
    ]

    client.force_login(xintang_worker)
    assert client.get(f"{API}/compounds/{compound.pk}").status_code == 404


def test_worker_creates_a_compound_in_their_community(client, xingdong_worker, regions):
    client.force_login(xingdong_worker)
    response = client.post(
        f"{API}/compounds",
        {
            "community": regions["xingdong"].pk,
            "name": "农机站宿舍",
            "address": "兴东路12号",
            "year_built": 1988,
            "construction_background": "work_unit_dormitory",
            "surveyed_households": 48,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["is_sanwu"] is True
    assert body["construction_background_label"] == "单位宿舍"
    assert body["surveyed_households"] == 48
    history = client.get(f"{API}/compounds/{body['id']}/history").json()
    assert history[0]["type"] == "+"
    assert history[0]["who"]["display_name"] == "兴东工作人员"


def test_compound_create_refusals(client, xingdong_worker, committee, regions, compound):
    client.force_login(committee)
    payload = {"community": regions["xingdong"].pk, "name": "新小区"}
    response = client.post(f"{API}/compounds", payload, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"

    client.force_login(xingdong_worker)
    payload = {"community": regions["xintang"].pk, "name": "新小区"}
    response = client.post(f"{API}/compounds", payload, content_type="application/json")
    assert response.status_code == 404
    payload = {"community": regions["town"].pk, "name": "新小区"}
    assert (
        client.post(f"{API}/compounds", payload, content_type="application/json").status_code == 404
    )
    payload = {"community": regions["xingdong"].pk, "name": "粮站宿舍"}
    response = client.post(f"{API}/compounds", payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "ledger.duplicate_compound"
    assert "兴东社区已有小区“粮站宿舍”" in response.json()["message"]


def test_patch_compound_records_history_and_sanwu_follows(
    client, xingdong_worker, xintang_worker, compound
):
    client.force_login(xingdong_worker)
    response = client.patch(
        f"{API}/compounds/{compound.pk}",
        {"property_service": "community_custody", "reason": "社区托管物业进驻"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["is_sanwu"] is False
    assert response.json()["property_service_label"] == "社区托管"

    history = client.get(f"{API}/compounds/{compound.pk}/history").json()
    assert [h["type"] for h in history] == ["~", "+"]
    latest = history[0]
    assert latest["reason"] == "社区托管物业进驻"
    assert latest["who"]["username"] == "xd_worker"
    assert latest["changes"] == [
        {
            "field": "property_service",
            "label": "物业服务",
            "old": "none",
            "new": "community_custody",
        }
    ]

    client.force_login(xintang_worker)
    response = client.patch(
        f"{API}/compounds/{compound.pk}", {"note": "x"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert client.get(f"{API}/compounds/{compound.pk}/history").status_code == 404


def test_patch_compound_refusals(client, xingdong_worker, committee, compound, regions):
    client.force_login(committee)
    response = client.patch(
        f"{API}/compounds/{compound.pk}", {"note": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    services.compound_create(community=regions["xingdong"], name="供销社宿舍")
    client.force_login(xingdong_worker)
    response = client.patch(
        f"{API}/compounds/{compound.pk}", {"name": None}, content_type="application/json"
    )
    assert response.status_code == 422
    response = client.patch(
        f"{API}/compounds/{compound.pk}", {"name": "供销社宿舍"}, content_type="application/json"
    )
    assert response.status_code == 409
    compound.refresh_from_db()
    assert compound.name == "粮站宿舍"
    # An explicit null clears a number
    response = client.patch(
        f"{API}/compounds/{compound.pk}",
        {"year_built": 1985},
        content_type="application/json",
    )
    assert response.json()["year_built"] == 1985
    response = client.patch(
        f"{API}/compounds/{compound.pk}", {"year_built": None}, content_type="application/json"
    )
    assert response.json()["year_built"] is None


def test_sanwu_count_as_of_a_date(client, county_official, xintang_worker, regions):
    survey = timezone.make_aware(dt.datetime(2023, 6, 30, 12, 0))
    fixed = timezone.make_aware(dt.datetime(2024, 3, 1, 9, 0))
    a = services.compound_create(community=regions["xingdong"], name="A小区", when=survey)
    services.compound_create(community=regions["xingdong"], name="B小区", when=survey)
    services.compound_create(community=regions["xintang"], name="C小区", when=survey)
    services.compound_update(compound=a, has_cameras=True, when=fixed)
    client.force_login(county_official)

    def count(**params):
        response = client.get(f"{API}/compounds/sanwu-count", params)
        assert response.status_code == 200, response.json()
        return response.json()["count"]

    assert count(as_of="2023-06-30") == 3
    assert count(as_of="2023-06-30T12:00:00+08:00") == 3
    assert count(as_of="2023-06-30 11:00") == 0  # before the survey was entered
    assert count(as_of="2024-03-01") == 2
    assert count() == 2
    assert count(as_of="2023-06-30", region=regions["xingdong"].pk) == 2
    response = client.get(f"{API}/compounds/sanwu-count", {"as_of": "去年"})
    assert response.status_code == 422

    client.force_login(xintang_worker)
    assert count(as_of="2023-06-30") == 1
    response = client.get(
        f"{API}/compounds/sanwu-count", {"as_of": "2023-06-30", "region": regions["xingdong"].pk}
    )
    assert response.status_code == 404


# --- households ------------------------------------------------------------------------------


def test_household_list_scoped_and_filtered(
    client, xingdong_worker, xintang_worker, compound, household, other_household, elder
):
    b2 = services.household_ensure(
        compound=compound, building="2栋", unit="1单元", room="502", use="rented"
    )
    client.force_login(xingdong_worker)
    body = client.get(f"{API}/households").json()
    assert body["count"] == 2
    first = body["items"][0]
    assert first["area"] == "68.50"
    assert first["compound"]["name"] == "粮站宿舍"
    assert first["building"]["name"] == "1栋"
    assert first["resident_count"] == 1
    assert ids(client.get(f"{API}/households", {"use": "rented"})) == [b2.pk]
    assert ids(client.get(f"{API}/households", {"q": "50"})) == [b2.pk]
    assert ids(client.get(f"{API}/households", {"building": b2.unit.building_id})) == [b2.pk]
    assert ids(client.get(f"{API}/households", {"unit": household.unit_id})) == [household.pk]
    assert ids(client.get(f"{API}/households", {"compound": compound.pk})) == [
        household.pk,
        b2.pk,
    ]
    # Asking for another community's compound yields nothing, not their rows
    assert (
        ids(
            client.get(f"{API}/households", {"compound": other_household.unit.building.compound_id})
        )
        == []
    )

    client.force_login(xintang_worker)
    body = client.get(f"{API}/households").json()
    assert ids(client.get(f"{API}/households")) == [other_household.pk]
    assert body["count"] == 1


def test_household_detail_lists_masked_residents(
    client, xingdong_worker, xintang_worker, household, elder
):
    client.force_login(xingdong_worker)
    body = client.get(f"{API}/households/{household.pk}").json()
    assert body["resident_count"] == 1
    (person,) = body["residents"]
    assert person["id_number"] == "4304**********5562"
    assert person["phone"] == "139****4943"
    assert person["unmasked"] == []

    client.force_login(xintang_worker)
    assert client.get(f"{API}/households/{household.pk}").status_code == 404


def test_household_list_query_count(
    client, xingdong_worker, compound, django_assert_max_num_queries
):
    for n in range(15):
        h = services.household_ensure(
            compound=compound, building=f"{n % 3 + 1}栋", unit="1单元", room=f"{n + 1}01"
        )
        services.resident_save(household=h, name=f"居民{n}")
    client.force_login(xingdong_worker)
    with django_assert_max_num_queries(6):
        body = client.get(f"{API}/households").json()
    assert body["count"] == 15
    assert all(i["resident_count"] == 1 for i in body["items"])


def test_create_household_with_decimal_area(client, xingdong_worker, compound):
    client.force_login(xingdong_worker)
    payload = {
        "compound": compound.pk,
        "building": "3栋",
        "unit": "2单元",
        "room": "502",
        "area": "89.37",
        "area_source": "surveyed",
        "use": "rented",
    }
    response = client.post(f"{API}/households", payload, content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["area"] == "89.37"
    assert body["floor"] == 5
    assert body["building"]["name"] == "3栋"
    household = Household.objects.get(pk=body["id"])
    assert household.area == Decimal("89.37")
    assert household.history.first().history_user.username == "xd_worker"

    # the same room again is an error, not a silent update
    payload["area"] = "90.00"
    response = client.post(f"{API}/households", payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "ledger.duplicate_room"
    household.refresh_from_db()
    assert household.area == Decimal("89.37")


def test_household_area_must_be_a_decimal_string(client, xingdong_worker, compound):
    client.force_login(xingdong_worker)
    base = {"compound": compound.pk, "building": "1栋", "unit": "1单元", "room": "101"}
    response = client.post(
        f"{API}/households", {**base, "area": 89.37}, content_type="application/json"
    )
    assert response.status_code == 422
    response = client.post(
        f"{API}/households", {**base, "area": "八十"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "ledger.invalid_area"
    assert "不是数字" in response.json()["message"]
    assert not Household.objects.exists()


def test_household_write_refusals(
    client, xingdong_worker, xintang_worker, committee, compound, household
):
    payload = {"compound": compound.pk, "building": "1栋", "unit": "1单元", "room": "102"}
    client.force_login(committee)
    response = client.post(f"{API}/households", payload, content_type="application/json")
    assert response.status_code == 403
    response = client.patch(
        f"{API}/households/{household.pk}", {"use": "vacant"}, content_type="application/json"
    )
    assert response.status_code == 403

    client.force_login(xintang_worker)
    response = client.post(f"{API}/households", payload, content_type="application/json")
    assert response.status_code == 404
    response = client.patch(
        f"{API}/households/{household.pk}", {"use": "vacant"}, content_type="application/json"
    )
    assert response.status_code == 404
    household.refresh_from_db()
    assert household.use == "owner_occupied"


def test_patch_household(client, xingdong_worker, compound, household):
    services.household_ensure(compound=compound, building="1栋", unit="1单元", room="102")
    client.force_login(xingdong_worker)
    response = client.patch(
        f"{API}/households/{household.pk}",
        {"area": "70.05", "use": "vacant"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["area"] == "70.05"
    assert response.json()["use"] == "vacant"
    response = client.patch(
        f"{API}/households/{household.pk}", {"room": "102"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "ledger.duplicate_room"
    response = client.patch(
        f"{API}/households/{household.pk}", {"area": None}, content_type="application/json"
    )
    assert response.json()["area"] is None


# --- residents -------------------------------------------------------------------------------


def test_resident_list_masks_and_is_scoped(
    client, xingdong_worker, xintang_worker, elder, stranger
):
    client.force_login(xingdong_worker)
    body = client.get(f"{API}/residents").json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["name"] == "王桂兰"
    assert item["id_number"] == "4304**********5562"
    assert item["phone"] == "139****4943"
    assert item["sex"] == "F"
    assert item["household"]["compound"]["name"] == "粮站宿舍"
    assert item["household"]["room"] == "101"
    assert "birth_date" not in item
    assert item["tags"] == ["is_party_member", "lives_alone"]
    assert item["tag_labels"] == ["党员", "独居老人"]

    client.force_login(xintang_worker)
    body = client.get(f"{API}/residents").json()
    assert [i["name"] for i in body["items"]] == ["李四"]
    assert body["items"][0]["phone"] == "0734-***1234"
    assert body["count"] == 1
    assert client.get(f"{API}/residents", {"q": "王"}).json()["count"] == 0


def test_vulnerable_tags_hidden_from_roles_without_full_access(client, committee, elder, child):
    client.force_login(committee)
    body = client.get(f"{API}/residents").json()
    by_name = {i["name"]: i for i in body["items"]}
    assert by_name["王桂兰"]["tags"] == ["is_party_member"]
    assert by_name["王桂兰"]["other_tags"] == ""
    assert by_name["王小明"]["tags"] == []
    assert by_name["王桂兰"]["id_number"] == "4304**********5562"
    # filtering by a vulnerable tag would reveal it
    response = client.get(f"{API}/residents", {"tag": "lives_alone"})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert client.get(f"{API}/residents", {"tag": "is_party_member"}).json()["count"] == 1


def test_resident_filters(client, xingdong_worker, compound, household, elder, child, stranger):
    other = services.household_ensure(compound=compound, building="2栋", unit="1单元", room="301")
    adult = services.resident_save(
        household=other, name="张三丰", id_number=id_number("19900101", "013")
    )
    client.force_login(xingdong_worker)

    def names(**params):
        response = client.get(f"{API}/residents", params)
        assert response.status_code == 200, response.json()
        return sorted(i["name"] for i in response.json()["items"])

    assert names(tag="lives_alone") == ["王桂兰"]
    assert names(tag="is_left_behind_child") == ["王小明"]
    assert names(sex="M") == ["张三丰", "王小明"]
    assert names(age_max=13) == ["王小明"]
    assert names(age_min=14, age_max=60) == ["张三丰"]
    assert names(age_min=80) == ["王桂兰"]
    assert names(q="三丰") == ["张三丰"]
    assert names(household=household.pk) == ["王小明", "王桂兰"]
    assert names(compound=compound.pk) == ["张三丰", "王小明", "王桂兰"]
    assert client.get(f"{API}/residents", {"tag": "is_rich"}).status_code == 422
    assert adult.sex == "M"


def test_resident_list_query_count(
    client, xingdong_worker, household, django_assert_max_num_queries
):
    for n in range(20):
        services.resident_save(
            household=household,
            name=f"居民{n}",
            id_number=id_number(f"1960{n % 12 + 1:02d}15", f"{n * 2 + 1:03d}"),
            phone=f"139{n:08d}",
        )
    client.force_login(xingdong_worker)
    with django_assert_max_num_queries(6):
        body = client.get(f"{API}/residents").json()
    assert body["count"] == 20


def test_resident_detail_is_masked_by_default(client, xingdong_worker, xintang_worker, elder):
    client.force_login(xingdong_worker)
    body = client.get(f"{API}/residents/{elder.pk}").json()
    assert body["id_number"] == "4304**********5562"
    assert body["birth_date"] is None
    assert body["unmasked"] == []
    assert not AccessLog.objects.exists()

    client.force_login(xintang_worker)
    response = client.get(f"{API}/residents/{elder.pk}")
    assert response.status_code == 404
    response = client.get(f"{API}/residents/{elder.pk}", {"unmask": "true", "reason": "走访"})
    assert response.status_code == 404
    assert not AccessLog.objects.exists()


def test_unmask_with_reason_is_logged(client, xingdong_worker, elder):
    client.force_login(xingdong_worker)
    response = client.get(
        f"{API}/residents/{elder.pk}", {"unmask": "true", "reason": "办理高龄补贴"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["id_number"] == "430424194101035562"
    assert body["phone"] == "13921444943"
    assert body["birth_date"] == "1941-01-03"
    assert body["unmasked"] == ["id_number", "phone"]
    log = AccessLog.objects.get()
    assert log.user == xingdong_worker
    assert (log.action, log.subject, log.fields, log.reason) == (
        "view",
        f"居民#{elder.pk}",
        "身份证号,联系电话",
        "办理高龄补贴",
    )


def test_unmask_needs_a_reason_and_the_role(client, xingdong_worker, committee, elder):
    client.force_login(xingdong_worker)
    response = client.get(f"{API}/residents/{elder.pk}", {"unmask": "true"})
    assert response.status_code == 400
    assert response.json()["code"] == "ledger.unmask_reason_required"
    response = client.get(f"{API}/residents/{elder.pk}", {"unmask": "true", "reason": "  "})
    assert response.status_code == 400

    client.force_login(committee)
    response = client.get(f"{API}/residents/{elder.pk}", {"unmask": "true", "reason": "走访"})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not AccessLog.objects.exists()


def test_neighbour_leader_sees_their_neighbours_and_unmasks_phones_only(client, grid_world):
    liu, wang, zhao = (grid_world["residents"][k] for k in ("a", "a2", "b"))
    client.force_login(grid_world["leader_a"])
    body = client.get(f"{API}/residents").json()
    assert sorted(i["name"] for i in body["items"]) == ["刘建国", "王桂兰"]
    assert body["count"] == 2
    by_name = {i["name"]: i for i in body["items"]}
    assert by_name["刘建国"]["tags"] == ["lives_alone"]  # the 三长 look after them
    assert client.get(f"{API}/residents/{zhao.pk}").status_code == 404
    assert client.get(f"{API}/households/{zhao.household_id}").status_code == 404
    # the compound is visible, but its counts are of the leader's own households only
    (item,) = client.get(f"{API}/compounds").json()["items"]
    assert item["counts"] == {"buildings": 1, "households": 2, "residents": 2}
    detail = client.get(f"{API}/compounds/{item['id']}").json()
    assert detail["buildings"][0]["units"][0]["household_count"] == 2

    response = client.get(f"{API}/residents/{liu.pk}", {"unmask": "true", "reason": "上门走访"})
    assert response.status_code == 200
    body = response.json()
    assert body["phone"] == "13921869779"
    assert body["id_number"] == "4304**********5010"
    assert body["birth_date"] is None
    assert body["unmasked"] == ["phone"]
    log = AccessLog.objects.get()
    assert (log.user, log.fields, log.reason) == (grid_world["leader_a"], "联系电话", "上门走访")

    # a 邻长 reads but does not edit the ledger
    response = client.patch(
        f"{API}/residents/{wang.pk}", {"phone": "13900000000"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_superuser_may_unmask(client, elder):
    from ..factories import UserFactory

    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.get(f"{API}/residents/{elder.pk}", {"unmask": "1", "reason": "核对"})
    assert response.json()["id_number"] == "430424194101035562"
    assert AccessLog.objects.filter(user=admin).count() == 1


def test_create_resident_derives_sex_and_birth(client, xingdong_worker, household):
    client.force_login(xingdong_worker)
    response = client.post(
        f"{API}/residents",
        {
            "household": household.pk,
            "name": "赵六",
            "id_number": "11010519491231002x",
            "phone": "139 2144 4944",
            "relation": "spouse",
            "is_veteran": True,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["sex"] == "F"
    assert body["id_number"] == "1101**********002X"
    assert body["tags"] == ["is_veteran"]
    resident = Resident.objects.get(pk=body["id"])
    assert resident.birth_date == dt.date(1949, 12, 31)
    assert resident.phone == "13921444944"


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("110105194912310021", "校验位"),
        ("110105194902310026", "不是有效日期"),
        ("36042619910102009X", "校验位"),
        ("1101051949", "18位"),
    ],
)
def test_invalid_id_number_is_a_400_with_a_chinese_reason(
    client, xingdong_worker, household, number, reason
):
    client.force_login(xingdong_worker)
    response = client.post(
        f"{API}/residents",
        {"household": household.pk, "name": "错号", "id_number": number},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "ledger.invalid_id_number"
    assert reason in body["message"]
    assert body["details"] == [{"field": "id_number"}]
    assert not Resident.objects.exists()


def test_known_id_number_moves_the_person(client, xingdong_worker, compound, elder):
    new_home = services.household_ensure(
        compound=compound, building="2栋", unit="1单元", room="101"
    )
    client.force_login(xingdong_worker)
    response = client.post(
        f"{API}/residents",
        {"household": new_home.pk, "name": "王桂兰", "id_number": "430424194101035562"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    elder.refresh_from_db()
    assert elder.household == new_home
    # fields not sent are kept
    assert elder.phone == "13921444943"
    assert elder.lives_alone is True
    assert Resident.objects.count() == 1


def test_id_number_held_outside_scope_is_refused_without_naming(
    client, xingdong_worker, household, stranger
):
    client.force_login(xingdong_worker)
    response = client.post(
        f"{API}/residents",
        {"household": household.pk, "name": "冒名", "id_number": "360426199101010071"},
        content_type="application/json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "ledger.id_number_out_of_scope"
    assert "李四" not in body["message"]
    stranger.refresh_from_db()
    assert stranger.name == "李四"
    assert stranger.household.unit.building.compound.name == "新塘小区"


def test_resident_write_refusals(
    client, committee, xintang_worker, household, other_household, elder
):
    client.force_login(committee)
    response = client.post(
        f"{API}/residents",
        {"household": household.pk, "name": "新人"},
        content_type="application/json",
    )
    assert response.status_code == 403
    response = client.patch(
        f"{API}/residents/{elder.pk}", {"phone": "13900000000"}, content_type="application/json"
    )
    assert response.status_code == 403

    client.force_login(xintang_worker)
    response = client.post(
        f"{API}/residents",
        {"household": household.pk, "name": "新人"},
        content_type="application/json",
    )
    assert response.status_code == 404
    response = client.patch(
        f"{API}/residents/{elder.pk}", {"phone": "13900000000"}, content_type="application/json"
    )
    assert response.status_code == 404
    elder.refresh_from_db()
    assert elder.phone == "13921444943"


def test_patch_resident(client, xingdong_worker, compound, other_household, elder):
    client.force_login(xingdong_worker)
    response = client.patch(
        f"{API}/residents/{elder.pk}",
        {"phone": "0734-5221235", "is_low_income": True},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    elder.refresh_from_db()
    assert elder.phone == "0734-5221235"
    assert elder.is_low_income and elder.lives_alone
    assert elder.id_number == "430424194101035562"
    assert elder.history.first().history_user == xingdong_worker

    response = client.patch(
        f"{API}/residents/{elder.pk}", {"phone": "12345"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "ledger.invalid_phone"
    # moving into a household outside the worker's community
    response = client.patch(
        f"{API}/residents/{elder.pk}",
        {"household": other_household.pk},
        content_type="application/json",
    )
    assert response.status_code == 404
    response = client.patch(
        f"{API}/residents/{elder.pk}",
        {"id_number": "110105194912310021"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "ledger.invalid_id_number"


# --- Excel import and export -----------------------------------------------------------------


def resident_book(rows) -> bytes:
    """A minimal 居民台账 workbook as officials keep it."""
    book = Workbook()
    sheet = book.active
    sheet.title = "居民台账"
    sheet.append(["社区", "小区", "楼栋", "单元", "房号", "面积", "姓名", "身份证号", "联系电话"])
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(data: bytes, name: str = "台账.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_import_reports_every_error_and_writes_nothing(client, xingdong_worker, compound):
    data = resident_book(
        [
            [
                "兴东社区",
                "粮站宿舍",
                "1栋",
                "1单元",
                "101",
                "68.5",
                "张三",
                "110105194912310021",
                "",
            ],
            [
                "兴东社区",
                "粮站宿舍",
                "1栋",
                "1单元",
                "102",
                "八十",
                "李四",
                "11010519491231002X",
                "",
            ],
        ]
    )
    client.force_login(xingdong_worker)
    response = client.post(f"{API}/imports", {"file": upload(data)})
    assert response.status_code == 422
    body = response.json()
    assert body["ok"] is False
    assert body["dry_run"] is False
    assert isinstance(body["batch_id"], int)
    assert [(e["row"], e["column"], e["code"]) for e in body["errors"]] == [
        (2, "H", "ledger.invalid_id_number"),
        (3, "F", "ledger.invalid_area"),
    ]
    assert body["errors"][0]["sheet"] == "居民台账"
    assert "校验位" in body["errors"][0]["message"]
    assert not Household.objects.exists()
    assert not Resident.objects.exists()


def test_import_dry_run_then_for_real(client, xingdong_worker, compound):
    data = resident_book(
        [["兴东社区", "粮站宿舍", "1栋", "1单元", "101", "68.5", "张三", "11010519491231002X", ""]]
    )
    client.force_login(xingdong_worker)
    response = client.post(f"{API}/imports", {"file": upload(data), "dry_run": "true"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["ok"], body["dry_run"]) == (True, True)
    assert body["counts"]["residents"]["created"] == 1
    assert not Resident.objects.exists()

    response = client.post(f"{API}/imports", {"file": upload(data)})
    assert response.status_code == 200
    assert response.json()["counts"]["households"]["created"] == 1
    household = Household.objects.get()
    assert household.area == Decimal("68.50")
    assert household.residents.get().name == "张三"


def test_import_outside_scope_and_refusals(client, xintang_worker, committee, compound):
    data = resident_book(
        [["兴东社区", "粮站宿舍", "1栋", "1单元", "101", "68.5", "张三", "11010519491231002X", ""]]
    )
    client.force_login(xintang_worker)
    response = client.post(f"{API}/imports", {"file": upload(data)})
    assert response.status_code == 422
    assert {e["code"] for e in response.json()["errors"]} == {"ledger.out_of_scope"}
    assert not Household.objects.exists()

    response = client.post(f"{API}/imports", {"file": upload(b"not a workbook", "x.xlsx")})
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "ledger.not_excel"

    client.force_login(committee)
    response = client.post(f"{API}/imports", {"file": upload(data)})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"

    # No file: the form is checked before the handler, so whoever asks (a committee member
    # who may not import, a worker who may) is told which field is missing, and nothing else.
    for user in (committee, xintang_worker):
        client.force_login(user)
        response = client.post(f"{API}/imports", {})
        assert response.status_code == 422
        body = response.json()
        assert body["code"] == "invalid_input"
        assert [d["field"] for d in body["details"]] == ["file.file"], body
    assert not Household.objects.exists()


def exported_cells(response) -> set[str]:
    book = load_workbook(BytesIO(b"".join(response.streaming_content)), read_only=True)
    return {
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    }


def approved_export(client, requester, approver, community=None) -> int:
    client.force_login(requester)
    payload = {"reason": "年度台账上报", "community": community}
    response = client.post(f"{API}/export-requests", payload, content_type="application/json")
    assert response.status_code == 201, response.json()
    request_id = response.json()["id"]
    client.force_login(approver)
    response = client.post(
        f"{API}/export-requests/{request_id}/decision",
        {"approve": True},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    client.force_login(requester)
    return request_id


def test_export_is_scoped_and_round_trips(
    client, xingdong_worker, xintang_worker, town_official, regions, elder, stranger
):
    client.force_login(xingdong_worker)
    response = client.get(f"{API}/export")
    assert response.status_code == 403
    assert response.json()["code"] == "ledger.export_needs_approval"
    request_id = approved_export(client, xingdong_worker, town_official)
    response = client.get(f"{API}/export", {"request_id": request_id})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    assert AccessLog.objects.filter(user=xingdong_worker, action="export").count() == 1

    # export → import of an unchanged database changes nothing
    response = client.post(f"{API}/imports", {"file": upload(data)})
    assert response.status_code == 200, response.json()
    counts = response.json()["counts"]
    assert all(
        n == 0
        for outcomes in counts.values()
        for outcome, n in outcomes.items()
        if outcome != "unchanged"
    )

    # an approved request downloads once
    response = client.get(f"{API}/export", {"request_id": request_id})
    assert response.status_code == 409 and response.json()["code"] == "ledger.export_used"

    request_id = approved_export(client, xintang_worker, town_official)
    cells = exported_cells(client.get(f"{API}/export", {"request_id": request_id}))
    assert "李四" in cells
    assert "粮站宿舍" not in cells and "王桂兰" not in cells
    response = client.post(
        f"{API}/export-requests",
        {"reason": "x", "community": regions["xingdong"].pk},
        content_type="application/json",
    )
    assert response.status_code == 404
