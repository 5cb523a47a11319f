"""Care pages: recording a visit from the phone, errors beside the field, the office's changes."""

import datetime as dt

from linli.care.models import Recipient
from linli.grid.models import Visit


def test_record_a_visit_from_the_phone(client, care_world):
    w = care_world
    client.force_login(w["leader_a"])
    page = client.get("/care/").content.decode()
    assert "王桂兰" in page and "记录探访" in page  # never visited: due first
    url = f"/care/person/{w['p_wang'].pk}/visit/"
    r = client.post(url, {"visited_on": "2026-02-03", "mode": "phone", "health": "良好"})
    assert r.status_code == 302 and r["Location"] == "/care/"
    visit = Visit.objects.get()
    assert (visit.mode, visit.health, visit.visitor) == ("phone", "良好", w["leader_a"])


def test_errors_beside_the_field_and_nothing_written(client, care_world):
    w = care_world
    client.force_login(w["leader_a"])
    url = f"/care/person/{w['p_wang'].pk}/visit/"
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    r = client.post(url, {"visited_on": tomorrow, "mode": "home"})
    assert r.status_code == 400 and "走访日期不能晚于今天" in r.content.decode()
    r = client.post(url, {"visited_on": "2026-02-03", "to_case": "1", "case_category": "other"})
    assert r.status_code == 400 and "转为诉求前请填写需求" in r.content.decode()
    r = client.post(url, {"visited_on": "", "mode": "home"})
    assert r.status_code == 400 and "请填写正确的探访日期" in r.content.decode()
    assert not Visit.objects.exists()
    client.force_login(w["leader_b"])
    assert client.post(url, {"visited_on": "2026-02-03"}).status_code == 404


def test_office_overrides_with_reason_and_pairs(client, care_world):
    w = care_world
    client.force_login(w["worker"])
    url = f"/care/person/{w['p_liu'].pk}/manage/"
    client.post(url, {"action": "override", "tier": "high", "reason": ""})
    assert Recipient.objects.get(pk=w["p_liu"].pk).tier == "general"
    client.post(url, {"action": "override", "tier": "high", "reason": "独居且近期住院"})
    assert Recipient.objects.get(pk=w["p_liu"].pk).tier == "high"
    client.post(url, {"action": "pair", "partner": "dangyuan", "kind": "party_member"})
    assert Recipient.objects.get(pk=w["p_liu"].pk).partner == w["partner"]
    client.force_login(w["leader_a"])  # sees him, may not change the registry
    client.post(url, {"action": "clear"})
    assert Recipient.objects.get(pk=w["p_liu"].pk).tier == "high"


def test_the_grid_page_shows_the_care_box_first(client, care_world):
    w = care_world
    client.force_login(w["leader_a"])
    body = client.get("/grid/").content.decode()
    assert body.index("关爱探访") < body.index("我的住户")


def test_worker_registry_and_event(client, care_world):
    w = care_world
    client.force_login(w["worker"])
    body = client.get(f"/care/community/{w['community'].pk}/?status=all").content.decode()
    assert all(name in body for name in ("王桂兰", "刘建国", "赵小明")) and "李四" not in body
    r = client.post("/care/events/", {"region": w["community"].pk, "kind": "heat", "title": "高温"})
    assert r.status_code == 302
    r = client.post("/care/events/", {"region": w["community"].pk, "kind": "heat", "title": ""})
    assert r.status_code == 400 and "请填写事件标题" in r.content.decode()
