"""The jobs API: the public board and JSON-LD, the pipeline, scopes and masking."""

import pytest
from django.test import Client

from linli.jobs import services

from .conftest import make_posting

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_the_pipeline_through_the_api_with_masking(jworld):
    w = jworld
    p = make_posting(w, total_openings=1)
    station = client_for(w["worker"])
    r = station.post(
        "/api/v1/jobs/applications",
        {"seeker_id": w["sb"].pk, "posting_id": p.pk},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    app_id = r.json()["id"]
    assert r.json()["name"] == "赵志强" and r.json()["phone"] == "139****4657"
    employer = client_for(w["manager"])
    rows = employer.get(f"/api/v1/jobs/postings/{p.pk}/applications")
    assert rows.status_code == 200, rows.content
    assert rows.json()[0]["name"] == "赵*强"  # masked until 录用
    for to in ("interview", "offered", "placed"):
        r = employer.post(
            f"/api/v1/jobs/applications/{app_id}/advance",
            {"to": to},
            content_type="application/json",
        )
        assert r.status_code == 200, r.content
    assert r.json()["name"] == "赵志强"
    # the other station and a neighbour see nothing of it
    for user in (w["other_worker"], w["resident_a"], w["leader_b"]):
        r = client_for(user).get(f"/api/v1/jobs/postings/{p.pk}/applications")
        assert r.status_code == 404
    assert (
        client_for(w["resident_b"]).get("/api/v1/jobs/mine").json()["applications"][0]["stage"]
        == "placed"
    )


def test_placement_beyond_openings_is_a_409(jworld):
    w = jworld
    p = make_posting(w, total_openings=1)
    apps = [
        services.application_recommend(actor=w["worker"], seeker=s, posting=p)
        for s in (w["sa"], w["sb"])
    ]
    station = client_for(w["worker"])
    for a in apps:
        for to in ("interview", "offered"):
            services.application_advance(actor=w["worker"], application=a, to=to)
    url = "/api/v1/jobs/applications/{}/advance"
    ok = station.post(url.format(apps[0].pk), {"to": "placed"}, content_type="application/json")
    assert ok.status_code == 200
    full = station.post(url.format(apps[1].pk), {"to": "placed"}, content_type="application/json")
    assert full.status_code == 409
    assert full.json()["code"] == "jobs.no_openings"


def test_the_board_is_public_with_json_ld(jworld):
    p = make_posting(jworld)
    anon = Client()
    r = anon.get("/api/v1/jobs/postings")
    assert r.status_code == 200 and r.json()["items"][0]["title"] == "小区保洁员"
    d = anon.get(f"/api/v1/jobs/postings/{p.pk}").json()
    ld = d["jsonld"]
    assert ld["@type"] == "JobPosting" and ld["employmentType"] == "PART_TIME"
    assert ld["baseSalary"]["value"] == {
        "@type": "QuantitativeValue",
        "unitText": "HOUR",
        "value": "20.00",
    }
    assert ld["totalJobOpenings"] == 2
    assert ld["hiringOrganization"]["name"] == "粮站宿舍社会化物业服务站"
