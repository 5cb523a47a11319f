"""★ ``linli services export-hsds DIR`` writes HSDS 3 JSON that validates against Open
Referral's own JSON schemas (tests/services/data/hsds3/, see SOURCE.md there), with
formats (uuid, date-time, uri) checked."""

import json
from pathlib import Path
from urllib.parse import urlparse

import jsonschema_rs
import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).parent / "data" / "hsds3"
BASE = "https://specs.openreferral.org/hsds/3.0/schema/"
ENTITY = {
    "organizations": "organization",
    "services": "service",
    "locations": "location",
    "service_at_locations": "service_at_location",
}


def _retrieve(uri: str):
    name = Path(urlparse(uri).path).name
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def validator(entity: str):
    schema = _retrieve(f"{BASE}{entity}.json")
    return jsonschema_rs.Draft202012Validator(
        schema,
        validate_formats=True,
        ignore_unknown_formats=True,
        retriever=_retrieve,
        base_uri=f"{BASE}{entity}.json",
    )


def test_the_schemas_are_real_and_strict_enough():
    """The validator really checks: a service without a status, or with a bad uuid, fails."""
    v = validator("service")
    good = {"id": "ac148810-d857-441c-9679-408f346de14b", "name": "x", "status": "active"}
    assert v.is_valid(good)
    assert not v.is_valid({k: good[k] for k in ("id", "name")})  # status required
    assert not v.is_valid({**good, "id": "not-a-uuid"})
    assert not v.is_valid({**good, "phones": [{"id": good["id"]}]})  # a phone needs a number
    loc = validator("location")
    assert not loc.is_valid({"id": good["id"], "location_type": "moon"})


def test_export_validates_against_hsds3(catalogue, tmp_path, capsys):
    call_command("services", "export-hsds", str(tmp_path / "hsds"))
    out = capsys.readouterr().out
    assert "服务事项 2" in out and "服务网点 3" in out
    files = sorted(p.name for p in (tmp_path / "hsds").iterdir())
    assert files == sorted(f"{name}.json" for name in ENTITY)
    for name, entity in ENTITY.items():
        rows = json.loads((tmp_path / "hsds" / f"{name}.json").read_text(encoding="utf-8"))
        assert rows, name
        v = validator(entity)
        for row in rows:
            errors = [f"{e.instance_path}: {e.message}" for e in v.iter_errors(row)]
            assert not errors, (name, row.get("name"), errors)


def test_export_carries_the_guide(catalogue, tmp_path):
    call_command("services", "export-hsds", str(tmp_path))
    services = {s["name"]: s for s in json.loads((tmp_path / "services.json").read_text())}
    card, permit = services["社保卡补办"], services["居住证办理"]
    assert card["wait_time"] == "当场办结" and permit["wait_time"] == "承诺 15 个工作日"
    assert permit["cost_options"][0] == {
        **permit["cost_options"][0],
        "currency": "CNY",
        "amount": 20.0,
    }
    assert [d["document"] for d in card["required_documents"]] == [
        "居民身份证（原件 1 份）",
        "近期免冠照片（原件 1 份）：白底一寸",
    ]
    assert card["attributes"][0]["taxonomy_term"]["code"] == "430424-RS-0001"
    assert "到现场 1 次" in card["application_process"]
    locations = {loc["name"]: loc for loc in json.loads((tmp_path / "locations.json").read_text())}
    station = locations["兴东社区服务站"]
    assert station["addresses"][0]["postal_code"] == "421400"
    assert {(s["freq"], s["byday"], s["opens_at"]) for s in station["schedules"]} == {
        ("WEEKLY", "MO,TU,WE,TH,FR", "08:30+08:00"),
        ("WEEKLY", "MO,TU,WE,TH,FR", "14:30+08:00"),
    }
    offers = json.loads((tmp_path / "service_at_locations.json").read_text())
    assert len(offers) == 5
    # the same catalogue exports the same bytes (ids are stable)
    first = (tmp_path / "services.json").read_bytes()
    call_command("services", "export-hsds", str(tmp_path))
    assert (tmp_path / "services.json").read_bytes() == first


def test_export_bad_directory(tmp_path, capsys):
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(SystemExit) as exc:
        call_command("services", "export-hsds", str(target))
    assert exc.value.code == 2
    assert "不是目录" in capsys.readouterr().err
