"""Each persona against each civility page and endpoint: who may use it, and out of scope
answers like missing (404)."""

import json

import pytest
from django.contrib.auth import get_user_model

from linli.accounts.models import Role
from linli.civility import services
from linli.civility.models import Kind, Nomination, Vote

from ..factories import make_user
from .conftest import full_marks, on

pytestmark = pytest.mark.django_db

PAGES = {  # url name → personas that get 200
    "civility:mine": {
        "area_leader",
        "group_leader",
        "leader_a",
        "leader_b",
        "resident_a",
        "resident_b",
        "committee",
    },
    "civility:scoring": {"area_leader", "group_leader"},
    "civility:desk": {"xd_worker", "xt_worker", "county", "superuser"},
}
PERSONAS = [
    "area_leader",
    "group_leader",
    "leader_a",
    "leader_b",
    "resident_a",
    "resident_b",
    "xd_worker",
    "xt_worker",
    "county",
    "department",
    "committee",
    "superuser",
]


@pytest.fixture
def people(cworld, regions, compound):
    p = {
        k: cworld[k]
        for k in ("area_leader", "group_leader", "leader_a", "leader_b", "resident_a", "resident_b")
    }
    p["xd_worker"] = cworld["worker"]
    p["xt_worker"] = cworld["other_worker"]
    p["county"] = make_user("county_c", Role.COUNTY_OFFICIAL, regions["county"])
    p["department"] = make_user("fire_c", Role.DEPARTMENT_STAFF, regions["county"])
    p["committee"] = make_user("ywh_c", Role.COMMITTEE_MEMBER, regions["xingdong"])
    p["committee"].profile.compound = compound
    p["committee"].profile.save()
    p["superuser"] = get_user_model().objects.create_superuser("root_c", password="x")
    return p


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", sorted(PAGES))
def test_pages_by_persona(client, people, persona, page):
    from django.urls import reverse

    client.force_login(people[persona])
    response = client.get(reverse(page))
    assert response.status_code == (200 if persona in PAGES[page] else 404)


def test_anonymous_is_sent_to_log_in(client, cworld):
    assert client.get("/civility/").status_code == 302
    assert client.get("/api/v1/civility/campaigns").status_code == 401


@pytest.mark.parametrize("persona", PERSONAS)
def test_campaigns_seen_inside_ones_community(client, people, cworld, persona):
    client.force_login(people[persona])
    ids = {c["id"] for c in client.get("/api/v1/civility/campaigns").json()}
    sees = persona not in {"xt_worker", "department"}
    assert ids == ({cworld["family"].pk, cworld["star"].pk} if sees else set())


def test_a_nomination_outside_scope_is_missing(client, people, cworld):
    n = services.nomination_create(
        actor=cworld["leader_a"],
        campaign=cworld["family"],
        household=cworld["households"]["101"],
        reason="孝老爱亲邻里互助",
        when=on(5),
    )
    for persona, status in (
        ("xt_worker", 404),
        ("department", 404),
        ("resident_b", 404),
        ("resident_a", 200),
        ("xd_worker", 200),
        ("leader_b", 200),
    ):
        client.force_login(people[persona])
        assert client.get(f"/api/v1/civility/nominations/{n.pk}").status_code == status, persona
    client.force_login(people["resident_b"])
    missing = client.get("/api/v1/civility/nominations/999999")
    hidden = client.get(f"/api/v1/civility/nominations/{n.pk}")
    assert missing.json() == hidden.json()


def test_api_flow_and_refusals(client, people, cworld, monkeypatch):
    """Nominate, score, publicise, object over the API, each refusal a Chinese message."""
    import datetime as dt

    from django.utils import timezone

    w = cworld
    monkeypatch.setattr(timezone, "localdate", lambda value=None: dt.date(2026, 5, 5))
    monkeypatch.setattr(timezone, "now", lambda: on(5))
    client.force_login(people["resident_a"])
    r = client.post(
        "/api/v1/civility/nominations",
        json.dumps(
            {"campaign": w["family"].pk, "household": w["h301"].pk, "reason": "家庭和睦热心公益"}
        ),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content  # 2栋301 is in resident A's compound
    r = client.post(
        "/api/v1/civility/nominations",
        json.dumps(
            {"campaign": w["family"].pk, "household": w["h301"].pk, "reason": "家庭和睦热心公益"}
        ),
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["code"] == "civility.already_nominated"
    nid = Nomination.objects.get().pk
    client.force_login(people["group_leader"])  # 301 is in 组2, not 组 A
    r = client.post(
        f"/api/v1/civility/nominations/{nid}/score",
        json.dumps({"points": full_marks(Kind.BEAUTIFUL_FAMILY)}),
        content_type="application/json",
    )
    assert r.status_code == 403 and "组长或片长" in r.json()["message"]
    client.force_login(w["leader2"])
    r = client.post(
        f"/api/v1/civility/nominations/{nid}/score",
        json.dumps({"points": full_marks(Kind.BEAUTIFUL_FAMILY)}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["total"] == 100
    client.force_login(people["resident_b"])
    r = client.post(f"/api/v1/civility/nominations/{nid}/vote")
    assert r.status_code == 409 and r.json()["code"] == "civility.vote_closed"
    assert not Vote.objects.exists()
    client.force_login(people["xd_worker"])
    r = client.post(f"/api/v1/civility/nominations/{nid}/publicise")
    assert r.status_code == 409 and r.json()["code"] == "civility.vote_not_over"
    client.force_login(people["xt_worker"])
    assert client.post(f"/api/v1/civility/nominations/{nid}/award").status_code == 404


def test_the_pages_post_through_the_services(client, people, cworld):
    w = cworld
    services.campaign_create(
        actor=w["worker"],
        community=w["community"],
        kind=Kind.CIVILISED_HOUSEHOLD,
        year=2099,
        nominate_until=__import__("datetime").date(2099, 1, 1),
    )
    client.force_login(people["leader_a"])
    page = client.get("/civility/")
    assert "文明户" in page.content.decode()
    campaign = w["community"] and __import__(
        "linli.civility.models", fromlist=["Campaign"]
    ).Campaign.objects.get(year=2099)
    r = client.post(
        f"/civility/campaign/{campaign.pk}/nominate/",
        {"target": w["households"]["201"].pk, "reason": "邻里互助热心"},
    )
    assert r.status_code == 404 and "范围" in r.content.decode()  # 201 is 邻 B's
    r = client.post(
        f"/civility/campaign/{campaign.pk}/nominate/",
        {"target": w["households"]["102"].pk, "reason": "邻里互助热心"},
    )
    assert r.status_code == 302
    n = Nomination.objects.get(campaign=campaign)
    client.force_login(people["group_leader"])
    assert n.nominee_label in client.get("/civility/scoring/").content.decode()
    form = {f"c{k}": v for k, v in full_marks(Kind.CIVILISED_HOUSEHOLD).items()}
    assert client.post(f"/civility/nomination/{n.pk}/score/", form).status_code == 302
    n.refresh_from_db()
    assert n.total == 100
    client.force_login(people["leader2"] if "leader2" in people else w["leader2"])
    assert client.get(f"/civility/nomination/{n.pk}/score/").status_code == 404
