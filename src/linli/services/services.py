"""Writes of the services app: organisations, items with their 办事指南, points with their hours
and items. Keyword-only, one transaction each, checked before anything is written.

Who: ``Capability.SERVICES_EDIT`` (the superuser, county/town officials, community workers),
each over the rows of their own region subtree (``scopes.py``, action ``edit``). The catalogue
is public, so a row one may see but not edit is a 403 (``Forbidden``), not a 404.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from linli.core import changes
from linli.core.errors import Conflict, Forbidden, Invalid, NotFound
from linli.core.policy import Capability, actor_of, can, restrict
from linli.ledger.models import Region, RegionLevel

from . import hours as hours_mod
from .geo import coordinates
from .models import (
    ApplicantScope,
    CalendarRule,
    DocumentForm,
    Item,
    Organization,
    Point,
    PointItem,
    PointKind,
    RequiredDocument,
    Schedule,
)

CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z\-]{2,39}$")
OFFICE_LEVELS = (RegionLevel.COUNTY, RegionLevel.TOWN, RegionLevel.COMMUNITY)
MAX_STEPS = 30
MAX_DOCUMENTS = 40
MAX_HOURS = 14

ITEM_FIELDS = (
    "name",
    "code",
    "description",
    "applicant_scope",
    "eligibility",
    "steps",
    "time_limit_days",
    "fee",
    "fee_basis",
    "visits_needed",
    "legal_basis",
    "consult_phone",
    "complaint_phone",
    "active",
)
POINT_FIELDS = (
    "name",
    "kind",
    "description",
    "address",
    "district",
    "city",
    "province",
    "postal_code",
    "latitude",
    "longitude",
    "phone",
    "transport",
    "active",
    "organization",
)


# --- checks --------------------------------------------------------------------------------


def _may_edit(actor) -> None:
    if not can(actor, Capability.SERVICES_EDIT):
        raise Forbidden("只有县、镇和社区的工作人员可以维护服务网点和事项")


def _editable(actor, obj: models.Model) -> None:
    _may_edit(actor)
    if not restrict(type(obj)._default_manager.filter(pk=obj.pk), actor, "edit").exists():
        raise Forbidden("这条记录不属于您所在的辖区，不能修改")


def _office_region(actor, region: Region | None) -> Region:
    """A county, town or community inside the actor's own region subtree."""
    _may_edit(actor)
    if region is None:
        raise Invalid(
            "请选择所属行政区", code="services.region_required", details=[{"field": "region"}]
        )
    a = actor_of(actor)
    inside = a.is_superuser or (a.in_region and region.path.startswith(a.region_path))
    if region.level not in OFFICE_LEVELS or not inside:
        raise NotFound("行政区不存在或不在您的辖区", details=[{"field": "region"}])
    return region


def _text(value: Any, field: str, label: str, *, required: bool = False, limit: int = 0) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise Invalid(f"请填写{label}", code="services.required", details=[{"field": field}])
    if limit and len(text) > limit:
        raise Invalid(
            f"{label}不能超过 {limit} 个字",
            code="services.text_too_long",
            details=[{"field": field}],
        )
    return text


def _money(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value if value is not None else "0").strip())
    except (InvalidOperation, ValueError):
        raise Invalid(
            "收费标准应为金额，如 20.00", code="services.bad_fee", details=[{"field": "fee"}]
        ) from None
    if not amount.is_finite() or amount < 0:
        raise Invalid(
            "收费标准不能为负数", code="services.fee_negative", details=[{"field": "fee"}]
        )
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise Invalid(
            "收费标准最多两位小数（到分）",
            code="services.too_many_decimals",
            details=[{"field": "fee"}],
        )
    if amount >= Decimal("100000000"):
        raise Invalid("收费标准过大", code="services.fee_too_large", details=[{"field": "fee"}])
    return amount.quantize(Decimal("0.01"))


def _small_int(value: Any, field: str, label: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Invalid(
            f"{label}应为整数", code="services.not_an_integer", details=[{"field": field}]
        ) from None
    if (isinstance(value, float) and value != number) or not low <= number <= high:
        raise Invalid(
            f"{label}应在 {low} 到 {high} 之间",
            code="services.out_of_range",
            details=[{"field": field}],
        )
    return number


def _choice(value: Any, choices: type[models.TextChoices], field: str, label: str) -> str:
    if value not in choices.values:
        allowed = "、".join(f"{v}（{lbl}）" for v, lbl in choices.choices)
        raise Invalid(
            f"{label}应为：{allowed}", code="services.bad_choice", details=[{"field": field}]
        )
    return str(value)


def _steps(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise Invalid(
            "办理程序应为步骤列表", code="services.bad_steps", details=[{"field": "steps"}]
        )
    steps = [_text(s, "steps", "办理步骤", required=True, limit=200) for s in value]
    if len(steps) > MAX_STEPS:
        raise Invalid(
            f"办理程序最多 {MAX_STEPS} 步",
            code="services.too_many_steps",
            details=[{"field": "steps"}],
        )
    return steps


def _documents(value: Any) -> list[RequiredDocument]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise Invalid(
            "所需材料应为列表", code="services.bad_documents", details=[{"field": "documents"}]
        )
    docs = []
    for i, raw in enumerate(value):
        if not isinstance(raw, Mapping):
            raise Invalid(
                "每项材料应写明名称、形式和份数",
                code="services.bad_document",
                details=[{"field": f"documents.{i}"}],
            )
        docs.append(
            RequiredDocument(
                position=i,
                name=_text(
                    raw.get("name"), f"documents.{i}.name", "材料名称", required=True, limit=120
                ),
                form=_choice(
                    raw.get("form", DocumentForm.ORIGINAL),
                    DocumentForm,
                    f"documents.{i}.form",
                    "材料形式",
                ),
                copies=_small_int(raw.get("copies", 1), f"documents.{i}.copies", "份数", 1, 20),
                note=_text(raw.get("note"), f"documents.{i}.note", "材料说明", limit=200),
            )
        )
    if len(docs) > MAX_DOCUMENTS:
        raise Invalid(
            f"所需材料最多 {MAX_DOCUMENTS} 项",
            code="services.too_many_documents",
            details=[{"field": "documents"}],
        )
    return docs


def _label(model: type[models.Model], field: str) -> str:
    return str(getattr(model._meta.get_field(field), "verbose_name", field))


def _clean(obj: models.Model, exclude: Sequence[str] = ()) -> None:
    """The model's own checks (lengths, choices, validators) as one ``Invalid``."""
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        fields = exc.message_dict
        first_field = next(iter(fields))
        label = _label(type(obj), first_field) if first_field != "__all__" else ""
        details = [{"field": f, "reason": "；".join(m)} for f, m in fields.items()]
        raise Invalid(
            f"{label}：{fields[first_field][0]}", code="services.invalid_field", details=details
        ) from None


def _item_code(value: Any) -> str:
    code = _text(value, "code", "事项编码", required=True, limit=40)
    if not CODE_RE.match(code):
        raise Invalid(
            "事项编码只能由字母、数字和“-”组成，3 到 40 位",
            code="services.bad_code",
            details=[{"field": "code"}],
        )
    return code


# how each field of an item is read (the other ``ITEM_FIELDS`` are plain text)
_ITEM_READERS: dict[str, Callable[[Any], Any]] = {
    "name": lambda v: _text(v, "name", "事项名称", required=True, limit=100),
    "code": _item_code,
    "applicant_scope": lambda v: _choice(v, ApplicantScope, "applicant_scope", "受理范围"),
    "steps": _steps,
    "time_limit_days": lambda v: _small_int(v, "time_limit_days", "办理时限（工作日）", 0, 365),
    "visits_needed": lambda v: _small_int(v, "visits_needed", "到现场次数", 0, 9),
    "fee": _money,
    "active": bool,
    "description": lambda v: _text(v, "description", "description", limit=4000),
    "eligibility": lambda v: _text(v, "eligibility", "eligibility", limit=4000),
    "legal_basis": lambda v: _text(v, "legal_basis", "legal_basis", limit=4000),
}


def _item_values(changes: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field, value in changes.items():
        reader = _ITEM_READERS.get(field)
        if reader is not None:
            out[field] = reader(value)
        elif field in ITEM_FIELDS:
            out[field] = _text(value, field, _label(Item, field))
        else:
            raise Invalid(
                f"未知字段：{field}", code="services.unknown_field", details=[{"field": field}]
            )
    return out


# --- organisations and items ----------------------------------------------------------------


@transaction.atomic
def organization_create(
    *,
    actor,
    region: Region,
    name: str,
    description: str = "",
    address: str = "",
    phone: str = "",
    website: str = "",
) -> Organization:
    region = _office_region(actor, region)
    org = Organization(
        region=region,
        name=_text(name, "name", "机构名称", required=True, limit=100),
        description=_text(description, "description", "简介", limit=2000),
        address=_text(address, "address", "办公地址", limit=200),
        phone=_text(phone, "phone", "电话", limit=30),
        website=_text(website, "website", "网址", limit=200),
    )
    _clean(org, exclude=["region"])
    if Organization.objects.filter(region=region, name=org.name).exists():
        raise Conflict(f"{region.name}已有名为“{org.name}”的机构", code="services.duplicate")
    org.save()
    return org


@transaction.atomic
def item_create(
    *, actor, organization: Organization, documents: Iterable = (), **fields: Any
) -> Item:
    """A new service item of ``organization`` with its documents (``[{name, form, copies,
    note}]``); ``fields`` are the 办事指南 fields of :class:`Item` (name and code required)."""
    _editable(actor, organization)
    values = _item_values(
        {"name": fields.pop("name", ""), "code": fields.pop("code", ""), **fields}
    )
    docs = _documents(documents)
    item = Item(organization=organization, **values)
    _clean(item, exclude=["organization"])
    if Item.objects.filter(code=item.code).exists():
        raise Conflict(
            f"事项编码 {item.code} 已被使用",
            code="services.duplicate_code",
            details=[{"field": "code"}],
        )
    item.save()
    for doc in docs:
        doc.item = item
    RequiredDocument.objects.bulk_create(docs)
    return item


@transaction.atomic
def item_update(*, actor, item: Item, documents: Iterable | None = None, **changes: Any) -> Item:
    """Change an item's fields; ``documents``, when given, replace the list."""
    _editable(actor, item)
    values = _item_values(changes)
    docs = _documents(documents) if documents is not None else None
    locked = Item.objects.select_for_update().get(pk=item.pk)
    for field, value in values.items():
        setattr(locked, field, value)
    _clean(locked, exclude=["organization"])
    if "code" in values and Item.objects.filter(code=locked.code).exclude(pk=locked.pk).exists():
        raise Conflict(
            f"事项编码 {locked.code} 已被使用",
            code="services.duplicate_code",
            details=[{"field": "code"}],
        )
    locked.save()
    if docs is not None:
        locked.documents.all().delete()
        for doc in docs:
            doc.item = locked
        RequiredDocument.objects.bulk_create(docs)
    return locked


# --- points, hours, items at a point --------------------------------------------------------


def _point_values(actor, changes: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    limits = {
        "name": 100,
        "address": 200,
        "district": 40,
        "city": 40,
        "province": 40,
        "postal_code": 10,
        "phone": 30,
        "transport": 200,
        "description": 2000,
    }
    required = {"name", "address", "city", "province", "postal_code"}
    for field, value in changes.items():
        if field in limits:
            label = _label(Point, field)
            out[field] = _text(value, field, label, required=field in required, limit=limits[field])
        elif field == "kind":
            out[field] = _choice(value, PointKind, field, "网点类型")
        elif field == "active":
            out[field] = bool(value)
        elif field == "organization":
            if value is not None and not isinstance(value, Organization):
                raise Invalid(
                    "运营机构无效",
                    code="services.bad_organization",
                    details=[{"field": "organization"}],
                )
            out[field] = value
        elif field in ("latitude", "longitude"):
            continue
        else:
            raise Invalid(
                f"未知字段：{field}", code="services.unknown_field", details=[{"field": field}]
            )
    if "latitude" in changes or "longitude" in changes:
        if "latitude" not in changes or "longitude" not in changes:
            raise Invalid(
                "经纬度须同时填写",
                code="services.coordinates_together",
                details=[{"field": "latitude"}],
            )
        lat, lng = coordinates(changes["latitude"], changes["longitude"])
        six = Decimal("0.000001")
        out["latitude"] = Decimal(str(lat)).quantize(six)
        out["longitude"] = Decimal(str(lng)).quantize(six)
    return out


def _lines(hours: Iterable[Mapping[str, Any]] | None) -> list[Schedule]:
    if hours is None:
        return []
    if isinstance(hours, str | bytes) or not isinstance(hours, Iterable):
        raise Invalid("开放时间应为列表", code="services.bad_hours", details=[{"field": "hours"}])
    lines = []
    for i, raw in enumerate(hours):
        if not isinstance(raw, Mapping):
            raise Invalid(
                "每条开放时间应写明规则和时间",
                code="services.bad_hours_line",
                details=[{"field": f"hours.{i}"}],
            )
        try:
            opens = _time(raw.get("opens_at"), f"hours.{i}.opens_at")
            closes = _time(raw.get("closes_at"), f"hours.{i}.closes_at")
            valid_from = raw.get("valid_from") or dt.date(2024, 1, 1)
            if not isinstance(valid_from, dt.date):
                valid_from = dt.date.fromisoformat(str(valid_from))
            rule = hours_mod.check_line(
                rrule_text=str(raw.get("rrule") or ""),
                valid_from=valid_from,
                opens_at=opens,
                closes_at=closes,
            )
        except Invalid as exc:
            exc.details = [
                {**d, "field": f"hours.{i}.{d.get('field', '')}".rstrip(".")} for d in exc.details
            ] or [{"field": f"hours.{i}"}]
            raise
        except ValueError:
            raise Invalid(
                "起始日期应为 YYYY-MM-DD",
                code="services.bad_date",
                details=[{"field": f"hours.{i}.valid_from"}],
            ) from None
        lines.append(
            Schedule(
                rrule=rule,
                valid_from=valid_from,
                opens_at=opens,
                closes_at=closes,
                calendar=_choice(
                    raw.get("calendar", CalendarRule.WORKDAYS),
                    CalendarRule,
                    f"hours.{i}.calendar",
                    "节假日规则",
                ),
                description=_text(
                    raw.get("description"), f"hours.{i}.description", "说明", limit=100
                ),
            )
        )
    if len(lines) > MAX_HOURS:
        raise Invalid(
            f"开放时间最多 {MAX_HOURS} 条",
            code="services.too_many_hours",
            details=[{"field": "hours"}],
        )
    return lines


def _time(value: Any, field: str) -> dt.time:
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    try:
        parsed = dt.time.fromisoformat(str(value or "").strip())
    except ValueError:
        raise Invalid(
            "时间应为 HH:MM，如 08:30", code="services.invalid_hours", details=[{"field": field}]
        ) from None
    return parsed.replace(second=0, microsecond=0, tzinfo=None)


def _items_by_code(codes: Iterable[str] | None) -> list[Item]:
    if codes is None:
        return []
    if isinstance(codes, str | bytes):
        raise Invalid(
            "可办事项应为事项编码列表",
            code="services.bad_item_codes",
            details=[{"field": "item_codes"}],
        )
    wanted = list(dict.fromkeys(str(c).strip() for c in codes))
    found = {i.code: i for i in Item.objects.filter(code__in=wanted)}
    missing = [c for c in wanted if c not in found]
    if missing:
        raise Invalid(
            f"没有这些事项编码：{'、'.join(missing[:5])}",
            code="services.unknown_item",
            details=[{"field": "item_codes", "reason": c} for c in missing[:20]],
        )
    return [found[c] for c in wanted]


@transaction.atomic
def point_create(
    *,
    actor,
    region: Region,
    hours: Iterable[Mapping[str, Any]] | None = None,
    item_codes: Iterable[str] | None = None,
    **fields: Any,
) -> Point:
    """A new service point of ``region`` (which the actor's office covers), with its hours
    (``[{rrule, opens_at, closes_at, valid_from?, calendar?, description?}]``) and the codes of
    the items it handles. Every line and code is checked before anything is written."""
    region = _office_region(actor, region)
    for needed in (
        "name",
        "kind",
        "address",
        "city",
        "province",
        "postal_code",
        "latitude",
        "longitude",
    ):
        fields.setdefault(needed, None if needed in ("latitude", "longitude") else "")
    if fields["latitude"] is None or fields["longitude"] is None:
        raise Invalid(
            "请填写网点的经纬度（WGS-84）",
            code="services.invalid_coordinates",
            details=[{"field": "latitude"}],
        )
    values = _point_values(actor, fields)
    lines = _lines(hours)
    items = _items_by_code(item_codes)
    point = Point(region=region, **values)
    _clean(point, exclude=["region", "organization"])
    if Point.objects.filter(region=region, name=point.name).exists():
        raise Conflict(
            f"{region.name}已有名为“{point.name}”的网点",
            code="services.duplicate",
            details=[{"field": "name"}],
        )
    point.save()
    for line in lines:
        line.point = point
    Schedule.objects.bulk_create(lines)
    PointItem.objects.bulk_create([PointItem(point=point, item=i) for i in items])
    _offers_changed(point)
    return point


@transaction.atomic
def point_update(*, actor, point: Point, **changes: Any) -> Point:
    _editable(actor, point)
    values = _point_values(actor, changes)
    locked = Point.objects.select_for_update().get(pk=point.pk)
    for field, value in values.items():
        setattr(locked, field, value)
    _clean(locked, exclude=["region", "organization"])
    if (
        "name" in values
        and Point.objects.filter(region=locked.region, name=locked.name)
        .exclude(pk=locked.pk)
        .exists()
    ):
        raise Conflict(
            f"已有名为“{locked.name}”的网点", code="services.duplicate", details=[{"field": "name"}]
        )
    try:
        locked.save()
    except IntegrityError:
        raise Conflict("网点已被他人修改，请刷新后重试") from None
    return locked


@transaction.atomic
def point_hours_set(*, actor, point: Point, hours: Iterable[Mapping[str, Any]]) -> list[Schedule]:
    """Replace the point's opening hours; a line that does not parse changes nothing."""
    _editable(actor, point)
    lines = _lines(hours)
    Point.objects.select_for_update().filter(pk=point.pk).first()
    point.schedules.all().delete()
    for line in lines:
        line.point = point
    return Schedule.objects.bulk_create(lines)


@transaction.atomic
def point_items_set(*, actor, point: Point, item_codes: Iterable[str]) -> list[Item]:
    """Replace the items the point handles (by code); keeps the notes of those that stay."""
    _editable(actor, point)
    items = _items_by_code(item_codes)
    Point.objects.select_for_update().filter(pk=point.pk).first()
    keep = {i.pk for i in items}
    point.offers.exclude(item_id__in=keep).delete()
    have = set(point.offers.values_list("item_id", flat=True))
    PointItem.objects.bulk_create(
        [PointItem(point=point, item=i) for i in items if i.pk not in have]
    )
    _offers_changed(point)
    return items


def _offers_changed(point: Point) -> None:
    """A bulk insert of offers sends no signal: tell the figures kept elsewhere (every
    community under the point's region; the service figures stand as they are now)."""
    region = Region.objects.get(pk=point.region_id)
    for community in Region.objects.filter(
        path__startswith=region.path, level=RegionLevel.COMMUNITY
    ).values_list("pk", flat=True):
        changes.community_changed(community, since=None)
