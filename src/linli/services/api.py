"""The services API at ``/api/v1/services/``: the public catalogue (items, points, "就近办")
and its upkeep by the offices.

Reading is public — no sign-in (``auth=None``): a resident, or anyone at a stairwell's QR page,
may list items and points and ask for the nearest ones. Writing takes a signed-in
``Capability.SERVICES_EDIT`` role over its own region (``services.py``); a point or item one
may see but not edit answers 403. Every handler is scope → selector or service → schema.
"""

from __future__ import annotations

from ninja import Router
from ninja.responses import Status

from linli.core.bounds import DateTime, Id, Text
from linli.core.errors import Invalid, NotFound
from linli.core.schemas import READ_ERRORS, WRITE_ERRORS, errors
from linli.ledger.models import Region

from . import hours, selectors, services
from .models import Item, Organization, Point, PointKind
from .schemas import (
    HoursSetIn,
    ItemDetailOut,
    ItemIn,
    ItemPatch,
    ItemsSetIn,
    NearOut,
    OrganizationIn,
    OrganizationOut,
    PointDetailOut,
    PointIn,
    PointOut,
    PointPatch,
    ServiceItemOut,
)

router = Router(tags=["services"])


def item_out(item: Item) -> dict:
    return {
        "id": item.pk,
        "code": item.code,
        "name": item.name,
        "organization": item.organization.name,
        "applicant_scope": item.applicant_scope,
        "time_limit_days": item.time_limit_days,
        "time_limit_label": item.time_limit_label,
        "fee": item.fee,
        "visits_needed": item.visits_needed,
        "active": item.active,
        "point_count": getattr(item, "point_count", None),
    }


def item_detail_out(item: Item) -> dict:
    return {
        **item_out(item),
        "description": item.description,
        "eligibility": item.eligibility,
        "steps": item.steps,
        "fee_basis": item.fee_basis,
        "legal_basis": item.legal_basis,
        "consult_phone": item.consult_phone,
        "complaint_phone": item.complaint_phone,
        "documents": [
            {"name": d.name, "form": d.form, "copies": d.copies, "note": d.note}
            for d in item.documents.all()
        ],
        "office_address": item.organization.address,
    }


def point_out(point: Point) -> dict:
    return {
        "id": point.pk,
        "name": point.name,
        "kind": point.kind,
        "kind_label": point.get_kind_display(),
        "region_id": point.region_id,
        "address": point.address,
        "phone": point.phone,
        "latitude": point.latitude,
        "longitude": point.longitude,
        "active": point.active,
        "item_count": getattr(point, "item_count", None),
    }


def point_detail_out(point: Point, at=None) -> dict:
    open_now, next_open = selectors.point_status(point, at)
    return {
        **point_out(point),
        "description": point.description,
        "transport": point.transport,
        "hours": [
            {
                "id": s.pk,
                "rrule": s.rrule,
                "opens_at": s.opens_at,
                "closes_at": s.closes_at,
                "valid_from": s.valid_from,
                "calendar": s.calendar,
                "description": s.description,
                "label": hours.describe(s),
            }
            for s in point.schedules.all()
        ],
        "item_codes": [o.item.code for o in point.offers.all()],
        "open_now": open_now,
        "next_open": next_open,
    }


def _region(region_id: int) -> Region:
    region = Region.objects.filter(pk=region_id).first()
    if region is None:
        raise NotFound("行政区不存在或不在您的辖区", details=[{"field": "region_id"}])
    return region


def _organization(organization_id: int) -> Organization:
    org = Organization.objects.filter(pk=organization_id).first()
    if org is None:
        raise NotFound("实施机构不存在", details=[{"field": "organization_id"}])
    return org


# --- public reading --------------------------------------------------------------------------


@router.get(
    "/items", auth=None, response={200: list[ServiceItemOut], **READ_ERRORS}, summary="服务事项目录"
)
def items_list(request, q: Text(50) = "", organization_id: Id | None = None):  # type: ignore[valid-type]
    return [item_out(i) for i in selectors.items_list(q=q, organization_id=organization_id)]


@router.get(
    "/items/{service_item_id}",
    auth=None,
    response={200: ItemDetailOut, **READ_ERRORS},
    summary="服务事项的办事指南",
)
def item_detail(request, service_item_id: Id):
    return item_detail_out(selectors.item_get(item_id=service_item_id))


@router.get("/points", auth=None, response={200: list[PointOut], **READ_ERRORS}, summary="服务网点")
def points_list(request, region_id: Id | None = None, kind: PointKind | None = None):
    return [point_out(p) for p in selectors.points_list(region_id=region_id, kind=kind)]


@router.get(
    "/points/{point_id}",
    auth=None,
    response={200: PointDetailOut, **READ_ERRORS},
    summary="服务网点详情：开放时间、可办事项、是否正在办公",
)
def point_detail(request, point_id: Id, at: DateTime | None = None):
    return point_detail_out(selectors.point_get(point_id=point_id), at)


@router.get(
    "/nearest",
    auth=None,
    response={200: list[NearOut], **errors(400, 404)},
    summary="就近办：离一个小区或一个坐标最近、可办某事项的网点",
)
def nearest(
    request,
    lat: float | None = None,
    lng: float | None = None,
    compound_id: Id | None = None,
    item: Text(40) | None = None,  # type: ignore[valid-type]
    limit: int = 5,
    at: DateTime | None = None,
):
    """From ``compound_id`` (a compound the caller may see: its gate's coordinates) or from
    ``lat``/``lng`` (WGS-84); ``item`` is an item code; ``limit`` 1–50."""
    if compound_id is not None:
        _compound, lat_d, lng_d = selectors.compound_position(
            actor=request.user, compound_id=compound_id
        )
        lat, lng = float(lat_d), float(lng_d)
    if lat is None or lng is None:
        raise Invalid(
            "请给出小区（compound_id）或坐标（lat、lng）",
            code="services.point_required",
            details=[{"field": "lat"}],
        )
    rows = selectors.nearest_points(lat=lat, lng=lng, item_code=item or None, at=at, limit=limit)
    return [r.__dict__ for r in rows]


# --- upkeep by the offices --------------------------------------------------------------------


@router.post(
    "/organizations",
    response={201: OrganizationOut, **WRITE_ERRORS},
    summary="新增实施机构",
)
def organization_create(request, payload: OrganizationIn):
    org = services.organization_create(
        actor=request.user,
        region=_region(payload.region_id),
        **payload.dict(exclude={"region_id"}),
    )
    return Status(201, org)


@router.post("/items", response={201: ItemDetailOut, **WRITE_ERRORS}, summary="新增服务事项")
def item_create(request, payload: ItemIn):
    data = payload.dict(exclude={"organization_id"})
    item = services.item_create(
        actor=request.user, organization=_organization(payload.organization_id), **data
    )
    return Status(201, item_detail_out(selectors.item_get(item_id=item.pk)))


@router.patch(
    "/items/{service_item_id}",
    response={200: ItemDetailOut, **WRITE_ERRORS},
    summary="修改服务事项（给出 documents 则替换全部材料）",
)
def item_update(request, service_item_id: Id, payload: ItemPatch):
    item = selectors.item_get(item_id=service_item_id)
    changes = payload.dict(exclude_unset=True, exclude_none=True)
    services.item_update(actor=request.user, item=item, **changes)
    return item_detail_out(selectors.item_get(item_id=item.pk))


@router.post("/points", response={201: PointDetailOut, **WRITE_ERRORS}, summary="新增服务网点")
def point_create(request, payload: PointIn):
    data = payload.dict(exclude={"region_id", "organization_id"})
    if payload.organization_id is not None:
        data["organization"] = _organization(payload.organization_id)
    point = services.point_create(actor=request.user, region=_region(payload.region_id), **data)
    return Status(201, point_detail_out(selectors.point_get(point_id=point.pk)))


@router.patch(
    "/points/{point_id}", response={200: PointDetailOut, **WRITE_ERRORS}, summary="修改服务网点"
)
def point_update(request, point_id: Id, payload: PointPatch):
    point = selectors.point_get(point_id=point_id)
    services.point_update(
        actor=request.user, point=point, **payload.dict(exclude_unset=True, exclude_none=True)
    )
    return point_detail_out(selectors.point_get(point_id=point_id))


@router.put(
    "/points/{point_id}/hours",
    response={200: PointDetailOut, **WRITE_ERRORS},
    summary="设置网点开放时间（RFC 5545 规则；一条不能解析则都不改）",
)
def point_hours_set(request, point_id: Id, payload: HoursSetIn):
    point = selectors.point_get(point_id=point_id)
    services.point_hours_set(
        actor=request.user, point=point, hours=[h.dict(exclude_none=True) for h in payload.hours]
    )
    return point_detail_out(selectors.point_get(point_id=point_id))


@router.put(
    "/points/{point_id}/items",
    response={200: PointDetailOut, **WRITE_ERRORS},
    summary="设置网点可办事项（事项编码列表）",
)
def point_items_set(request, point_id: Id, payload: ItemsSetIn):
    point = selectors.point_get(point_id=point_id)
    services.point_items_set(actor=request.user, point=point, item_codes=payload.item_codes)
    return point_detail_out(selectors.point_get(point_id=point_id))
