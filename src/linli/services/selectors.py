"""Reads of the services app. The catalogue is public, so these need no actor — except where a
resident's own compound is the starting point (``nearest_points_for_compound``), which is
looked up in the actor's scope like any ledger row.

``nearest_points`` is "就近办": the points nearest to a place that handle an item, with the
distance on the ground and whether each is open now (``hours.status``: RFC 5545 rules over the
working-day calendar). The stairwell QR page calls it too.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet

from linli.core.errors import Invalid, NotFound
from linli.core.policy import get_or_404
from linli.ledger.models import Compound

from . import hours
from .geo import coordinates, haversine_m
from .models import Item, Organization, Point, PointItem, Schedule

MAX_LIMIT = 50


@dataclass(frozen=True)
class NearPoint:
    """One point of a "就近办" answer."""

    point_id: int
    name: str
    address: str
    phone: str
    distance_m: int
    open_now: bool
    next_open: dt.datetime | None


def items_list(*, q: str = "", organization_id: int | None = None) -> QuerySet[Item]:
    """The items in service, by code; ``q`` matches the name or the code."""
    qs = Item.objects.filter(active=True).select_related("organization")
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    if organization_id is not None:
        qs = qs.filter(organization_id=organization_id)
    return qs.annotate(point_count=Count("offers", filter=Q(offers__point__active=True))).order_by(
        "code"
    )


def item_get(*, item_id: int) -> Item:
    """One item with its documents (inactive ones too: an old link still explains itself)."""
    qs = Item.objects.select_related("organization__region").prefetch_related("documents")
    try:
        return qs.get(pk=item_id)
    except (Item.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound("服务事项不存在") from None


def item_by_code(code: str) -> Item:
    try:
        return Item.objects.get(code=str(code).strip(), active=True)
    except Item.DoesNotExist:
        raise NotFound("没有这个服务事项", details=[{"field": "item"}]) from None


def points_list(*, region_id: int | None = None, kind: str | None = None) -> QuerySet[Point]:
    qs = Point.objects.filter(active=True).select_related("region")
    if region_id is not None:
        qs = qs.filter(region_id=region_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.annotate(item_count=Count("offers")).order_by("name")


def point_get(*, point_id: int) -> Point:
    qs = Point.objects.select_related("region", "organization").prefetch_related(
        "schedules",
        Prefetch(
            "offers", queryset=PointItem.objects.select_related("item").order_by("item__code")
        ),
    )
    try:
        return qs.get(pk=point_id)
    except (Point.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound("服务网点不存在") from None


def point_status(point: Point, at: dt.datetime | None = None) -> tuple[bool, dt.datetime | None]:
    return hours.status(point.schedules.all(), at)


def organizations_list() -> QuerySet[Organization]:
    return Organization.objects.select_related("region").order_by("name")


def nearest_points(
    *,
    lat: Decimal | float,
    lng: Decimal | float,
    item_code: str | None = None,
    at: dt.datetime | None = None,
    limit: int = 5,
) -> list[NearPoint]:
    """The ``limit`` open-for-business points nearest to (``lat``, ``lng``) (WGS-84), nearest
    first, that handle the item ``item_code`` (any item when None); each with its distance in
    metres and whether it is open at ``at`` (default now), else when it next opens.

    An unknown item code is ``NotFound``; coordinates outside the globe ``Invalid``. Two
    queries: the points (with coordinates), then the hours of the ``limit`` kept.
    """
    here = coordinates(lat, lng)
    if not 1 <= int(limit) <= MAX_LIMIT:
        raise Invalid(
            f"数量应在 1 到 {MAX_LIMIT} 之间",
            code="services.bad_limit",
            details=[{"field": "limit"}],
        )
    points = Point.objects.filter(active=True)
    if item_code:
        item = item_by_code(item_code)
        points = points.filter(offers__item=item)
    rows = points.values_list("pk", "name", "address", "phone", "latitude", "longitude")
    ranked = sorted(
        (haversine_m(here[0], here[1], float(la), float(lo)), pk, name, address, phone)
        for pk, name, address, phone, la, lo in rows
    )[: int(limit)]
    by_point: dict[int, list[Schedule]] = defaultdict(list)
    for line in Schedule.objects.filter(point_id__in=[r[1] for r in ranked]):
        by_point[line.point_id].append(line)
    out = []
    for distance, pk, name, address, phone in ranked:
        open_now, next_open = hours.status(by_point[pk], at)
        out.append(NearPoint(pk, name, address, phone, distance, open_now, next_open))
    return out


def compound_position(*, actor, compound_id: int) -> tuple[Compound, Decimal, Decimal]:
    """A compound the actor may see, with its gate's coordinates (``Invalid`` when the ledger
    has none)."""
    compound = get_or_404(Compound.objects.all(), actor, pk=compound_id)
    if compound.latitude is None or compound.longitude is None:
        raise Invalid(
            f"{compound.name}还没有登记坐标，请改用地图选点",
            code="services.no_coordinates",
            details=[{"field": "compound"}],
        )
    return compound, compound.latitude, compound.longitude


def home_compound_id(actor) -> int | None:
    """The compound of the actor's own household (a resident), or their compound (a
    committee member); None for anyone else."""
    from linli.core.policy import actor_of

    a = actor_of(actor)
    if a.compound_id:
        return a.compound_id
    if a.household_id and a.profile is not None and a.profile.household is not None:
        return a.profile.household.unit.building.compound_id
    return None


def catalogue_counts() -> dict[str, int]:
    return {
        "points": Point.objects.filter(active=True).count(),
        "items": Item.objects.filter(active=True).count(),
        "offers": Point.objects.filter(active=True).aggregate(n=Count("offers"))["n"] or 0,
    }
