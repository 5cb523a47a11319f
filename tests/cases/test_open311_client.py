"""A GeoReport v2 client library from PyPI (``georeport``, which reads but cannot post)
against the live server: services and definitions in JSON and XML, and a request posted in
the spec's form encoding (``requests`` with ``application/x-www-form-urlencoded``) read back."""

import pytest
import requests

from linli.cases.models import Case, Category
from linli.cases.open311 import keys

from .test_open311 import PARKING

georeport = pytest.importorskip("georeport")


@pytest.fixture
def server(transactional_db, live_server, world):
    Category.objects.filter(code="illegal_parking").update(extra_attributes=PARKING)
    _, raw = keys.key_issue(actor=None, name="client-test")
    return {"root": f"{live_server.url}/open311/v2", "key": raw, **world}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_client_lists_services_and_definitions(server, fmt):
    client = georeport.GeoReport(server["root"], output_format=fmt)
    services = client.get_service_list()
    by_code = {s["service_code"]: s for s in services}
    assert by_code["illegal_parking"]["service_name"] == "乱停乱放"
    assert str(by_code["illegal_parking"]["metadata"]).lower() == "true"
    assert str(by_code["legal_aid"]["metadata"]).lower() == "false"
    assert len(services) == Category.objects.filter(active=True).count()
    definition = client.get_service_definition("illegal_parking")
    assert definition["service_code"] == "illegal_parking"
    attributes = definition["attributes"]
    if fmt == "xml":
        attributes = attributes["attribute"]
        values = attributes[0]["values"]["value"]
    else:
        values = attributes[0]["values"]
    assert attributes[0]["code"] == "vehicle"
    assert [v["key"] for v in values] == ["car", "ebike"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_client_reads_back_a_posted_request(server, fmt):
    household = server["households"]["101"]
    form = {
        "api_key": server["key"],
        "service_code": "illegal_parking",
        "address_id": f"H{household.pk}",
        "description": "电动车堵住单元门口",
        "attribute[vehicle]": "ebike",
        "device_id": f"dev-{fmt}",
        "phone": "13921869779",
    }
    r = requests.post(f"{server['root']}/requests.json", data=form, timeout=10)
    assert r.request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert r.status_code == 201, r.text
    number = r.json()[0]["service_request_id"]
    assert Case.objects.get().number == number

    client = georeport.GeoReport(server["root"], output_format=fmt)
    one = client.get_service_request(number)
    assert one["service_request_id"] == number
    assert one["status"] == "open"
    assert one["service_code"] == "illegal_parking"
    assert one["requested_datetime"].endswith("+08:00")
    assert "13921869779" not in str(one)
    listed = client.get_service_requests(service_request_id=number, status="open")
    if fmt == "xml":  # xmltodict gives one <request> as a dict, several as a list
        listed = [listed] if isinstance(listed, dict) else listed
    assert [x["service_request_id"] for x in listed] == [number]
    recent = client.get_service_requests(service_code="illegal_parking")
    recent = [recent] if isinstance(recent, dict) else recent
    assert number in [x["service_request_id"] for x in recent]
