"""Who may use each volunteers page and endpoint: every persona of grid_world and the office
personas. Out of scope answers exactly like missing (404)."""

import datetime as dt

import pytest
from django.urls import reverse

from linli.volunteers import services

from .conftest import at

pytestmark = pytest.mark.django_db

PERSONAS = [
    "county_official",
    "worker",
    "other_worker",
    "area_leader",
    "group_leader",
    "leader_a",
    "leader_b",
    "resident_a",
    "resident_b",
]


def persona(w, name, request):
    if name == "county_official":
        return request.getfixturevalue("county_official")
    return w[name]


@pytest.fixture
def served(vworld):
    w = vworld
    services.record_check_in(actor=w["resident_a"], shift=w["shift"], when=at(9))
    record = services.record_check_out(actor=w["resident_a"], shift=w["shift"], when=at(11))
    services.record_approve(actor=w["worker"], record=record)
    cert = services.certificate_issue(
        actor=w["worker"],
        volunteer=w["va"],
        period_start=dt.date(2026, 5, 1),
        period_end=dt.date(2026, 5, 31),
        person_in_charge="李",
        handler="王",
        contact="1",
    )
    return {**w, "record": record, "cert": cert}


# (url builder, who may: a set of personas; others get 404 — or, for the volunteer's own pages,
# the "not a volunteer" page (200) when their role has the capability but no registration)
OWN_PAGES = ["volunteers:mine", "volunteers:hours", "volunteers:points"]


@pytest.mark.parametrize("name", PERSONAS)
@pytest.mark.parametrize("page", OWN_PAGES)
def test_own_pages_show_only_ones_own(client, served, request, name, page):
    user = persona(served, name, request)
    client.force_login(user)
    response = client.get(reverse(page))
    if name == "county_official":
        assert response.status_code == 200  # region roles may be volunteers too
    assert response.status_code == 200
    body = response.content.decode()
    if name == "resident_a":
        assert served["va"].number in body or "积分" in body
    else:
        assert served["va"].number not in body


@pytest.mark.parametrize("name", PERSONAS)
def test_the_certificate_pdf_is_the_volunteers_and_the_offices(client, served, request, name):
    client.force_login(persona(served, name, request))
    response = client.get(reverse("volunteers:certificate_pdf", args=[served["cert"].pk]))
    allowed = {"resident_a", "worker", "county_official"}
    assert response.status_code == (200 if name in allowed else 404)


@pytest.mark.parametrize("name", PERSONAS)
@pytest.mark.parametrize("page", ["desk", "approvals", "roll"])
def test_organiser_pages(client, served, request, name, page):
    client.force_login(persona(served, name, request))
    args = [served["shift"].pk] if page == "roll" else []
    response = client.get(reverse(f"volunteers:{page}", args=args))
    allowed = {"worker", "county_official"}
    if page != "roll":
        allowed = allowed | {"other_worker"}  # their own (empty) desk
    assert response.status_code == (200 if name in allowed else 404), name


def test_a_named_organiser_who_is_not_office_gets_their_roll(client, served):
    w = served
    activity = services.activity_create(
        actor=w["worker"],
        community=w["community"],
        title="楼道清理",
        kind="cleaning",
        place="1栋",
        organiser=w["leader_a"],
        shifts=[services.ShiftIn(start=at(9, day=10), end=at(10, day=10), places=3)],
    )
    client.force_login(w["leader_a"])
    assert (
        client.get(reverse("volunteers:roll", args=[activity.shifts.get().pk])).status_code == 200
    )
    assert client.get(reverse("volunteers:roll", args=[w["shift"].pk])).status_code == 404


def test_the_public_check_needs_no_login_and_shows_no_id(client, served):
    response = client.get(reverse("certificate_verify", args=[served["cert"].token]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "刘*国" in body and "刘建国" not in body and "430424" not in body
    assert "2.00 小时" in body and served["cert"].number in body
    assert client.get(reverse("certificate_verify", args=["nope"])).status_code == 404


API = "/api/v1/volunteers"


@pytest.mark.parametrize("name", PERSONAS)
def test_api_registry_stats_and_pending(client, served, request, name):
    client.force_login(persona(served, name, request))
    office = name in {"worker", "county_official"}
    volunteers = client.get(f"{API}/volunteers")
    assert volunteers.status_code == 200
    numbers = {v["number"] for v in volunteers.json()}
    assert (served["va"].number in numbers) == office
    if office:
        assert all("*" in v["id_number"] for v in volunteers.json())
    stats = client.get(
        f"{API}/stats",
        {"community_id": served["community"].pk, "start": "2026-05-01", "end": "2026-05-31"},
    )
    if name in {"worker", "county_official"}:
        assert stats.status_code == 200 and stats.json()["person_times"] == 1
    else:  # another region, or a role without the figures: alike, as missing
        assert stats.status_code == 404
    record = client.get(f"{API}/shifts/{served['shift'].pk}/roll")
    assert record.status_code == (200 if office else 404)


@pytest.mark.parametrize("name", PERSONAS)
def test_api_own_rows(client, served, request, name):
    client.force_login(persona(served, name, request))
    me = client.get(f"{API}/me")
    records = client.get(f"{API}/me/records")
    if name == "resident_a":
        assert me.status_code == 200 and me.json()["hours"] == "2.00"
        assert [r["id"] for r in records.json()] == [served["record"].pk]
    elif name == "resident_b":
        assert me.status_code == 200 and records.json() == []
    else:
        assert me.status_code == 404 and me.json()["code"] == "volunteers.not_a_volunteer"
    correction = client.post(
        f"{API}/me/records/{served['record'].pk}/corrections",
        {
            "reason": "早到",
            "check_in": "2026-05-09T09:00:00+08:00",
            "check_out": "2026-05-09T11:30:00+08:00",
        },
        content_type="application/json",
    )
    assert correction.status_code == (201 if name == "resident_a" else 404)


def test_anonymous_is_asked_to_log_in(client, served):
    assert client.get(reverse("volunteers:mine")).status_code == 302
    assert client.get(f"{API}/me").status_code == 401
