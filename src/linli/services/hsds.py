"""The catalogue as Open Referral HSDS 3 JSON (``linli services export-hsds DIR``).

Four files, each a JSON array of HSDS 3 objects that validate against the specification's
JSON schemas (``tests/services/data/hsds3/``, from openreferral/specification):

- ``organizations.json`` — ``organization`` (实施机构) with its phone;
- ``services.json`` — ``service`` (服务事项) with the 办事指南 fields where HSDS has them:
  受理范围 and 受理条件 → ``eligibility_description``; 办理程序 and 到现场次数 →
  ``application_process``; 办理时限 → ``wait_time``; 收费 → ``fees_description`` and a
  ``cost_options`` entry in CNY; 所需材料 → ``required_documents``; 咨询/监督电话 → ``phones``;
  the 事项编码 (GB/T 39554.1-2020) → an ``attributes`` entry with its ``taxonomy_term``;
- ``locations.json`` — ``location`` (服务网点) with its ``addresses``, ``phones`` and
  ``schedules`` (the RFC 5545 rule's parts, ``opens_at``/``closes_at`` with the +08:00 offset);
- ``service_at_locations.json`` — ``service_at_location`` (which point handles which item).

Ids are the rows' UUIDs; the nested objects without a row of their own (a phone, an address,
an attribute) get UUID-5s derived from their owner, so an export is the same every time.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from django.db.models import Prefetch

from . import hours
from .models import CalendarRule, Item, Organization, Point, PointItem

NAMESPACE = uuid.UUID("6f1d2a3c-5b0e-4c59-9d1e-1a2b3c4d5e6f")
TAXONOMY = "GB/T 39554.1-2020 政务服务事项编码"
FILES = ("organizations", "services", "locations", "service_at_locations")


def _id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


def _language(owner: str, owner_id: str) -> dict:
    return {"id": _id("language", owner_id), f"{owner}_id": owner_id, "name": "中文", "code": "zh"}


def _phone(owner: str, owner_id: str, number: str, description: str, tag: str = "") -> dict:
    return {
        "id": _id("phone", owner_id, tag),
        f"{owner}_id": owner_id,
        "number": number,
        "type": "voice",
        "description": description,
    }


def organization_json(org: Organization) -> dict[str, Any]:
    oid = str(org.uuid)
    out: dict[str, Any] = {
        "id": oid,
        "name": org.name,
        "description": org.description or org.name,
        "phones": [_phone("organization", oid, org.phone, "咨询电话")] if org.phone else [],
    }
    if org.website:
        out["website"] = org.website
    return out


def service_json(item: Item) -> dict[str, Any]:
    sid = str(item.uuid)
    steps = "\n".join(f"{i}. {s}" for i, s in enumerate(item.steps, 1))
    visits = "无需到现场" if item.visits_needed == 0 else f"到现场 {item.visits_needed} 次"
    phones = []
    if item.consult_phone:
        phones.append(_phone("service", sid, item.consult_phone, "咨询电话", "consult"))
    if item.complaint_phone:
        phones.append(_phone("service", sid, item.complaint_phone, "监督电话", "complaint"))
    fee_text = item.fee_label + (f"（{item.fee_basis}）" if item.fee_basis else "")
    return {
        "id": sid,
        "organization_id": str(item.organization.uuid),
        "name": item.name,
        "description": item.description or item.name,
        "status": "active" if item.active else "inactive",
        "eligibility_description": f"受理范围：{item.get_applicant_scope_display()}。"
        + (f"受理条件：{item.eligibility}" if item.eligibility else ""),
        "application_process": (steps + "\n" if steps else "") + visits,
        "wait_time": item.time_limit_label,
        "fees_description": fee_text,
        "last_modified": item.updated_at.isoformat(),
        "cost_options": [
            {
                "id": _id("cost", sid),
                "service_id": sid,
                "option": "收费标准",
                "currency": "CNY",
                "amount": float(item.fee),
                "amount_description": fee_text,
            }
        ],
        "required_documents": [
            {"id": _id("document", sid, d.pk), "service_id": sid, "document": d.label}
            for d in item.documents.all()
        ],
        "phones": phones,
        "languages": [_language("service", sid)],
        "attributes": [
            {
                "id": _id("attribute", sid, "code"),
                "link_id": sid,
                "link_type": "service",
                "link_entity": "service",
                "value": item.code,
                "taxonomy_term": {
                    "id": _id("term", item.code),
                    "code": item.code,
                    "name": item.name,
                    "description": f"{TAXONOMY}：{item.code}",
                    "taxonomy": TAXONOMY,
                    "language": "zh",
                },
            }
        ],
    }


def schedule_json(line, location_id: str) -> dict[str, Any]:
    parts = hours.rule_parts(line.rrule)
    out: dict[str, Any] = {
        "id": str(line.uuid),
        "location_id": location_id,
        "valid_from": line.valid_from.isoformat(),
        "dtstart": line.valid_from.isoformat(),
        "timezone": 8,
        "freq": parts["FREQ"],
        "opens_at": f"{line.opens_at:%H:%M}+08:00",
        "closes_at": f"{line.closes_at:%H:%M}+08:00",
        "description": hours.describe(line),
    }
    for key, field in (("BYDAY", "byday"), ("BYMONTHDAY", "bymonthday"), ("BYWEEKNO", "byweekno")):
        if parts.get(key):
            out[field] = parts[key]
    if parts.get("WKST"):
        out["wkst"] = parts["WKST"]
    for key, field in (("INTERVAL", "interval"), ("COUNT", "count")):
        if parts.get(key, "").isdigit():
            out[field] = int(parts[key])
    if line.calendar == CalendarRule.WORKDAYS:
        out["notes"] = "法定节假日休息，调休上班日照常办公（中国法定节假日安排）"
    return out


def location_json(point: Point) -> dict[str, Any]:
    lid = str(point.uuid)
    out: dict[str, Any] = {
        "id": lid,
        "location_type": "physical",
        "name": point.name,
        "description": point.description or f"{point.get_kind_display()}：{point.name}",
        "latitude": float(point.latitude),
        "longitude": float(point.longitude),
        "addresses": [
            {
                "id": _id("address", lid),
                "location_id": lid,
                "address_1": point.address,
                "city": point.city,
                "region": point.district,
                "state_province": point.province,
                "postal_code": point.postal_code,
                "country": "CN",
                "address_type": "physical",
            }
        ],
        "phones": [_phone("location", lid, point.phone, "网点电话")] if point.phone else [],
        "schedules": [schedule_json(s, lid) for s in point.schedules.all()],
        "languages": [_language("location", lid)],
    }
    if point.organization is not None:
        out["organization_id"] = str(point.organization.uuid)
    if point.transport:
        out["transportation"] = point.transport
    return out


def service_at_location_json(offer: PointItem) -> dict[str, Any]:
    out = {
        "id": str(offer.uuid),
        "service_id": str(offer.item.uuid),
        "location_id": str(offer.point.uuid),
    }
    if offer.note:
        out["description"] = offer.note
    return out


def catalogue() -> dict[str, list[dict[str, Any]]]:
    """The whole catalogue (every item and point, active or not, the status says which)."""
    items = Item.objects.select_related("organization").prefetch_related("documents")
    points = Point.objects.select_related("organization").prefetch_related(Prefetch("schedules"))
    offers = PointItem.objects.select_related("point", "item").order_by("point_id", "item_id")
    return {
        "organizations": [organization_json(o) for o in Organization.objects.order_by("pk")],
        "services": [service_json(i) for i in items.order_by("code")],
        "locations": [location_json(p) for p in points.order_by("pk")],
        "service_at_locations": [service_at_location_json(o) for o in offers],
    }


def export(directory: Path) -> dict[str, int]:
    """Write the four files into ``directory`` (created if missing); returns their sizes."""
    directory.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, rows in catalogue().items():
        (directory / f"{name}.json").write_text(
            json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        counts[name] = len(rows)
    return counts
