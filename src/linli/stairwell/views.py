"""Pages: the public stairwell page ``/s/<token>/`` (no login: its 三长, the nearest service
points, the report form) and the leader's list of anonymous reports to confirm
``/stairwell/reports/``.

The public page sets a device cookie (``linli_device``, a random token, HttpOnly) the report
limits count by; CSRF works as everywhere (the form carries the token, the middleware checks
it for anonymous visitors too) and the page has no inline script or style (CSP).
"""

from __future__ import annotations

import secrets
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from linli.accounts.throttle import client_ip
from linli.cases import selectors as case_selectors
from linli.cases.models import Category
from linli.core.bounds import id_param
from linli.core.errors import DomainError, NotFound
from linli.core.http import get_or_404
from linli.core.policy import Capability, can
from linli.services.selectors import nearest_points

from . import selectors, services
from .services import RATE_LIMITED, Sender

DEVICE_COOKIE = "linli_device"
DEVICE_MAX_AGE = 400 * 24 * 3600  # browsers cap cookies at 400 days
DEVICE_RE = selectors.TOKEN_RE


def _device(request) -> str | None:
    raw = request.COOKIES.get(DEVICE_COOKIE, "")
    return raw if DEVICE_RE.fullmatch(raw or "") else None


def _code(token: str):
    try:
        return selectors.code_by_token(token)
    except NotFound:
        raise Http404("楼道码不存在") from None  # the standard 404 page


def _categories():
    return list(Category.objects.filter(active=True).only("id", "name", "code")[:30])


def nearby_points(compound) -> list:
    """The service points nearest to the compound (就近办), a list of ``NearPoint``; none when
    the compound has no coordinates (the page says so)."""
    if compound.latitude is None or compound.longitude is None:
        return []
    return nearest_points(lat=compound.latitude, lng=compound.longitude, limit=3)


def page(request, token: str):
    """楼道码 page: the stairwell's address, its 三长 and phones, nearby service points, and a
    report form with the unit filled in."""
    code = _code(token)
    unit = code.unit
    compound = unit.building.compound
    form = {"category": "", "description": ""}
    error, done, status = "", None, 200
    if request.method == "POST":
        form = {
            "category": (request.POST.get("category") or "").strip()[:40],
            "description": (request.POST.get("description") or "")[:4000],
        }
        try:
            done = services.stairwell_report(
                code=code,
                category=form["category"],
                description=form["description"],
                sender=Sender(device=_device(request), address=client_ip(request)),
                client_key=(request.POST.get("client_key") or "")[:64] or None,
            )
        except DomainError as exc:
            error = exc.message
            status = 429 if exc.code == RATE_LIMITED else 400
    context = {
        "code": code,
        "unit": unit,
        "compound": compound,
        "community": compound.community,
        "address": selectors.address_of(unit),
        "leaders": selectors.leaders_of(unit),
        "nearby": nearby_points(compound),
        "lat": compound.latitude,
        "lng": compound.longitude,
        "categories": _categories(),
        "form": form,
        "error": error,
        "limited": status == 429,
        "done": done,
        "client_key": uuid.uuid4().hex,
    }
    response = render(request, "stairwell/page.html", context, status=status)
    if _device(request) is None:
        response.set_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(16),
            max_age=DEVICE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def _may_confirm(user) -> bool:
    return can(user, Capability.CASES_INBOX) or can(user, Capability.CASES_MANAGE)


@login_required
def reports(request):
    """待核实: the anonymous stairwell reports the user holds, each to confirm or dismiss."""
    if not _may_confirm(request.user):
        raise Http404("页面不存在")
    rows = list(selectors.pending_reports(actor=request.user)[:100])
    return render(request, "stairwell/reports.html", {"rows": rows})


@login_required
@require_POST
def decide(request, case_id: int):
    """Confirm (``real=1``) or dismiss (``real=0``) one report; back to the list."""
    if not _may_confirm(request.user):
        raise Http404("页面不存在")
    case = get_or_404(case_selectors.case_get_for, actor=request.user, case_id=case_id)
    real = request.POST.get("real")
    if real not in ("0", "1"):
        messages.error(request, "请选择“属实”或“无效”")
        return redirect("stairwell:reports")
    try:
        services.report_decide(
            actor=request.user,
            case=case,
            real=real == "1",
            note=(request.POST.get("note") or "")[:500],
            version=id_param(request.POST.get("version")),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"{case.number} 已核实属实，转入办理" if real == "1" else f"{case.number} 已标为无效",
        )
    return redirect("stairwell:reports")
