"""Open311 GeoReport v2 at /open311/v2/: shapes in JSON and XML, filters, POST with its
errors, replays, keys, and no personal data out."""

import datetime as dt
import json
from xml.etree import ElementTree as ET

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from linli.cases import services
from linli.cases.models import Case, Category, Channel, Open311ApiKey, Open311Submission
from linli.cases.open311 import georeport, keys

from .conftest import category

BASE = "/open311/v2"
PARKING = [
    {
        "code": "vehicle",
        "datatype": "singlevaluelist",
        "required": True,
        "description": "车辆类型",
        "values": [{"key": "car", "name": "汽车"}, {"key": "ebike", "name": "电动车"}],
    },
    {"code": "plate", "datatype": "string", "required": False, "description": "车牌号"},
    {
        "code": "when",
        "datatype": "multivaluelist",
        "description": "时段",
        "values": [{"key": "am", "name": "上午"}, {"key": "pm", "name": "下午"}],
    },
]


@pytest.fixture
def o311(world):
    Category.objects.filter(code="illegal_parking").update(extra_attributes=PARKING)
    key, raw = keys.key_issue(actor=None, name="街道小程序")
    world["key"], world["raw_key"] = key, raw
    return world


def post(client, fmt="json", **data):
    return client.post(f"{BASE}/requests.{fmt}", data)


def body(o311, **extra):
    data = {
        "api_key": o311["raw_key"],
        "service_code": "illegal_parking",
        "address_id": f"H{o311['households']['101'].pk}",
        "description": "电动车堵住单元门口",
        "attribute[vehicle]": "ebike",
        "first_name": "建国",
        "last_name": "刘",
        "phone": "13921869779",
        "email": "liu@example.cn",
        "device_id": "phone-1",
        "account_id": "acc-7",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def xml(response):
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


def test_discovery_json_and_xml(client, db):
    r = client.get(f"{BASE}/discovery.json")
    assert r.status_code == 200
    endpoint = r.json()["endpoints"][0]
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = xml(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]


def test_services_list_both_formats(client, o311):
    services_json = client.get(f"{BASE}/services.json").json()
    parking = next(s for s in services_json if s["service_code"] == "illegal_parking")
    assert parking == {
        "service_code": "illegal_parking",
        "service_name": "乱停乱放",
        "description": parking["description"],
        "metadata": True,
        "type": "realtime",
        "keywords": parking["keywords"],
        "group": "邻长办理",
    }
    assert next(s for s in services_json if s["service_code"] == "legal_aid")["metadata"] is False
    assert len(services_json) == Category.objects.filter(active=True).count()
    root = xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    first = root.find("service")
    assert [c.tag for c in first] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    codes = {s.findtext("service_code"): s.findtext("metadata") for s in root}
    assert codes["illegal_parking"] == "true" and codes["legal_aid"] == "false"


def test_service_definition(client, o311):
    d = client.get(f"{BASE}/services/illegal_parking.json").json()
    assert d["service_code"] == "illegal_parking"
    vehicle = d["attributes"][0]
    assert vehicle == {
        "variable": True,
        "code": "vehicle",
        "datatype": "singlevaluelist",
        "required": True,
        "datatype_description": None,
        "order": 1,
        "description": "车辆类型",
        "values": [{"key": "car", "name": "汽车"}, {"key": "ebike", "name": "电动车"}],
    }
    assert "values" not in d["attributes"][1]
    root = xml(client.get(f"{BASE}/services/illegal_parking.xml"))
    assert root.tag == "service_definition"
    attr = root.find("attributes/attribute")
    assert attr.findtext("required") == "true"
    assert [v.findtext("key") for v in attr.findall("values/value")] == ["car", "ebike"]
    r = client.get(f"{BASE}/services/nope.xml")
    assert r.status_code == 404
    err = xml(r)
    assert err.tag == "errors" and err.find("error/code").text == "404"


def test_post_creates_case_and_reads_back(client, o311):
    r = post(client, **body(o311))
    assert r.status_code == 201, r.content
    [created] = r.json()
    assert set(created) == {"service_request_id", "token", "service_notice", "account_id"}
    assert created["account_id"] == "acc-7"
    case = Case.objects.get()
    assert created["service_request_id"] == case.number
    assert case.channel == Channel.OPEN311 and case.reporter is None
    assert case.household == o311["households"]["101"]
    assert "车辆类型：电动车" in case.description
    assert case.events.get().action == "report"
    sub = Open311Submission.objects.get()
    assert sub.attributes == {"vehicle": "ebike"} and sub.phone == "13921869779"

    [got] = client.get(f"{BASE}/requests/{case.number}.json").json()
    assert got["service_request_id"] == case.number
    assert got["status"] == "open"
    assert got["status_notes"].startswith("采集（第 1/7 步")
    assert got["service_code"] == "illegal_parking"
    assert got["agency_responsible"] == "第1邻邻长"
    assert got["requested_datetime"].endswith("+08:00")
    assert got["updated_datetime"].endswith("+08:00")
    assert got["expected_datetime"] == f"{case.deadline:%Y-%m-%d}T23:59:59+08:00"
    assert got["address"] == "粮站宿舍" and got["address_id"] == f"C{case.compound_id}"
    assert got["lat"] is None and got["long"] is None and got["media_url"] is None
    assert got["description"] is None  # public: no description without a key
    text = json.dumps(client.get(f"{BASE}/requests.json").json(), ensure_ascii=False)
    for secret in ("13921869779", "liu@example.cn", "建国", "刘建国", "acc-7", "phone-1"):
        assert secret not in text
    keyed = client.get(f"{BASE}/requests/{case.pk}.json", {"api_key": o311["raw_key"]})
    assert keyed.json()[0]["description"].startswith("电动车堵住单元门口")
    [tok] = client.get(f"{BASE}/tokens/{created['token']}.json").json()
    assert tok == {"service_request_id": case.number, "token": created["token"]}
    root = xml(client.get(f"{BASE}/tokens/{created['token']}.xml"))
    assert root.find("request/service_request_id").text == case.number

    root = xml(client.get(f"{BASE}/requests/{case.number}.xml"))
    assert root.tag == "service_requests"
    req = root.find("request")
    assert req.findtext("service_request_id") == case.number
    assert req.findtext("status") == "open"
    assert req.find("lat").text is None


def test_post_xml_response(client, o311):
    r = post(client, "xml", **body(o311, device_id=None, account_id=None))
    assert r.status_code == 201
    root = xml(r)
    req = root.find("request")
    assert req.findtext("service_request_id") == Case.objects.get().number
    assert req.find("account_id").text is None


def test_stage_and_holder_follow_the_loop(client, o311):
    post(client, **body(o311))
    case = Case.objects.get()
    services.case_accept(actor=o311["leader_a"], case=case)
    services.case_escalate(actor=o311["leader_a"], case=case, reason="需要组长协调")
    [got] = client.get(f"{BASE}/requests/{case.number}.json").json()
    assert got["status_notes"].startswith("立案（第 2/7 步")
    assert got["agency_responsible"] == "第1组组长"
    case.refresh_from_db()
    services.case_resolve(actor=o311["group_leader"], case=case, note="已挪走")
    services.case_rate(actor=o311["resident_a"], case=case, satisfaction="satisfied")
    [got] = client.get(f"{BASE}/requests/{case.number}.json").json()
    assert got["status"] == "closed"
    assert got["status_notes"].startswith("评价（第 7/7 步") and "已解决" in got["status_notes"]


def test_replayed_post_returns_first_case(client, o311):
    first = post(client, **body(o311)).json()[0]
    again = post(client, **body(o311))
    assert again.status_code == 200
    assert again.json()[0]["service_request_id"] == first["service_request_id"]
    assert again.json()[0]["token"] == first["token"]
    assert Case.objects.count() == 1 and Open311Submission.objects.count() == 1
    # another device, or the same device with a different body, is a new case
    assert post(client, **body(o311, device_id="phone-2")).status_code == 201
    assert post(client, **body(o311, description="又堵上了")).status_code == 201
    # no device_id: nothing to recognise a replay by
    assert post(client, **body(o311, device_id=None)).status_code == 201
    assert Case.objects.count() == 4


def test_client_key_reused_for_other_report(client, o311):
    assert post(client, **body(o311, client_key="k1")).status_code == 201
    assert post(client, **body(o311, client_key="k1")).status_code == 200
    r = post(client, **body(o311, client_key="k1", description="另一件事"))
    assert r.status_code == 400
    assert "提交标识" in r.json()[0]["description"]
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"api_key": None}, 403, "api_key"),
        ({"api_key": "l311_wrong"}, 403, "api_key"),
        ({"service_code": None}, 400, "service_code"),
        ({"service_code": "nope"}, 400, "nope"),
        ({"address_id": None}, 400, "位置"),
        ({"address_id": None, "lat": "26.9", "long": "112.6"}, 400, "lat/long"),
        ({"address_id": None, "lat": "26.9"}, 400, "同时"),
        ({"address_id": None, "lat": "north", "long": "112.6"}, 400, "lat"),
        ({"address_id": None, "lat": "95", "long": "112.6"}, 400, "-90"),
        ({"address_id": "H999999"}, 400, "住户"),
        ({"address_id": "X1"}, 400, "格式"),
        ({"address_id": None, "address_string": "没有这个小区"}, 400, "address_string"),
        ({"attribute[vehicle]": None}, 400, "attribute[vehicle]"),
        ({"attribute[vehicle]": "tank"}, 400, "tank"),
        ({"attribute[colour]": "red"}, 400, "colour"),
        ({"attribute[when][]": "night"}, 400, "night"),
        ({"description": "", "service_code": "other", "attribute[vehicle]": None}, 400, "描述"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
        ({"phone": "1" * 40}, 400, "phone"),
    ],
)
def test_post_bad_input_changes_nothing(client, o311, change, status, words):
    data = body(o311)
    for k, v in change.items():
        if v is None:
            data.pop(k, None)
        else:
            data[k] = v
    for fmt in ("json", "xml"):
        r = post(client, fmt, **data)
        assert r.status_code == status
        if fmt == "json":
            [err] = r.json()
            assert err["code"] == status and words in err["description"]
        else:
            root = xml(r)
            assert root.tag == "errors"
            assert root.find("error/code").text == str(status)
    assert Case.objects.count() == 0 and Open311Submission.objects.count() == 0


def test_post_by_address_string_and_compound_id(client, o311):
    r = post(client, **body(o311, address_id=None, address_string="粮站宿舍"))
    assert r.status_code == 201
    compound = o311["households"]["101"].unit.building.compound
    r = post(client, **body(o311, address_id=f"C{compound.pk}", device_id="x"))
    assert r.status_code == 201
    assert list(Case.objects.values_list("household", flat=True)) == [None, None]
    multi = body(o311, device_id="y")
    multi["attribute[when][]"] = ["am", "pm"]
    assert post(client, **multi).status_code == 201
    assert Open311Submission.objects.filter(attributes__when=["am", "pm"]).count() == 1


def test_post_by_lat_long_lands_in_the_nearest_compound(client, o311, other_compound):
    """A GeoReport client that only sends coordinates: the report lands in the compound whose
    recorded gate is nearest, within 300 m; the request reads back with the gate's lat/long."""
    from linli.ledger import services as ledger_services

    compound = o311["households"]["101"].unit.building.compound
    ledger_services.compound_update(compound=compound, latitude="27.083000", longitude="112.948000")
    # another compound 200 m further east: the nearer one wins
    ledger_services.compound_update(
        compound=other_compound, latitude="27.083000", longitude="112.951000"
    )
    r = post(client, **body(o311, address_id=None, lat="27.0831", long="112.9482"))
    assert r.status_code == 201, r.content
    case = Case.objects.get()
    assert case.compound == compound and case.household is None
    [got] = client.get(f"{BASE}/requests/{case.number}.json").json()
    assert (got["lat"], got["long"]) == (27.083, 112.948)
    # 500 m away from every gate: refused, nothing stored
    far = post(client, **body(o311, address_id=None, lat="27.0875", long="112.9480", device_id="f"))
    assert far.status_code == 400 and "300 米" in far.json()[0]["description"]
    assert Case.objects.count() == 1


def test_key_region_limits_places(client, o311, regions):
    """A place outside the key's region is answered exactly like one that does not exist."""
    _key, raw = keys.key_issue(actor=None, name="新塘", region=regions["xintang"])
    r = post(client, **body(o311, api_key=raw))
    missing = post(client, **body(o311, api_key=raw, address_id="H987654321", device_id="m"))
    assert r.status_code == 400
    assert r.json()[0]["description"] == missing.json()[0]["description"].replace(
        "H987654321", f"H{o311['households']['101'].pk}"
    )
    assert Case.objects.count() == 0


def test_revoked_key_is_refused(client, o311):
    keys.key_revoke(actor=None, name="街道小程序")
    assert post(client, **body(o311)).status_code == 403
    r = client.get(f"{BASE}/requests.json", {"api_key": o311["raw_key"]})
    assert r.status_code == 403


def test_get_requests_filters(client, o311, report):
    other = report(code="neighbour_dispute")  # reported through the core on 2026-03-02
    now = dt.datetime.now(dt.UTC)
    post(client, **body(o311))
    post(client, **body(o311, service_code="other", device_id="2", **{"attribute[vehicle]": None}))
    numbers = lambda r: [x["service_request_id"] for x in r.json()]  # noqa: E731
    recent = client.get(f"{BASE}/requests.json")
    assert len(recent.json()) == 2  # default: the last 90 days
    assert numbers(client.get(f"{BASE}/requests.json", {"service_code": "other"})) == [
        Case.objects.get(category__code="other").number
    ]
    both = client.get(f"{BASE}/requests.json", {"service_code": "other,illegal_parking"})
    assert len(both.json()) == 2
    assert client.get(f"{BASE}/requests.json", {"status": "closed"}).json() == []
    assert len(client.get(f"{BASE}/requests.json", {"status": "open,closed"}).json()) == 2
    march = {"start_date": "2026-03-01T00:00:00+08:00", "end_date": "2026-03-03T00:00:00Z"}
    assert numbers(client.get(f"{BASE}/requests.json", march)) == [other.number]
    ids = f"{other.number},{Case.objects.get(category__code='other').pk}"
    assert len(client.get(f"{BASE}/requests.json", {"service_request_id": ids}).json()) == 2
    # service_request_id overrides the other filters
    r = client.get(f"{BASE}/requests.json", {"service_request_id": other.number, "status": "x"})
    assert numbers(r) == [other.number]
    assert now.year >= 2026
    for bad in (
        {"status": "pending"},
        {"start_date": "yesterday"},
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
        {"start_date": "2026-03-02T00:00:00Z", "end_date": "2026-03-01T00:00:00Z"},
        {"service_request_id": "abc"},
    ):
        r = client.get(f"{BASE}/requests.json", bad)
        assert r.status_code == 400, bad
        assert r.json()[0]["code"] == 400


def test_request_not_found(client, o311):
    for path in ("requests/SQ20260302-99999.json", "requests/abc.xml", "tokens/nope.json"):
        r = client.get(f"{BASE}/{path}")
        assert r.status_code == 404
    r = post(client, **body(o311))
    number = r.json()[0]["service_request_id"]
    wrong_date = "SQ19990101-" + number.split("-")[1]
    assert client.get(f"{BASE}/requests/{wrong_date}.json").status_code == 404


def test_merged_case_notes(client, o311):
    post(client, **body(o311))
    post(client, **body(o311, device_id="2"))
    dup, first = Case.objects.order_by("-id")
    services.case_merge(actor=o311["leader_a"], case=dup, into=first)
    [got] = client.get(f"{BASE}/requests/{dup.number}.json").json()
    assert got["status"] == "closed" and f"已合并至 {first.number}" in got["status_notes"]


def test_post_is_csrf_exempt(o311):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert post(strict, **body(o311)).status_code == 201


def test_wrong_method(client, o311):
    r = client.post(f"{BASE}/services.json")
    assert r.status_code == 405 and r.json()[0]["code"] == 405


def test_command_issue_and_revoke(db, capsys):
    call_command("open311", "issue-key", "测试应用")
    raw = capsys.readouterr().out.strip()
    assert raw.startswith("l311_")
    key = Open311ApiKey.objects.get()
    assert key.key_hash == keys.hash_key(raw) and raw not in key.key_hash
    assert keys.key_authenticate(raw) == key
    with pytest.raises(CommandError, match="已有"):
        call_command("open311", "issue-key", "测试应用")
    call_command("open311", "revoke-key", "测试应用")
    assert keys.key_authenticate(raw) is None
    with pytest.raises(CommandError, match="没有"):
        call_command("open311", "revoke-key", "测试应用")
    call_command("open311", "issue-key", "测试应用")  # the name is free again
    call_command("open311", "list-keys")
    assert "吊销于" in capsys.readouterr().out


def test_only_officials_issue_keys(o311):
    from linli.core.errors import DomainError

    with pytest.raises(DomainError):
        keys.key_issue(actor=o311["leader_a"], name="x")
    key, _ = keys.key_issue(actor=o311["worker"], name="x")
    assert key.region == o311["worker"].profile.region and key.issued_by == o311["worker"]


def test_same_key_used_by_the_core_reporter_does_not_clash(o311, report):
    # a resident's own client_key and an Open311 key never collide
    case = report(client_key="phone-1")
    assert case.reporter == o311["resident_a"] and category("neighbour_dispute")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="threads with separate connections need a shared server database (PostgreSQL); "
    "on SQLite the IMMEDIATE transactions serialise replays (test_replayed_post_…)",
)
@pytest.mark.django_db(transaction=True)
def test_replays_racing_in_make_one_case(o311):
    from django.http import QueryDict

    from .test_concurrency import race

    data = QueryDict(mutable=True)
    data.update(body(o311))
    results = race(*[lambda: georeport.request_create(o311["key"], data) for _ in range(6)])
    assert len({r[0][0]["service_request_id"] for r in results}) == 1
    assert sorted(created for _, created in results) == [False] * 5 + [True]
    assert Case.objects.count() == 1 and Open311Submission.objects.count() == 1
