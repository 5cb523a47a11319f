"""GeoReport v2 bodies in JSON and XML, and the spec's error list."""

from __future__ import annotations

import datetime as dt
import json
from xml.etree import ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

FORMATS = ("json", "xml")
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# Plural element → the element of each item, as the spec's XML examples nest them.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def iso(value: dt.datetime | None) -> str | None:
    """ISO 8601 with the local (+08:00) offset, to the second."""
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list | tuple):
        tag = ITEM_TAGS.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, tag), child)
    else:
        element.text = _text(value)


def to_xml(root: str, body) -> bytes:
    element = ET.Element(root)
    _fill(element, body)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(element, encoding="utf-8")


def respond(fmt: str, root: str, body, status: int = 200) -> HttpResponse:
    """``body`` as JSON, or as XML under ``root`` (lists nest per :data:`ITEM_TAGS`)."""
    if fmt == "xml":
        content = to_xml(root, body)
    else:
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return HttpResponse(content, status=status, content_type=CONTENT_TYPES[fmt])


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    body = [{"code": status, "description": d} for d in descriptions]
    return respond(fmt, "errors", body, status=status)
