"""Every persona against every care page and endpoint. Care facts are sensitive (PIPL art. 28):
roles without the duty (committee, residents, department staff) see no one, answered like a
missing id; a paired resident (结对) sees their pair's dates but not the categories.

| route | who may use it |
|---|---|
| GET /care/ | 三长 and paired residents (their visits); office (its registry) |
| GET /care/person/{id}/, …/visit/ | the person's 三长, office of the region, the paired visitor |
| POST …/manage/, /care/community/{id}/sync/ | office of the region (county, town, community) |
| GET /care/community/{id}/ | office of the region; 三长 (their cells only) |
| GET, POST /care/events/ | view: office and 三长; declare: office, for its region |
| GET /api/v1/care/recipients[/{id}] | as the pages |
| POST /api/v1/care/visits | the person's 三长, office of the region, the paired visitor |
| GET /api/v1/care/communities/{id}/status, /rates | office of the region; 三长 (own cells) |
"""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from linli.care import services
from linli.core.models import AccessLog

CST = dt.timezone(dt.timedelta(hours=8))

ROUTES = {
    "mine": ("page", "/care/"),
    "person": ("page", "/care/person/{wang}/"),
    "visit_form": ("page", "/care/person/{wang}/visit/"),
    "community": ("page", "/care/community/{xd}/"),
    "events": ("page", "/care/events/"),
    "api_list": ("count", "/api/v1/care/recipients"),
    "api_person": ("api", "/api/v1/care/recipients/{wang}"),
    "api_mine": ("mine", "/api/v1/care/mine"),
    "api_status": ("api", "/api/v1/care/communities/{xd}/status"),
    "api_events": ("count", "/api/v1/care/events"),
}
# fmt: off
EXPECTED = {
    #               mine person form comm  evts list aper amine asta aevt
    "superuser":    (200, 200, 200, 200, 200, 4,   200, 0,   200, 1),
    "county":       (200, 200, 200, 200, 200, 4,   200, 0,   200, 1),
    "town":         (200, 200, 200, 200, 200, 4,   200, 0,   200, 1),
    "worker":       (302, 200, 200, 200, 200, 3,   200, 0,   200, 1),
    "xt_worker":    (302, 404, 404, 404, 200, 1,   404, 0,   404, 1),
    "department":   (404, 404, 404, 404, 404, 0,   404, 0,   404, 0),
    "committee":    (404, 404, 404, 404, 404, 0,   404, 0,   404, 0),
    "area_leader":  (200, 200, 200, 200, 200, 3,   200, 0,   200, 1),
    "group_leader": (200, 200, 200, 200, 200, 3,   200, 0,   200, 1),
    "leader_a":     (200, 200, 200, 200, 200, 2,   200, 1,   200, 1),
    "leader_b":     (200, 404, 404, 200, 200, 1,   404, 1,   200, 1),
    "resident_a":   (404, 404, 404, 404, 404, 0,   404, 0,   404, 0),
    "resident_b":   (404, 404, 404, 404, 404, 0,   404, 0,   404, 0),
    "partner":      (200, 200, 200, 404, 404, 1,   200, 1,   404, 0),
    "anonymous":    (302, 302, 302, 302, 302, 401, 401, 401, 401, 401),
}
# fmt: on


@pytest.fixture
def world(care_world):
    w = care_world
    w["superuser"] = get_user_model().objects.create_superuser("root", password="x")
    w["anonymous"] = None
    services.recipient_pair(
        actor=None, recipient=w["p_wang"], partner=w["partner"], kind="party_member"
    )
    services.event_declare(
        actor=w["county"],
        region=w["community"].parent.parent,
        kind="cold_wave",
        title="寒潮蓝色预警",
        declared_at=dt.datetime(2026, 1, 20, 9, tzinfo=CST),
    )
    ids = {"wang": w["p_wang"].pk, "xd": w["community"].pk}
    return w, ids


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_care_permission_matrix(client, world, persona):
    w, ids = world
    if w[persona] is not None:
        client.force_login(w[persona])
    got = []
    for kind, pattern in ROUTES.values():
        response = client.get(pattern.format(**ids))
        if kind == "count" and response.status_code == 200:
            got.append(len(response.json()))
        elif kind == "mine" and response.status_code == 200:
            got.append(len(response.json()["mine"]))
        else:
            got.append(response.status_code)
    assert dict(zip(ROUTES, got, strict=True)) == dict(zip(ROUTES, EXPECTED[persona], strict=True))


def test_missing_and_out_of_scope_answer_alike(client, world):
    w, ids = world
    client.force_login(w["xt_worker"])
    out = client.get(f"/api/v1/care/recipients/{ids['wang']}")
    missing = client.get("/api/v1/care/recipients/999999")
    assert out.status_code == missing.status_code == 404
    assert out.json() == missing.json()


def test_care_facts_logged_and_hidden_from_the_partner(client, world):
    w, ids = world
    client.force_login(w["leader_a"])
    before = AccessLog.objects.count()
    data = client.get(f"/api/v1/care/recipients/{ids['wang']}").json()
    assert data["categories"] == ["独居老人"] and data["tier"] == "high"
    assert AccessLog.objects.count() == before + 1
    client.force_login(w["partner"])
    data = client.get(f"/api/v1/care/recipients/{ids['wang']}").json()
    assert data["categories"] is None and data["tier"] is None and data["visits"] == []
    assert data["latest"]  # the dates a visitor needs
    page = client.get(f"/care/person/{ids['wang']}/").content.decode()
    assert "独居老人" not in page and "高风险" not in page


@pytest.mark.parametrize("persona", ["committee", "resident_a", "department", "xt_worker"])
def test_no_care_facts_on_any_page_for_roles_without_duty(client, world, persona):
    w, _ids = world
    client.force_login(w[persona])
    for path in ("/grid/", "/grid/household/{h}/".format(h=w["households"]["102"].pk), "/"):
        body = client.get(path).content.decode()
        assert "关爱探访" not in body and "高风险" not in body
