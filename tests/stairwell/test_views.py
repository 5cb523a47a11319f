"""The public stairwell page (no login, CSRF and CSP intact, the standard 404) and the
leader's page of reports to confirm."""

import dataclasses
import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.test import Client

from linli.cases.models import Case, Status

URL = "/s/{}/"


def _csrf(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.cookies["csrftoken"].value


def test_the_page_needs_no_login_and_shows_the_stairwell(code, client):
    response = client.get(URL.format(code.token))
    body = response.content.decode()
    assert response.status_code == 200
    assert "粮站宿舍" in body and "1栋 1单元" in body
    assert "第1邻 邻长" in body and "王桂兰" in body and "空缺" in body  # 组长, 片长 vacant
    assert 'name="csrfmiddlewaretoken"' in body and 'name="category"' in body
    assert "Content-Security-Policy" in response.headers
    assert "<script>" not in body and "style=" not in body  # CSP: nothing inline
    assert response.cookies["linli_device"]["httponly"]


def test_the_leaders_phone_as_on_the_public_card(code, world, client):
    from linli.grid import services as grid_services

    grid_services.post_assign(
        grid=world["n_a"], resident=world["residents"]["a"], user=world["leader_a"], reason="换届"
    )
    body = client.get(URL.format(code.token)).content.decode()
    assert "刘建国" in body and 'href="tel:13921869779"' in body  # the card shows it in full
    assert "430424195606055010" not in body  # never an ID number


@pytest.mark.parametrize("token", ["nosuchtoken12345", "1", "%E5%A5%BD"])
def test_a_bad_token_is_the_standard_404(world, client, token):
    response = client.get(URL.format(token))
    assert response.status_code == 404
    assert b"csrfmiddlewaretoken" not in response.content


def test_a_unit_gone_is_404(code, client):
    from linli.ledger.models import Unit
    from linli.stairwell import services

    empty = Unit.objects.create(building=code.unit.building, name="9单元")  # no one lives there
    rows = dict(services.codes_for_community(community=code.unit.building.compound.community))
    token = rows[empty].token
    assert client.get(URL.format(token)).status_code == 200
    empty.delete()
    assert client.get(URL.format(token)).status_code == 404


def test_report_from_the_page_with_csrf(code, world):
    client = Client(enforce_csrf_checks=True)
    url = URL.format(code.token)
    token = _csrf(client, url)
    data = {"category": "sanitation", "description": "二楼堆满纸箱", "client_key": "k1"}
    assert client.post(url, data).status_code == 403  # no CSRF token: refused
    assert not Case.objects.exists()
    response = client.post(url, {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    case = Case.objects.get()
    assert case.unverified and case.unit == code.unit and case.description == "二楼堆满纸箱"
    assert case.number in response.content.decode()
    # a double tap (the same form sent twice) is the same report
    client.post(url, {**data, "csrfmiddlewaretoken": token})
    assert Case.objects.count() == 1


def test_a_flood_from_the_page_is_limited(code, settings):
    settings.LINLI_STAIRWELL_REPORTS_PER_DEVICE = 3
    client = Client()
    url = URL.format(code.token)
    client.get(url)  # the device cookie
    statuses = [
        client.post(url, {"category": "sanitation", "description": f"刷屏 {i}"}).status_code
        for i in range(10)
    ]
    assert statuses == [200] * 3 + [429] * 7
    assert Case.objects.count() == 3
    last = client.post(url, {"category": "sanitation", "description": "再来"})
    assert (
        "分钟后再试" in last.content.decode() and 'name="description"' not in last.content.decode()
    )


def test_a_bad_report_shows_the_form_again(code, client):
    url = URL.format(code.token)
    response = client.post(url, {"category": "", "description": "只有描述"})
    assert response.status_code == 400
    assert "诉求类别" in response.content.decode() and "只有描述" in response.content.decode()
    assert not Case.objects.exists()


@dataclasses.dataclass
class NearPoint:  # the shape linli.services.selectors.nearest_points returns
    point_id: int
    name: str
    address: str
    phone: str
    distance_m: float
    open_now: bool
    next_open: dt.datetime | None


def test_the_nearby_block_from_a_stub_list():
    nearby = [
        NearPoint(1, "兴东社区党群服务中心", "兴东路 8 号", "0734-5212345", 320.4, True, None),
        NearPoint(
            2,
            "洣水镇便民服务中心",
            "洣水大道 1 号",
            "",
            1530,
            False,
            dt.datetime(2026, 12, 3, 8, 30),
        ),
    ]
    html = render_to_string("stairwell/_nearby.html", {"nearby": nearby})
    assert "兴东社区党群服务中心" in html and "320 米" in html and "现在开放" in html
    assert 'href="tel:0734-5212345"' in html
    assert "1.5 公里" in html and "下次开放：12月3日 08:30" in html
    assert "暂无附近服务点" in render_to_string("stairwell/_nearby.html", {"nearby": []})


# ------------------------------------------------------------------- the leader's page


def _report(code):
    from linli.stairwell import services
    from linli.stairwell.services import Sender

    return services.stairwell_report(
        code=code,
        category="sanitation",
        description="楼道灯坏了",
        sender=Sender(device="device-abcdefgh", address="10.0.0.1"),
    )


def test_the_leader_confirms_from_his_list(code, world, client):
    case = _report(code)
    client.force_login(world["leader_a"])
    body = client.get("/stairwell/reports/").content.decode()
    assert "楼道灯坏了" in body and "属实，转入办理" in body
    response = client.post(
        f"/stairwell/reports/{case.pk}/decide/", {"real": "1", "version": case.version}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert not case.unverified and case.status == Status.OPEN
    assert "楼道灯坏了" not in client.get("/stairwell/reports/").content.decode()


def test_another_leader_sees_nothing_and_cannot_decide(code, world, client):
    case = _report(code)
    client.force_login(world["leader_b"])
    assert "楼道灯坏了" not in client.get("/stairwell/reports/").content.decode()
    response = client.post(f"/stairwell/reports/{case.pk}/decide/", {"real": "0"})
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).unverified


def test_the_cases_detail_page_offers_the_check(code, world, client):
    case = _report(code)
    client.force_login(world["leader_a"])
    body = client.get(f"/cases/{case.pk}/").content.decode()
    assert "核实属实" in body and "核实为无效" in body and "受理" not in body.split("核实属实")[1]
