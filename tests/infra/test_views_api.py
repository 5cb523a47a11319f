"""The plan board, a problem's page and its actions, the photos, the API and the figures."""

import io
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from linli.infra import selectors, services
from linli.infra.models import Photo, Problem

pytestmark = pytest.mark.django_db


def jpeg(name="p.jpg"):
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 40)).save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def test_board_lists_problems_and_filters_by_stage(client, world, add, approved):
    add(title="消防通道堵塞", kind="fire")
    approved(title="路灯不亮", kind="street_light")
    client.force_login(world["worker"])
    url = f"/infra/compound/{world['compound'].pk}/"
    r = client.get(url)
    body = r.content.decode()
    assert r.status_code == 200
    assert "消防通道堵塞" in body and "路灯不亮" in body
    r = client.get(url + "?stage=approved", HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert "路灯不亮" in body and "消防通道堵塞" not in body
    assert "<html" not in body  # the htmx partial only


def test_board_add_problem_with_photo(client, world, settings, tmp_path):
    client.force_login(world["worker"])
    r = client.post(
        f"/infra/compound/{world['compound'].pk}/",
        {"action": "add", "title": "2栋屋面漏水", "kind": "roof_leak", "found_by": "survey",
         "photos": [jpeg()]},
    )  # fmt: skip
    assert r.status_code == 302
    p = Problem.objects.get(title="2栋屋面漏水")
    photo = Photo.objects.get(problem=p)
    assert photo.phase == "problem"
    r = client.get(f"/infra/photo/{photo.pk}/")
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg"
    client.force_login(world["other_worker"])
    assert client.get(f"/infra/photo/{photo.pk}/").status_code == 404


def test_board_refuses_bad_input_in_chinese(client, world):
    client.force_login(world["worker"])
    r = client.post(
        f"/infra/compound/{world['compound'].pk}/",
        {"action": "add", "title": "", "kind": "fire", "found_by": "survey"},
    )
    assert r.status_code == 400
    assert "请填写问题" in r.content.decode()
    assert not Problem.objects.exists()


def test_problem_page_bad_budget_changes_nothing(client, world, add):
    p = add()
    services.problem_advance(actor=world["worker"], problem=p, to="argued")
    client.force_login(world["worker"])
    r = client.post(
        f"/infra/problem/{p.pk}/", {"action": "details", "budget": "一万二", "measure": "x"}
    )
    assert r.status_code == 400
    assert "预算“一万二”不是有效的数字" in r.content.decode()
    p.refresh_from_db()
    assert p.budget is None and p.measure == ""


def test_problem_page_skip_refused_then_stage_actions(client, world, add):
    p = add()
    client.force_login(world["worker"])
    url = f"/infra/problem/{p.pk}/"
    r = client.post(url, {"action": "advance", "to": "approved"})
    assert r.status_code == 400
    assert "不能跳过论证直接到立项" in r.content.decode()
    assert client.post(url, {"action": "advance", "to": "argued"}).status_code == 302
    client.post(
        url,
        {"action": "details", "measure": "清掏", "department": world["housing"].pk,
         "budget": "5000"},
    )  # fmt: skip
    client.post(
        url, {"action": "funding", "amount_fiscal": "3000", "amount_maintenance_fund": "2000"}
    )
    r = client.post(url, {"action": "vote"})
    assert r.status_code == 302
    client.post(url, {"action": "advance", "to": "approved"})
    p.refresh_from_db()
    assert p.stage == "approved"
    body = client.get(url).content.decode()
    assert "待公告业主表决" in body
    assert "资金落实后才能进入实施" in body and "进入下一阶段" not in body
    r = client.post(url, {"action": "advance", "to": "implementing"})  # a crafted request
    assert r.status_code == 400
    assert "还不能实施" in r.content.decode()
    p.refresh_from_db()
    assert p.stage == "approved"


def test_resident_sees_the_board_but_cannot_act(client, world, add):
    p = add()
    client.force_login(world["resident"])
    assert client.get(f"/infra/compound/{world['compound'].pk}/").status_code == 200
    assert client.get(f"/infra/problem/{p.pk}/").status_code == 200
    assert (
        client.post(f"/infra/problem/{p.pk}/", {"action": "advance", "to": "argued"}).status_code
        == 404
    )
    assert client.get("/infra/").status_code == 404
    p.refresh_from_db()
    assert p.stage == "proposed"


def test_other_community_sees_nothing(client, world, add):
    p = add()
    client.force_login(world["other_worker"])
    assert client.get(f"/infra/compound/{world['compound'].pk}/").status_code == 404
    assert client.get(f"/infra/problem/{p.pk}/").status_code == 404
    assert client.get(f"/api/v1/infra/problems/{p.pk}").status_code == 404
    assert client.get("/api/v1/infra/problems").json() == []


def _api(client, method, url, data=None):
    return client.generic(
        method, "/api/v1/infra" + url, json.dumps(data or {}), content_type="application/json"
    )


def test_api_flow_and_codes(client, world, add):
    client.force_login(world["worker"])
    r = _api(client, "POST", "/problems", {
        "plan_id": world["plan"].pk, "kind": "water", "title": "二次供水水箱锈蚀",
        "found_by": "survey"})  # fmt: skip
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    r = _api(client, "POST", f"/problems/{pid}/advance", {"to": "approved"})
    assert r.status_code == 409 and r.json()["code"] == "infra.stage_skipped"
    assert _api(client, "POST", f"/problems/{pid}/advance", {"to": "argued"}).status_code == 200
    r = _api(client, "POST", f"/problems/{pid}/details", {"budget": "12.345"})
    assert r.status_code == 400 and r.json()["code"] == "infra.too_many_decimals"
    r = _api(client, "POST", f"/problems/{pid}/details", {
        "budget": "9000", "measure": "更换水箱", "department_id": world["housing"].pk})  # fmt: skip
    assert r.status_code == 200 and r.json()["budget"] == "9000.00"
    r = _api(
        client,
        "PUT",
        f"/problems/{pid}/funding",
        {
            "shares": [
                {"source": "fiscal", "amount": "6000"},
                {"source": "public_income", "amount": "3000"},
            ]
        },
    )
    assert r.status_code == 200
    assert [s["state"] for s in r.json()["shares"]] == ["", "entry_not_posted"]
    assert _api(client, "POST", f"/problems/{pid}/advance", {"to": "approved"}).status_code == 200
    r = _api(client, "POST", f"/problems/{pid}/advance", {"to": "implementing"})
    assert r.status_code == 409 and r.json()["code"] == "infra.entry_not_posted"
    r = _api(client, "POST", f"/problems/{pid}/entry", {})
    assert r.status_code == 200 and r.json()["shares"][1]["state"] == "entry_pending"
    r = _api(client, "POST", f"/problems/{pid}/advance", {"to": "implementing"})
    assert r.status_code == 409 and r.json()["code"] == "infra.entry_pending"
    history = _api(client, "GET", f"/problems/{pid}/history").json()
    assert [e["to_stage"] for e in history if e["action"] == "stage"] == ["argued", "approved"]


def test_figures_by_level(world, approved):
    w = world["worker"]
    for title, amount in (("a", "1000.00"), ("b", "2500.50")):
        p = approved(title=title, shares=[("fiscal", amount)])
        services.problem_advance(actor=w, problem=p, to="implementing")
        services.problem_record_actual(actor=w, problem=p, amount=amount)
        services.problem_advance(actor=w, problem=p, to="inspecting")
        services.problem_accept(
            actor=w, problem=p, representatives="甲、乙", opinion="满意", satisfied=True
        )
    approved(title="c", shares=[("co_builder", "700")])
    for level in ("compound", "community", "town", "county"):
        (row,) = selectors.figures_by(actor=w, level=level)
        assert (row.problems, row.done) == (3, 2)
        assert row.actual == Decimal("3500.50") and row.budget == Decimal("4200.50")
        assert row.by_source == {"fiscal": Decimal("3500.50"), "co_builder": Decimal("700.00")}
    assert selectors.figures_by(actor=world["other_worker"], level="county") == []
    r_total = selectors.figures(actor=world["county"])
    assert r_total.problems == 3 and r_total.actual_done == Decimal("3500.50")


def test_api_figures(client, world, approved):
    approved(shares=[("fiscal", "100")])
    client.force_login(world["county"])
    r = client.get("/api/v1/infra/figures?level=town")
    assert r.status_code == 200
    assert r.json()[0]["problems"] == 1 and r.json()[0]["budget"] == "100.00"
    r = client.get("/api/v1/infra/figures?level=planet")
    assert r.status_code == 422


def test_todos(world, approved, add):
    from linli.core import todos

    w = world["worker"]
    p = approved()
    kinds = [t.kind for t in todos.items_for(w)]
    assert "infra.start" in kinds  # 财政专项 only: ready to start
    services.problem_advance(actor=w, problem=p, to="implementing")
    services.problem_record_actual(actor=w, problem=p, amount="12000")
    services.problem_advance(actor=w, problem=p, to="inspecting")
    items = [t for t in todos.items_for(w) if t.kind.startswith("infra.")]
    assert [t.kind for t in items] == ["infra.inspect"]
    assert todos.count_for(w) >= 1
    assert [t for t in todos.items_for(world["other_worker"]) if t.kind.startswith("infra")] == []
    assert [t for t in todos.items_for(world["resident"]) if t.kind.startswith("infra")] == []
