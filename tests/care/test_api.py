"""The care API: visits, bad input (nothing changed), overrides, events, the same figures as
the command."""

import datetime as dt
import json

import pytest
from django.core.management import call_command

from linli.care.models import Event, Recipient
from linli.grid.models import Visit


def post(client, path, data):
    return client.post(path, json.dumps(data), content_type="application/json")


def test_record_a_visit_and_a_need_becomes_a_case(client, care_world):
    w = care_world
    client.force_login(w["leader_a"])
    r = post(
        client,
        "/api/v1/care/visits",
        {
            "recipient_ids": [w["p_liu"].pk],
            "visited_on": "2026-02-03",
            "mode": "video",
            "health": "良好",
            "needs": "楼道灯坏了",
            "case_category": "facility_safety",
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["mode"] == "video" and body["follow_up_case_id"]
    assert body["recipient_ids"] == [w["p_liu"].pk]


@pytest.mark.parametrize(
    ("who", "data", "status", "code"),
    [
        ("leader_b", {"visited_on": "2026-02-03"}, 404, "not_found"),
        ("leader_a", {"visited_on": "2999-01-01"}, 400, "grid.visit_in_future"),
        ("leader_a", {"visited_on": "2026-02-03", "mode": "letter"}, 400, "grid.visit_mode"),
        ("committee", {"visited_on": "2026-02-03"}, 404, "not_found"),
    ],
)
def test_bad_visits_change_nothing(client, care_world, who, data, status, code):
    w = care_world
    client.force_login(w[who])
    r = post(client, "/api/v1/care/visits", {"recipient_ids": [w["p_wang"].pk], **data})
    assert r.status_code == status and r.json()["code"] == code
    assert not Visit.objects.exists()


def test_override_without_reason_is_400_and_nothing_changes(client, care_world):
    w = care_world
    client.force_login(w["worker"])
    path = f"/api/v1/care/recipients/{w['p_liu'].pk}/override"
    r = post(client, path, {"tier": "high", "reason": ""})
    assert r.status_code == 400 and r.json()["code"] == "care.override_reason_required"
    assert Recipient.objects.get(pk=w["p_liu"].pk).tier == "general"
    r = post(client, path, {"tier": "high", "reason": "新近确诊重病"})
    assert r.status_code == 200 and r.json()["tier"] == "high"
    client.force_login(w["leader_a"])  # sees her, may not change the registry
    assert post(client, path, {"tier": "key", "reason": "x"}).status_code == 403


def test_events_in_and_out_of_scope(client, care_world, regions):
    w = care_world
    from django.utils import timezone

    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    client.force_login(w["leader_a"])
    post(
        client, "/api/v1/care/visits", {"recipient_ids": [w["p_wang"].pk], "visited_on": yesterday}
    )
    client.force_login(w["worker"])
    r = post(
        client,
        "/api/v1/care/events",
        {"region_id": regions["xintang"].pk, "kind": "heat", "title": "高温"},
    )
    assert r.status_code == 404
    r = post(
        client,
        "/api/v1/care/events",
        {"region_id": regions["xingdong"].pk, "kind": "heat", "title": "高温橙色预警"},
    )
    assert r.status_code == 201 and r.json()["kind_label"] == "高温"
    assert Event.objects.count() == 1
    # 王桂兰 (高风险, never visited) is now due within 24 hours
    rows = client.get("/api/v1/care/recipients?status=due").json()
    assert [x["id"] for x in rows if x["event"]] == [w["p_wang"].pk]


def test_status_endpoint_is_the_command(client, care_world, capsys):
    w = care_world
    client.force_login(w["leader_a"])
    post(
        client,
        "/api/v1/care/visits",
        {"recipient_ids": [w["p_wang"].pk], "visited_on": "2026-02-02"},
    )
    client.force_login(w["worker"])
    api = client.get(f"/api/v1/care/communities/{w['community'].pk}/status?as_of=2026-02-20").json()
    call_command("care", "status", "--community", "兴东社区", "--as-of", "2026-02-20", "--json")
    assert api == json.loads(capsys.readouterr().out)
    rates = client.get(
        f"/api/v1/care/communities/{w['community'].pk}/rates?level=3&as_of=2026-02-20"
    ).json()
    assert {c["grid_name"]: c["monthly_visit_rate"] for c in rates} == {
        "第1邻": "0.500",
        "第2邻": "0.000",
    }
    bad = client.get(f"/api/v1/care/communities/{w['community'].pk}/status?as_of=bad")
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_input"
    assert [d["field"] for d in bad.json()["details"]] == ["query.as_of"], bad.json()


def test_register_from_api(client, care_world):
    w = care_world
    client.force_login(w["worker"])
    r = post(
        client,
        "/api/v1/care/recipients",
        {"resident_id": w["residents"]["b"].pk, "categories": ["family_planning"]},
    )
    assert r.status_code == 201 and r.json()["tier"] == "key"
    r = post(
        client,
        "/api/v1/care/recipients",
        {"resident_id": w["residents"]["b"].pk, "categories": ["low_income"]},
    )
    assert r.status_code == 409
    client.force_login(w["xt_worker"])
    r = post(client, "/api/v1/care/recipients", {"resident_id": w["residents"]["a2"].pk})
    assert r.status_code == 404
