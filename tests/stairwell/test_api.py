"""The stairwell API: the public read and the anonymous report (limited), the leader's list
and the decision."""

import json

from django.test import Client

from linli.cases.models import Case


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_public_read(code, world):
    response = Client().get(f"/api/v1/stairwell/units/{code.token}")
    assert response.status_code == 200
    data = response.json()
    assert data["address"] == "粮站宿舍 1栋 1单元"
    assert [(x["title"], x["name"]) for x in data["leaders"]] == [
        ("邻长", "王桂兰"),
        ("组长", ""),
        ("片长", ""),
    ]


def test_a_bad_token_is_the_common_404(world):
    for token in ("nosuchtoken12345", "x"):
        response = Client().get(f"/api/v1/stairwell/units/{token}")
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    response = _post(
        Client(),
        "/api/v1/stairwell/units/nosuchtoken12345/reports",
        {"category": "x", "description": "y"},
    )
    assert response.status_code == 404
    assert not Case.objects.exists()


def test_an_anonymous_report_and_its_limit(code, world, settings):
    settings.LINLI_STAIRWELL_REPORTS_PER_DEVICE = 2
    client = Client()
    url = f"/api/v1/stairwell/units/{code.token}/reports"
    body = {"category": "sanitation", "description": "三楼漏水"}
    statuses = [_post(client, url, body).status_code for _ in range(5)]
    assert statuses == [201, 201, 429, 429, 429]
    assert Case.objects.count() == 2
    limited = _post(client, url, body).json()
    assert limited["code"] == "stairwell.rate_limited" and "分钟后再试" in limited["message"]
    first = Case.objects.order_by("id").first()
    assert first.unverified and first.unit == code.unit


def test_bad_bodies_are_422_and_store_nothing(code, world):
    url = f"/api/v1/stairwell/units/{code.token}/reports"
    for body in (
        {},
        {"category": "sanitation"},
        {"category": "", "description": "x"},
        {"category": "sanitation", "description": "x" * 2001},
    ):
        assert _post(Client(), url, body).status_code == 422
    assert _post(Client(), url, {"category": "nope", "description": "x"}).status_code == 400
    assert not Case.objects.exists()


def test_the_leader_lists_and_confirms(code, world):
    _post(
        Client(),
        f"/api/v1/stairwell/units/{code.token}/reports",
        {"category": "sanitation", "description": "楼道灯坏了"},
    )
    case = Case.objects.get()
    leader = Client()
    leader.force_login(world["leader_a"])
    rows = leader.get("/api/v1/stairwell/reports").json()
    assert [(r["id"], r["address"]) for r in rows] == [(case.pk, "粮站宿舍 1栋 1单元")]
    other = Client()
    other.force_login(world["leader_b"])
    assert other.get("/api/v1/stairwell/reports").json() == []
    url = f"/api/v1/stairwell/reports/{case.pk}/confirm"
    assert _post(other, url, {"real": True}).status_code == 404  # not his: like missing
    assert _post(Client(), url, {"real": True}).status_code == 401
    response = _post(leader, url, {"real": True, "version": case.version})
    assert response.status_code == 200
    assert response.json()["unverified"] is False and response.json()["status"] == "open"
    again = _post(leader, url, {"real": False})
    assert again.status_code == 409 and again.json()["code"] == "cases.bad_transition"
