"""Cases API: report with client-key idempotency, scoped list/detail, transitions, errors."""

import pytest

from linli.cases import services
from linli.cases.models import Case

from .conftest import category

URL = "/api/v1/cases/"


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def posted(client, world):
    client.force_login(world["resident_a"])
    h = world["households"]["101"]
    response = post(
        client,
        URL,
        {
            "category": "neighbour_dispute",
            "description": "楼上噪音",
            "household": h.pk,
            "client_key": "c-1",
        },
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_report_and_replay(client, world, posted):
    assert posted["stage"] == "collected" and posted["holder"] == "第1邻邻长"
    assert posted["timeline"][0]["action"] == "report"
    again = post(
        client,
        URL,
        {
            "category": "neighbour_dispute",
            "description": "楼上噪音",
            "household": world["households"]["101"].pk,
            "client_key": "c-1",
        },
    )
    assert again.status_code == 200 and again.json()["id"] == posted["id"]
    assert Case.objects.count() == 1
    reused = post(
        client,
        URL,
        {
            "category": "sanitation",
            "description": "别的",
            "household": world["households"]["101"].pk,
            "client_key": "c-1",
        },
    )
    assert reused.status_code == 409 and reused.json()["code"] == "cases.client_key_reused"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"category": "nope"}, 400, "cases.unknown_category"),
        ({"household": "201"}, 404, "not_found"),  # out of scope is missing
        ({"household": 999999}, 404, "not_found"),
        ({"description": ""}, 400, "cases.description_required"),
        ({"urgency": "x"}, 400, "cases.bad_urgency"),
        ({"description": None}, 422, "invalid_input"),
    ],
)
def test_bad_reports(client, world, body, status, code):
    client.force_login(world["resident_a"])
    data = {
        "category": "sanitation",
        "description": "垃圾",
        "household": world["households"]["101"].pk,
    }
    if body.get("household") == "201":
        body = {"household": world["households"]["201"].pk}
    data.update(body)
    response = post(client, URL, data)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert Case.objects.count() == 0


def test_walk_the_loop_over_the_api(client, world, posted):
    cid = posted["id"]
    client.force_login(world["leader_a"])
    detail = client.get(f"{URL}{cid}").json()
    assert "accept" in detail["actions"]
    r = post(client, f"{URL}{cid}/accept", {"version": detail["version"]})
    assert r.status_code == 200 and r.json()["stage"] == "accepted"
    stale = post(client, f"{URL}{cid}/escalate", {"note": "x", "version": detail["version"]})
    assert (stale.status_code, stale.json()["code"]) == (409, "cases.stale")
    r = post(client, f"{URL}{cid}/escalate", {"note": "需组长"})
    assert r.json()["level_label"] == "组长"
    client.force_login(world["worker"])
    r = post(client, f"{URL}{cid}/resolve", {"note": "社区已调解"})
    assert r.json()["stage"] == "feedback"
    bad = post(client, f"{URL}{cid}/accept", {})
    assert (bad.status_code, bad.json()["code"]) == (409, "cases.bad_transition")
    client.force_login(world["resident_a"])
    r = post(client, f"{URL}{cid}/rate", {"satisfaction": "satisfied", "note": "谢谢"})
    assert r.json()["status"] == "closed"
    timeline = client.get(f"{URL}{cid}/timeline").json()
    assert [e["action"] for e in timeline] == ["report", "accept", "escalate", "resolve", "confirm"]
    assert (
        client.post(f"{URL}{cid}/explode", {}, content_type="application/json").status_code == 404
    )


def test_dispatch_and_merge_over_the_api(client, world, posted):
    client.force_login(world["worker"])
    cid = posted["id"]
    post(client, f"{URL}{cid}/accept", {})
    for _ in range(3):
        post(client, f"{URL}{cid}/escalate", {"note": "上报"})
    fire = world["fire"].pk
    r = post(client, f"{URL}{cid}/dispatch", {"department": fire, "note": "请消防处理"})
    assert r.json()["holder"] == "消防" and r.json()["stage"] == "dispatched"
    client.force_login(world["fire_staff"])
    assert client.get(URL).json()["count"] == 1
    r = post(client, f"{URL}{cid}/reply", {"note": "已处理"})
    assert r.json()["stage"] == "feedback"
    # merge a duplicate into another open case
    client.force_login(world["leader_a"])
    a = post(
        client,
        URL,
        {
            "category": "sanitation",
            "description": "垃圾",
            "household": world["households"]["102"].pk,
        },
    ).json()
    b = post(
        client,
        URL,
        {
            "category": "sanitation",
            "description": "垃圾2",
            "household": world["households"]["101"].pk,
        },
    ).json()
    r = post(client, f"{URL}{b['id']}/merge", {"into": a["id"]})
    assert r.json()["merged_into_id"] == a["id"] and r.json()["close_reason"] == "merged"


def test_isolation_list_detail_timeline_actions(client, world, report):
    case = report()  # household 101 in 邻 A
    other = services.case_report(
        actor=world["resident_b"],
        household=world["households"]["201"],
        category=category("sanitation"),
        description="垃圾",
    )
    seen = {
        "resident_a": {case.pk},
        "resident_b": {other.pk},
        "leader_a": {case.pk},
        "leader_b": {other.pk},
        "group_leader": {case.pk, other.pk},
        "worker": {case.pk, other.pk},
        "xt_worker": set(),
        "fire_staff": set(),
    }
    for who, ids in seen.items():
        client.force_login(world[who])
        got = {c["id"] for c in client.get(URL).json()["items"]}
        assert got == ids, who
        for c in (case, other):
            want = 200 if c.pk in ids else 404
            assert client.get(f"{URL}{c.pk}").status_code == want, who
            assert client.get(f"{URL}{c.pk}/timeline").status_code == want, who
            r = post(client, f"{URL}{c.pk}/accept", {})
            if c.pk not in ids:
                assert r.status_code == 404, who
    client.logout()
    assert client.get(URL).status_code == 401


def test_measures_and_categories(client, world, report):
    case = report()
    case = services.case_accept(actor=world["leader_a"], case=case)
    case = services.case_resolve(actor=world["leader_a"], case=case, note="好了")
    services.case_rate(actor=world["resident_a"], case=case, satisfaction="satisfied")
    report(household="201", actor=world["resident_b"])
    client.force_login(world["worker"])
    rows = client.get(f"{URL}measures?by=neighbour").json()
    assert [(r["label"], r["reported"], r["resolved"]) for r in rows] == [
        ("兴东社区 第1邻", 1, 1),
        ("兴东社区 第2邻", 1, 0),
    ]
    assert rows[0]["satisfaction_rate"] == 1.0 and rows[1]["response_rate"] == 0.0
    client.force_login(world["leader_b"])
    rows = client.get(f"{URL}measures?by=community").json()
    assert [r["reported"] for r in rows] == [1]  # leader B sees only 邻 B's case
    bad = client.get(f"{URL}measures?by=planet")
    assert bad.json()["code"] == "cases.bad_grouping"
    cats = client.get(f"{URL}categories").json()
    assert [c["name"] for c in cats][:3] == ["设施安全", "邻里纠纷", "法律援助"]
    assert len(cats) == 11


def test_calendar_api(client, world, county_official):
    client.force_login(county_official)
    r = client.put(
        f"{URL}calendar/2027-02-06",
        {"is_working_day": True, "note": "调休上班"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["source"] == "manual"
    assert len(client.get(f"{URL}calendar?year=2026").json()) == 365
    client.force_login(world["worker"])
    r = client.put(
        f"{URL}calendar/2027-02-07", {"is_working_day": True}, content_type="application/json"
    )
    assert r.status_code == 403


def test_list_items_are_case_out_field_for_field(client, world, report):
    """The list reads its rows by one written-out statement (selectors.case_rows), the detail
    from the loaded case (selectors.case_row): whoever holds a case and whatever its state,
    both give CaseOut's fields, in its order, with the same values."""
    import json

    from ninja.responses import NinjaJSONEncoder

    from linli.cases.models import HandlerLevel
    from linli.cases.schemas import CaseOut

    cases = [report(description=f"问题 {n}") for n in range(7)]
    Case.objects.filter(pk=cases[1].pk).update(level=HandlerLevel.COMMUNITY, grid=None)
    Case.objects.filter(pk=cases[2].pk).update(
        level=HandlerLevel.DEPARTMENT, grid=None, department=world["fire"], stage="dispatched"
    )
    Case.objects.filter(pk=cases[3].pk).update(level=HandlerLevel.GROUP, grid=world["group"])
    Case.objects.filter(pk=cases[4].pk).update(level=HandlerLevel.AREA, grid=world["area"])
    Case.objects.filter(pk=cases[5].pk).update(level=HandlerLevel.JOINT_MEETING, grid=None)
    Case.objects.filter(pk=cases[6].pk).update(
        status="closed",
        stage="verified",
        close_reason="merged",
        merged_into=cases[0],
        satisfaction="satisfied",
        accepted_at=cases[6].reported_at,
        resolved_at=cases[6].reported_at,
        closed_at=cases[6].reported_at,
        reopen_count=1,
        version=4,
    )
    client.force_login(world["worker"])
    page = client.get(f"{URL}?page_size=100").json()
    assert page["count"] == len(page["items"]) == 7
    for item in page["items"]:
        assert list(item) == list(CaseOut.model_fields)
        assert item == json.loads(
            json.dumps(CaseOut.model_validate(item).model_dump(), cls=NinjaJSONEncoder)
        )
        detail = client.get(f"{URL}{item['id']}").json()
        assert {k: v for k, v in detail.items() if k in item} == item
        assert item["holder"] == Case.objects.get(pk=item["id"]).holder
    assert {i["holder"] for i in page["items"]} >= {"消防", "五方联席会"}
    second = client.get(f"{URL}?page_size=3&page=2").json()
    assert second["count"] == 7 and len(second["items"]) == 3
    assert client.get(f"{URL}?page_size=3&page=9").json() == {"items": [], "count": 7}
    assert client.get(f"{URL}?page=0").status_code == 422


def test_report_with_photos_as_a_form(client, world, settings, tmp_path):
    """A phone app posts the report and its photos in one multipart request; a file that
    is not an image is refused with the field named, and no case is stored."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    client.force_login(world["resident_a"])
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), "orange").save(buffer, "PNG")
    form = {
        "category": "flying_lead_charging",
        "description": "窗口拉线充电",
        "household": world["households"]["101"].pk,
        "client_key": "form-1",
    }
    bad = client.post(
        f"{URL}with-photos",
        {**form, "photos": [SimpleUploadedFile("x.png", b"not an image", "image/png")]},
    )
    assert bad.status_code == 400, bad.content
    assert bad.json()["details"][0]["field"] == "photos"
    assert not Case.objects.exists()

    ok = client.post(
        f"{URL}with-photos",
        {**form, "photos": [SimpleUploadedFile("wire.png", buffer.getvalue(), "image/png")]},
    )
    assert ok.status_code == 201, ok.content
    body = ok.json()
    assert len(body["timeline"][0]["photos"]) == 1
    assert Case.objects.get().photos.count() == 1
    # the photo's URL is the scoped view, and it answers with the re-encoded PNG
    [url] = body["timeline"][0]["photos"]
    assert url == f"/cases/photos/{Case.objects.get().photos.get().pk}/"
    shown = client.get(url)
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    again = client.post(f"{URL}with-photos", form)  # the same client key: the first case
    assert again.status_code == 200 and again.json()["id"] == body["id"]
