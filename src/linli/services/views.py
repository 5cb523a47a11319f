"""Pages of the services app, public like the catalogue: the resident's "就近办" page (pick an
item, see the nearest points with distance and whether each is open now), the item catalogue,
an item's 办事指南 (page and A4 PDF) and a point's page. Thin views over ``selectors``.

"From where": a compound the visitor may see (a resident's own by default), or the phone's
position (``lat``/``lng``, WGS-84 from the browser), else nothing is searched yet.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from linli.core.bounds import id_param
from linli.core.errors import DomainError, NotFound
from linli.core.policy import restrict
from linli.ledger.models import Compound

from . import hours, selectors
from .geo import distance_label
from .guide import item_guide_pdf

WEEKDAYS = "一二三四五六日"


def _when(moment) -> str:
    """“今天 14:30” / “明天 08:30” / “10月8日（周四）08:30”."""
    local = timezone.localtime(moment)
    today = timezone.localdate()
    days = (local.date() - today).days
    clock = f"{local:%H:%M}"
    if days == 0:
        return f"今天 {clock}"
    if days == 1:
        return f"明天 {clock}"
    return f"{local.month}月{local.day}日（周{WEEKDAYS[local.weekday()]}）{clock}"


def _compounds(user):
    if not user.is_authenticated:
        return Compound.objects.none()
    return restrict(Compound.objects.all(), user).filter(latitude__isnull=False).order_by("name")


def near(request):
    """就近办."""
    items = list(selectors.items_list().order_by("organization__name", "code"))
    code = (request.GET.get("item") or "").strip()[:40]
    chosen = next((i for i in items if i.code == code), None)
    compounds = _compounds(request.user)
    compound_id = id_param(request.GET.get("compound"))
    if compound_id is None and "lat" not in request.GET and request.user.is_authenticated:
        compound_id = selectors.home_compound_id(request.user)
    origin, rows, error = None, [], ""
    try:
        if compound_id is not None:
            compound, lat, lng = selectors.compound_position(
                actor=request.user, compound_id=compound_id
            )
            origin = compound.name
        elif request.GET.get("lat") and request.GET.get("lng"):
            lat, lng = request.GET["lat"], request.GET["lng"]
            origin = "我的位置"
        if origin is not None:
            found = selectors.nearest_points(
                lat=lat, lng=lng, item_code=chosen.code if chosen else None, limit=5
            )
            rows = [
                {
                    "p": r,
                    "distance": distance_label(r.distance_m),
                    "next": _when(r.next_open) if r.next_open else "",
                }
                for r in found
            ]
    except DomainError as exc:
        error = exc.message
    return render(
        request,
        "services/near.html",
        {
            "items": items,
            "chosen": chosen,
            "compounds": compounds,
            "compound_id": compound_id,
            "origin": origin,
            "rows": rows,
            "error": error,
            "lat": request.GET.get("lat", "")[:20],
            "lng": request.GET.get("lng", "")[:20],
        },
    )


def catalogue(request):
    q = (request.GET.get("q") or "").strip()[:50]
    items = selectors.items_list(q=q).order_by("organization__name", "code")
    return render(request, "services/catalogue.html", {"items": items, "q": q})


def _item(service_item_id: int):
    try:
        return selectors.item_get(item_id=service_item_id)
    except NotFound as exc:
        raise Http404(exc.message) from None


def item(request, service_item_id: int):
    """One item's 办事指南 and the points that handle it."""
    found = _item(service_item_id)
    points = found.points.filter(active=True).prefetch_related("schedules").order_by("kind", "name")
    return render(
        request,
        "services/item.html",
        {
            "item": found,
            "documents": found.documents.all(),
            "points": [{"p": p, "hours": hours.summary(p.schedules.all())} for p in points],
        },
    )


def item_pdf(request, service_item_id: int):
    found = _item(service_item_id)
    response = HttpResponse(item_guide_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="guide-{found.code}.pdf"'
    return response


def point(request, point_id: int):
    try:
        found = selectors.point_get(point_id=point_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    open_now, next_open = selectors.point_status(found)
    return render(
        request,
        "services/point.html",
        {
            "point": found,
            "open_now": open_now,
            "next": _when(next_open) if next_open else "",
            "hours": hours.summary(found.schedules.all()),
            "offers": found.offers.all(),
        },
    )
