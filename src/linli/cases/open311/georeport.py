"""Open311 GeoReport v2 over the cases core: services from categories, requests from cases.

Everything that changes a case goes through :mod:`linli.cases.services` (``case_report``
with a client key); this module only maps the spec's fields in and out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.db import IntegrityError, transaction
from django.db.models import Max, Prefetch, Q
from django.utils import timezone

from linli.core.bounds import MAX_YEAR, MIN_YEAR
from linli.core.errors import DomainError
from linli.core.geo import great_circle_m
from linli.ledger.models import Compound, Household

from .. import services
from ..models import (
    Case,
    CasePhoto,
    Category,
    Channel,
    CloseReason,
    HandlerLevel,
    Open311ApiKey,
    Open311Submission,
    Stage,
)

MAX_REQUESTS = 1000  # the most requests one GET requests returns
DEFAULT_DAYS = 90  # the default and the widest start_date..end_date window
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
STAGE_ORDER = list(Stage)
STAGE_PATH = "→".join(s.label for s in STAGE_ORDER)
NUMBER_RE = re.compile(r"^(?:SQ\d{8}-)?0*(\d{1,12})$", re.IGNORECASE)
ATTRIBUTE_RE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")
CONTACT_LIMITS = {
    "first_name": 50,
    "last_name": 50,
    "email": 254,
    "phone": 30,
    "device_id": 100,
    "account_id": 100,
}


@dataclass
class Open311Error(Exception):
    status: int
    description: str


# ---------------------------------------------------------------- services


def _attributes(category: Category) -> list[dict]:
    """The category's ``extra_attributes`` in the spec's shape (order, variable, values)."""
    out = []
    for n, raw in enumerate(category.extra_attributes or [], start=1):
        if not isinstance(raw, dict) or not raw.get("code"):
            continue
        datatype = raw.get("datatype") or "string"
        item = {
            "variable": bool(raw.get("variable", True)),
            "code": str(raw["code"]),
            "datatype": datatype if datatype in DATATYPES else "string",
            "required": bool(raw.get("required", False)),
            "datatype_description": raw.get("datatype_description") or None,
            "order": int(raw.get("order") or n),
            "description": raw.get("description") or str(raw["code"]),
        }
        if item["datatype"] in ("singlevaluelist", "multivaluelist"):
            values = []
            for v in raw.get("values") or []:
                if isinstance(v, dict):
                    values.append({"key": str(v.get("key")), "name": str(v.get("name", ""))})
                else:
                    values.append({"key": str(v), "name": str(v)})
            item["values"] = values
        out.append(item)
    return sorted(out, key=lambda a: a["order"])


def _categories():
    return Category.objects.filter(active=True).select_related("default_department")


def service_list() -> list[dict]:
    out = []
    for c in _categories():
        level = HandlerLevel(c.default_level).label
        out.append(
            {
                "service_code": c.code,
                "service_name": c.name,
                "description": c.description or f"{c.name}，{c.time_limit_days} 个工作日内办结",
                "metadata": bool(_attributes(c)),
                "type": "realtime",
                "keywords": ", ".join(k for k in (c.name, c.code, level) if k),
                "group": f"{level}办理",
            }
        )
    return out


def _category(code: str | None) -> Category | None:
    code = (code or "").strip()
    if not code:
        return None
    return _categories().filter(code=code).first()


def service_definition(code: str) -> dict:
    category = _category(code)
    if category is None:
        raise Open311Error(404, f"service_code {code} 不存在")
    return {"service_code": category.code, "attributes": _attributes(category)}


# ---------------------------------------------------------------- requests out


def _key_sees(key: Open311ApiKey | None, case: Case) -> bool:
    if key is None:
        return False
    return key.region is None or case.community.path.startswith(key.region.path)


def status_notes(case: Case) -> str:
    n = STAGE_ORDER.index(Stage(case.stage)) + 1
    note = f"{case.get_stage_display()}（第 {n}/7 步：{STAGE_PATH}）"
    if (
        case.close_reason == CloseReason.MERGED
        and case.merged_into_id
        and case.merged_into is not None
    ):
        note += f"；已合并至 {case.merged_into.number}"
    elif case.close_reason:
        note += f"；{case.get_close_reason_display()}"
    return note


def _expected(case: Case) -> dt.datetime:
    end = dt.datetime.combine(case.deadline, dt.time(23, 59, 59))
    return timezone.make_aware(end)


def _address(case: Case) -> str:
    compound = case.compound
    return f"{compound.name}（{compound.address}）" if compound.address else compound.name


def request_out(case: Case, *, key: Open311ApiKey | None, base_url: str) -> dict:
    """One service request. Never the reporter's name, phone or e-mail; the description only
    to a caller whose api_key covers the case's community; the address at compound level."""
    from .render import iso

    submission = getattr(case, "_open311", None)
    media = submission.media_url if submission and submission.media_url else None
    if media is None:
        photos = list(case.photos.all())
        if photos:
            media = base_url + photos[0].get_absolute_url()
    updated = getattr(case, "updated_at", None) or case.reported_at
    return {
        "service_request_id": case.number,
        "status": case.status,
        "status_notes": status_notes(case),
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": case.description if _key_sees(key, case) else None,
        "agency_responsible": services.holder_label(case),
        "service_notice": f"当前时限 {case.deadline:%Y-%m-%d}",
        "requested_datetime": iso(case.reported_at),
        "updated_datetime": iso(updated),
        "expected_datetime": iso(_expected(case)),
        "address": _address(case),
        "address_id": f"C{case.compound_id}",
        "zipcode": None,
        "lat": float(case.compound.latitude) if case.compound.latitude is not None else None,
        "long": float(case.compound.longitude) if case.compound.longitude is not None else None,
        "media_url": media,
    }


def _request_qs():
    return (
        Case.objects.filter(unverified=False)  # an unconfirmed 楼道码 report is published never
        .select_related("category", "grid", "department", "community", "compound", "merged_into")
        .annotate(updated_at=Max("events__at"))
        .prefetch_related(Prefetch("photos", queryset=CasePhoto.objects.order_by("id")))
    )


def _attach_submissions(cases: list[Case]) -> list[Case]:
    subs = {
        s.case_id: s
        for s in Open311Submission.objects.filter(case_id__in=[c.pk for c in cases]).only(
            "case_id", "media_url"
        )
    }
    for c in cases:
        c._open311 = subs.get(c.pk)
    return cases


def parse_request_id(raw: str) -> int | None:
    m = NUMBER_RE.match((raw or "").strip())
    return int(m.group(1)) if m else None


def _matches_number(case: Case, raw: str) -> bool:
    raw = raw.strip().upper()
    return not raw.startswith("SQ") or raw == case.number


def _parse_when(raw: str, name: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(raw.strip().replace(" ", "+"))
    except ValueError:
        raise Open311Error(
            400, f"{name} 须为 ISO 8601 时间，如 2026-03-01T00:00:00+08:00"
        ) from None
    if not (MIN_YEAR <= value.year <= MAX_YEAR):
        raise Open311Error(400, f"{name} 须在 {MIN_YEAR} 至 {MAX_YEAR} 年之间")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _cases_by_id(qs, ids_raw: str) -> list[Case]:
    """The cases a comma list of ids names (at most :data:`MAX_REQUESTS`), newest first."""
    wanted = [p for p in (s.strip() for s in ids_raw.split(",")) if p]
    ids = {}
    for raw in wanted[:MAX_REQUESTS]:
        pk = parse_request_id(raw)
        if pk is None:
            raise Open311Error(400, f"service_request_id {raw} 格式不对")
        ids[pk] = raw
    cases = [c for c in qs.filter(pk__in=list(ids)) if _matches_number(c, ids[c.pk])]
    cases.sort(key=lambda c: (c.reported_at, c.pk), reverse=True)
    return cases


def _comma_list(params, name: str) -> list[str]:
    return [s.strip() for s in (params.get(name) or "").split(",") if s.strip()]


def _date_window(params) -> tuple[dt.datetime, dt.datetime]:
    """``start_date``..``end_date``: either end defaults to :data:`DEFAULT_DAYS` from the
    other (the end to now), and the window may be no wider."""
    start_raw, end_raw = params.get("start_date"), params.get("end_date")
    window = dt.timedelta(days=DEFAULT_DAYS)
    end = _parse_when(end_raw, "end_date") if end_raw else None
    start = _parse_when(start_raw, "start_date") if start_raw else None
    if start is None:
        if end is None:
            end = timezone.now()
        start = end - window
    elif end is None:
        end = start + window
    if end < start:
        raise Open311Error(400, "end_date 早于 start_date")
    if end - start > window:
        raise Open311Error(400, f"start_date 至 end_date 不能超过 {DEFAULT_DAYS} 天")
    return start, end


def _cases_filtered(qs, params) -> list[Case]:
    """The cases ``service_code``, ``status`` and the date window choose, newest first."""
    codes = _comma_list(params, "service_code")
    if codes:
        qs = qs.filter(category__code__in=codes)
    statuses = _comma_list(params, "status")
    for s in statuses:
        if s not in ("open", "closed"):
            raise Open311Error(400, f"status 须为 open 或 closed，收到 {s}")
    if statuses:
        qs = qs.filter(status__in=statuses)
    start, end = _date_window(params)
    qs = qs.filter(reported_at__gte=start, reported_at__lte=end)
    return list(qs.order_by("-reported_at", "-id")[:MAX_REQUESTS])


def request_list(params, *, key: Open311ApiKey | None, base_url: str) -> list[dict]:
    """GET requests: ``service_request_id`` (comma list) overrides the other filters; else
    ``service_code``, ``status`` (open/closed), ``start_date``/``end_date`` (default and at
    most 90 days), newest first, at most :data:`MAX_REQUESTS`."""
    qs = _request_qs()
    ids_raw = (params.get("service_request_id") or "").strip()
    cases = _cases_by_id(qs, ids_raw) if ids_raw else _cases_filtered(qs, params)
    _attach_submissions(cases)
    return [request_out(c, key=key, base_url=base_url) for c in cases]


def request_get(raw_id: str, *, key: Open311ApiKey | None, base_url: str) -> list[dict]:
    pk = parse_request_id(raw_id)
    case = _request_qs().filter(pk=pk).first() if pk else None
    if case is None or not _matches_number(case, raw_id):
        raise Open311Error(404, f"service_request_id {raw_id} 不存在")
    _attach_submissions([case])
    return [request_out(case, key=key, base_url=base_url)]


def token_get(token: str) -> list[dict]:
    sub = (
        Open311Submission.objects.filter(token=(token or "").strip()).select_related("case").first()
    )
    if sub is None:
        raise Open311Error(404, f"token {token} 不存在")
    return [{"service_request_id": sub.case.number, "token": sub.token}]


# ---------------------------------------------------------------- POST requests


# A lat/long report lands in the nearest compound whose gate is at most this far away.
NEAREST_COMPOUND_METERS = 300


def _coordinate(data, name: str, bound: float) -> float:
    raw = (data.get(name) or "").strip()
    try:
        value = float(raw)
    except ValueError:
        raise Open311Error(400, f"{name} 须为十进制度数，收到“{raw}”") from None
    if not math.isfinite(value) or abs(value) > bound:
        raise Open311Error(400, f"{name} 须在 -{bound:g} 到 {bound:g} 之间，收到 {raw}")
    return value


def compound_near(lat: float, lng: float, *, compounds=None) -> Compound | None:
    """The compound (of ``compounds``, default all) whose recorded gate (WGS-84) is nearest
    to the point, within :data:`NEAREST_COMPOUND_METERS`; None when there is none."""
    dlat = NEAREST_COMPOUND_METERS / 111_000
    dlng = dlat / max(math.cos(math.radians(lat)), 0.01)
    candidates = (
        (Compound.objects.all() if compounds is None else compounds)
        .filter(latitude__range=(lat - dlat, lat + dlat), longitude__range=(lng - dlng, lng + dlng))
        .select_related("community")
    )
    best = min(
        (
            # both set: the filter above ranges over them
            (
                great_circle_m(
                    lat, lng, float(cast(Decimal, c.latitude)), float(cast(Decimal, c.longitude))
                ),
                c.pk,
                c,
            )
            for c in candidates
        ),
        default=None,
    )
    return best[2] if best and best[0] <= NEAREST_COMPOUND_METERS else None


def _place(data, key: Open311ApiKey | None = None) -> tuple[Household | None, Compound | None]:
    """address_id ``H<户 id>`` / ``C<小区 id>`` (a bare number is a household), else an
    address_string naming one compound (its name or address), else lat/long: the nearest
    compound with recorded coordinates within :data:`NEAREST_COMPOUND_METERS`.

    Only places in the key's region are looked at: one outside it is answered exactly like
    one that does not exist (the same 400 and message), so a key cannot probe other regions.
    """
    compounds = Compound.objects.all()
    households = Household.objects.all()
    if key is not None and key.region is not None:
        compounds = compounds.filter(community__path__startswith=key.region.path)
        households = households.filter(
            unit__building__compound__community__path__startswith=key.region.path
        )
    address_id = (data.get("address_id") or "").strip()
    if address_id:
        m = re.fullmatch(r"([HhCc]?)(\d{1,12})", address_id)
        if not m:
            raise Open311Error(400, f"address_id {address_id} 格式不对（H<户编号> 或 C<小区编号>）")
        kind, pk = m.group(1).upper() or "H", int(m.group(2))
        if kind == "H":
            household = households.filter(pk=pk).first()
            if household is None:
                raise Open311Error(400, f"address_id {address_id} 不是已知的住户")
            return household, None
        compound = compounds.filter(pk=pk).first()
        if compound is None:
            raise Open311Error(400, f"address_id {address_id} 不是已知的小区")
        return None, compound
    address = (data.get("address_string") or "").strip()
    if address:
        found = list(compounds.filter(Q(name=address) | Q(address=address))[:2])
        if len(found) != 1:
            raise Open311Error(
                400, f"address_string “{address}” 未能对应到唯一的小区，请改用 address_id"
            )
        return None, found[0]
    if data.get("lat") or data.get("long"):
        if not (data.get("lat") and data.get("long")):
            raise Open311Error(400, "lat 与 long 须同时提供")
        lat, lng = _coordinate(data, "lat", 90), _coordinate(data, "long", 180)
        compound = compound_near(lat, lng, compounds=compounds)
        if compound is None:
            raise Open311Error(
                400,
                f"lat/long 附近 {NEAREST_COMPOUND_METERS} 米内没有已登记位置的小区，"
                "请提供 address_id 或 address_string",
            )
        return None, compound
    raise Open311Error(400, "缺少位置信息：请提供 address_id、address_string 或 lat/long")


def _check_value(attr: dict, value: str) -> str:
    datatype, code = attr["datatype"], attr["code"]
    if datatype in ("singlevaluelist", "multivaluelist"):
        keys = {v["key"] for v in attr.get("values", [])}
        if value not in keys:
            raise Open311Error(400, f"attribute[{code}] 的值 {value} 不在可选项中")
    elif datatype == "number":
        try:
            float(value)
        except ValueError:
            raise Open311Error(400, f"attribute[{code}] 须为数字") from None
    elif datatype == "datetime":
        _parse_when(value, f"attribute[{code}]")
    return value


def parse_attributes(category: Category, data) -> dict:
    """``attribute[CODE]=v`` (and ``attribute[CODE][]=v`` for multivaluelist) checked against
    the service definition: unknown codes, missing required ones, values not in the list."""
    defined = {a["code"]: a for a in _attributes(category)}
    given: dict[str, list[str]] = {}
    for name in data:
        m = ATTRIBUTE_RE.match(name)
        if not m:
            continue
        code = m.group(1)
        if code not in defined:
            raise Open311Error(400, f"attribute[{code}] 不是该服务的属性")
        values = [v.strip() for v in data.getlist(name) if v.strip()]
        given.setdefault(code, []).extend(values)
    out: dict = {}
    for code, attr in defined.items():
        values = given.get(code, [])
        if not values:
            if attr["required"]:
                raise Open311Error(400, f"缺少必填属性 attribute[{code}]（{attr['description']}）")
            continue
        if attr["datatype"] == "multivaluelist":
            out[code] = [_check_value(attr, v) for v in values]
        else:
            if len(values) > 1:
                raise Open311Error(400, f"attribute[{code}] 只能有一个值")
            out[code] = _check_value(attr, values[0])
    return out


def _attribute_lines(category: Category, values: dict) -> str:
    parts = []
    for attr in _attributes(category):
        if attr["code"] not in values:
            continue
        names: dict[str, str] = {v["key"]: v["name"] for v in attr.get("values", [])}
        raw = values[attr["code"]]
        chosen: list[str] = raw if isinstance(raw, list) else [raw]
        shown = "、".join(names.get(v, v) for v in chosen)
        parts.append(f"{attr['description']}：{shown}")
    return "；".join(parts)


def _dedupe_key(key: Open311ApiKey, data) -> str | None:
    """Same api_key + device_id (or the client_key extension) + same body → the first case."""
    client_key = (data.get("client_key") or "").strip()
    device = (data.get("device_id") or "").strip()
    if not client_key and not device:
        return None
    if client_key:
        raw = f"{key.pk}|ck|{client_key}"
    else:
        body = sorted(
            (k, v) for k in data if k not in ("api_key", "client_key") for v in data.getlist(k)
        )
        raw = f"{key.pk}|dev|{device}|{body!r}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _contact(data) -> dict:
    out = {}
    for field, limit in CONTACT_LIMITS.items():
        value = (data.get(field) or "").strip()
        if len(value) > limit:
            raise Open311Error(400, f"{field} 不能超过 {limit} 个字符")
        out[field] = value
    media = (data.get("media_url") or "").strip()
    if media and (len(media) > 500 or not re.match(r"^https?://\S+$", media)):
        raise Open311Error(400, "media_url 须为 http(s) 网址，且不超过 500 个字符")
    out["media_url"] = media
    return out


def request_create(key: Open311ApiKey, data) -> tuple[list[dict], bool]:
    """POST requests. Returns the spec's response list and whether a new case was made
    (False: a replay of an earlier POST, answered with its case)."""
    code = (data.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, "缺少 service_code")
    category = _category(code)
    if category is None:
        raise Open311Error(400, f"service_code {code} 不存在")
    household, compound = _place(data, key)
    attributes = parse_attributes(category, data)
    contact = _contact(data)
    description = (data.get("description") or "").strip()
    lines = _attribute_lines(category, attributes)
    if lines:
        description = f"{description}\n【附加信息】{lines}" if description else lines
    dedupe = _dedupe_key(key, data)
    try:
        with transaction.atomic():
            case = services.case_report(
                actor=None,
                category=category,
                description=description,
                household=household,
                compound=compound,
                channel=Channel.OPEN311,
                client_key=f"o311:{dedupe[:59]}" if dedupe else None,
            )
            if case.replayed:
                sub = Open311Submission.objects.get(case=case)
            else:
                sub = Open311Submission.objects.create(
                    case=case,
                    api_key=key,
                    token=secrets.token_hex(16),
                    dedupe_key=dedupe,
                    attributes=attributes,
                    **contact,
                )
    except IntegrityError:
        # The same submission raced in and committed first: answer with its case.
        raced = Open311Submission.objects.filter(dedupe_key=dedupe).select_related("case").first()
        if dedupe is None or raced is None:
            raise
        sub = raced
        case, case.replayed = sub.case, True
    except DomainError as exc:
        raise Open311Error(403 if exc.status == 403 else 400, exc.message) from None
    body = [
        {
            "service_request_id": case.number,
            "token": sub.token,
            "service_notice": (
                f"已受理，由{services.holder_label(case)}办理，"
                f"时限 {case.deadline:%Y-%m-%d}（{category.time_limit_days} 个工作日）"
            ),
            "account_id": sub.account_id or None,
        }
    ]
    return body, not case.replayed
