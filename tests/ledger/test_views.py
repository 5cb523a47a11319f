"""Ledger pages: what each persona sees, masking, and query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.accounts.models import Role
from linli.ledger import services

from ..factories import make_user


@pytest.fixture
def populated(compound):
    household = services.household_ensure(
        compound=compound, building="1栋", unit="1单元", room="101", area=Decimal("68.50")
    )
    services.resident_save(
        household=household,
        name="王桂兰",
        id_number="430424194101035562",
        phone="139 2144 4943",
        lives_alone=True,
        is_party_member=True,
    )
    return household


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("ledger:index"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_index_lists_only_the_workers_community(client, xingdong_worker, compound, other_compound):
    client.force_login(xingdong_worker)
    body = client.get(reverse("ledger:index")).content.decode()
    assert "兴东社区" in body
    assert "新塘社区" not in body


def test_county_official_sees_both_communities(client, county_official, compound, other_compound):
    client.force_login(county_official)
    body = client.get(reverse("ledger:index")).content.decode()
    assert "兴东社区" in body and "新塘社区" in body


def test_community_and_compound_out_of_scope_are_404(
    client, xintang_worker, compound, regions, populated
):
    client.force_login(xintang_worker)
    assert client.get(reverse("ledger:community", args=[regions["xingdong"].pk])).status_code == 404
    assert client.get(reverse("ledger:compound", args=[compound.pk])).status_code == 404


def test_compound_page_masks_id_and_phone(client, xingdong_worker, compound, populated):
    client.force_login(xingdong_worker)
    body = client.get(reverse("ledger:compound", args=[compound.pk])).content.decode()
    assert "王桂兰" in body
    assert "4304**********5562" in body
    assert "430424194101035562" not in body
    assert "139****4943" in body
    assert "独居老人" in body  # a community worker's duty needs the vulnerable-person tags


def test_ledger_pages_are_for_the_office(client, regions, compound, populated):
    # A 居民 or a 邻长 works from the grid pages; the ledger pages count whole communities.
    for role in (Role.RESIDENT, Role.NEIGHBOUR_LEADER, Role.COMMITTEE_MEMBER):
        user = make_user(f"u_{role}", role, regions["xingdong"])
        client.force_login(user)
        assert client.get(reverse("ledger:compound", args=[compound.pk])).status_code == 404
        assert client.get(reverse("ledger:index")).status_code == 404


def test_department_staff_see_compounds_but_no_residents(client, regions, compound, populated):
    user = make_user("fire", Role.DEPARTMENT_STAFF, regions["county"], "消防")
    client.force_login(user)
    body = client.get(reverse("ledger:compound", args=[compound.pk])).content.decode()
    assert "粮站宿舍" in body
    assert "王桂兰" not in body


def test_community_page_filters_sanwu_with_htmx(client, xingdong_worker, regions, compound):
    services.compound_create(
        community=regions["xingdong"], name="东门安置小区", property_service="community_custody"
    )
    client.force_login(xingdong_worker)
    url = reverse("ledger:community", args=[regions["xingdong"].pk])
    full = client.get(url).content.decode()
    assert "粮站宿舍" in full and "东门安置小区" in full
    partial = client.get(url, {"sanwu": "1"}, headers={"HX-Request": "true"}).content.decode()
    assert "粮站宿舍" in partial and "东门安置小区" not in partial
    assert "<html" not in partial


def test_sanwu_count_as_of_a_date(client, county_official, compound):
    survey = timezone.make_aware(dt.datetime(2023, 6, 30, 12))
    compound.history.update(history_date=survey)
    services.compound_update(
        compound=compound,
        property_service="community_custody",
        reason="社区托管",
        when=timezone.make_aware(dt.datetime(2025, 1, 1)),
    )
    client.force_login(county_official)
    url = reverse("ledger:sanwu_as_of")
    assert "<b>1</b>" in client.get(url, {"as_of": "2023-07-01"}).content.decode()
    assert "<b>0</b>" in client.get(url, {"as_of": "2025-06-01"}).content.decode()
    assert "格式" in client.get(url, {"as_of": "2023-13-01"}).content.decode()


def test_compound_page_query_count_does_not_grow(
    client, xingdong_worker, compound, django_assert_max_num_queries
):
    for i in range(30):
        h = services.household_ensure(
            compound=compound, building=f"{i % 3 + 1}栋", unit="1单元", room=f"{i + 101}"
        )
        services.resident_save(household=h, name=f"居民{i}")
    client.force_login(xingdong_worker)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("ledger:compound", args=[compound.pk]))
    assert response.status_code == 200


def test_compound_history_shows_who_and_what(client, xingdong_worker, compound):
    services.compound_update(
        actor=xingdong_worker, compound=compound, property_service="social", reason="引入社会化物业"
    )
    client.force_login(xingdong_worker)
    body = client.get(reverse("ledger:compound", args=[compound.pk])).content.decode()
    assert "引入社会化物业" in body
    assert "兴东工作人员" in body
