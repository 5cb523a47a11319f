"""Ledger pages: thin views over the selectors and services, mobile-first."""

from __future__ import annotations

import datetime as dt
import io
from functools import wraps
from typing import Any, TypedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from linli.core import registry
from linli.core.bounds import MAX_YEAR, MIN_YEAR, id_param
from linli.core.errors import DomainError
from linli.core.http import get_or_404
from linli.core.policy import Capability, can
from linli.core.privacy import mask_id_number, mask_phone

from . import exports, selectors
from .models import (
    SENSITIVE_TAGS,
    TAG_FIELDS,
    ExportRequest,
    Household,
    RegionLevel,
    Resident,
    Unit,
)
from .validation import age_on


def office_required(view):
    """The ledger pages are the office's: officials, community workers, departments.

    The 三长 and residents work from their own pages (``grid``); their scope is narrower
    than a community, and these pages count whole communities.
    """

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not can(request.user, Capability.LEDGER_VIEW):
            raise Http404("无权查看台账")
        return view(request, *args, **kwargs)

    return wrapper


@office_required
def index(request):
    communities = list(selectors.communities_for(request.user))
    household_counts = selectors.household_counts_by_community([c.pk for c in communities])
    for c in communities:
        c.household_count = household_counts.get(c.pk, 0)
    compounds = selectors.compounds_for(request.user)
    totals = {
        "communities": len(communities),
        "compounds": sum(c.compound_count for c in communities),
        "sanwu": sum(c.sanwu_count for c in communities),
        "households": sum(household_counts.values()),
    }
    context = {
        "communities": communities,
        "totals": totals,
        "has_compounds": compounds.exists(),
        "as_of": _as_of_context(request),
    }
    return render(request, "ledger/index.html", context)


def _as_of_context(request) -> dict:
    raw = request.GET.get("as_of", "")
    try:
        day = dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return {"value": raw, "error": f"日期“{raw}”格式应为 2023-06-30"}
    if day is not None and not (MIN_YEAR <= day.year <= MAX_YEAR):
        return {"value": raw, "error": f"日期须在 {MIN_YEAR} 至 {MAX_YEAR} 年之间"}
    if day is None:
        return {"value": ""}
    when = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))
    count = selectors.sanwu_count_as_of(actor=request.user, when=when)
    return {"value": raw, "day": day, "count": count}


@office_required
def sanwu_as_of(request):
    """htmx partial: how many 三无 compounds there were on a date."""
    return render(request, "ledger/_sanwu_as_of.html", {"as_of": _as_of_context(request)})


@office_required
def community_detail(request, community_id: int):
    community = get_or_404(selectors.region_get_for, actor=request.user, region_id=community_id)
    compounds = list(selectors.compounds_for(request.user).filter(community=community))
    counts = selectors.household_counts_by_compound([c.pk for c in compounds])
    for c in compounds:
        c.actual = counts[c.pk]
    only_sanwu = request.GET.get("sanwu") == "1"
    context = {
        "community": community,
        "compounds": [c for c in compounds if c.is_sanwu] if only_sanwu else compounds,
        "only_sanwu": only_sanwu,
        "totals": {
            "compounds": len(compounds),
            "sanwu": sum(1 for c in compounds if c.is_sanwu),
            "households": sum(c.actual["households"] for c in compounds),
            "residents": sum(c.actual["residents"] for c in compounds),
        },
    }
    template = (
        "ledger/_compound_rows.html"
        if request.headers.get("HX-Request")
        else "ledger/community.html"
    )
    return render(request, template, context)


class _HouseholdRow(TypedDict):
    household: Household
    people: list[dict[str, Any]]


@office_required
def compound_detail(request, compound_id: int):
    compound = get_or_404(selectors.compound_get_for, actor=request.user, compound_id=compound_id)
    sees_sensitive = can(request.user, Capability.SEE_TAGS)
    households = (
        selectors.households_for(request.user)
        .filter(unit__building__compound=compound)
        .select_related("unit__building")
        .prefetch_related(Prefetch("residents", queryset=Resident.objects.order_by("id")))
        .order_by("unit__building__name", "unit__name", "room")
    )
    today = timezone.localdate()
    rows: list[_HouseholdRow] = []
    for h in households:
        people = []
        for r in h.residents.all():
            tags = [
                label
                for name, label in TAG_FIELDS
                if getattr(r, name) and (sees_sensitive or name not in SENSITIVE_TAGS)
            ]
            people.append(
                {
                    "name": r.name,
                    "sex": r.get_sex_display(),
                    "age": r.birth_date and age_on(r.birth_date, today),
                    "relation": r.get_relation_display(),
                    "id_number": mask_id_number(r.id_number),
                    "phone": mask_phone(r.phone),
                    "tags": tags,
                }
            )
        rows.append({"household": h, "people": people})
    units = Unit.objects.filter(building__compound=compound).annotate(n=Count("households"))
    buildings = list(compound.buildings.all())
    honours = registry.BUILDING_BADGES.merged(buildings)
    context = {
        "building_honours": [(b, honours[b.pk]) for b in buildings if b.pk in honours],
        "compound": compound,
        "rows": rows,
        "unit_count": len(units),
        "building_count": len({u.building_id for u in units}),
        "resident_count": sum(len(r["people"]) for r in rows),
        "changes": selectors.compound_changes(compound=compound)[:20],
    }
    return render(request, "ledger/compound.html", context)


@login_required
def import_upload(request):
    if not can(request.user, Capability.LEDGER_EDIT):
        raise Http404("无权导入台账")
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择要导入的 Excel 文件（.xlsx）")
        else:
            from .io import ledger_import

            result = ledger_import(
                source=upload,
                file_name=upload.name,
                actor=request.user,
                dry_run=bool(request.POST.get("dry_run")),
            )
    counts = []
    if result is not None:
        from .io.issues import COUNT_LABELS

        counts = [(COUNT_LABELS.get(name, name), c) for name, c in result.counts.items()]
    return render(request, "ledger/import.html", {"result": result, "counts": counts})


def _export_file(request, community):
    from .io import ledger_export

    buffer = io.BytesIO()
    ledger_export(destination=buffer, actor=request.user, community=community)
    buffer.seek(0)
    name = f"{community.name if community else '台账'}_{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(buffer, as_attachment=True, filename=name)


@office_required
def export_page(request):
    """Request an export, decide others' requests, download an approved one.

    An export with unmasked ID numbers or phones needs a second person's approval; a role whose
    export is masked anyway (a department) downloads straight away.
    """
    communities = selectors.visible_regions(request.user).filter(level=RegionLevel.COMMUNITY)
    if not exports.needs_approval(request.user):
        if request.GET.get("download"):
            return _export_file(request, None)
        return render(request, "ledger/export.html", {"direct": True})
    if request.method == "POST":
        community = None
        if request.POST.get("community"):
            community = communities.filter(pk=id_param(request.POST["community"])).first()
            if community is None:
                raise Http404("社区不存在或无权查看")
        try:
            exports.export_request_create(
                actor=request.user, community=community, reason=request.POST.get("reason", "")
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "导出申请已提交，请由其他有审批权限的同事审批")
        return redirect("ledger:export")
    rows = []
    for req in exports.requests_for(request.user)[:50]:
        rows.append(
            {
                "req": req,
                "mine": req.requested_by_id == request.user.pk,
                "may_decide": req.requested_by_id != request.user.pk
                and req.status == ExportRequest.Status.PENDING,
            }
        )
    context = {"communities": communities.order_by("path"), "rows": rows}
    return render(request, "ledger/export.html", context)


@office_required
@require_POST
def export_decide(request, request_id: int):
    req = get_or_404(exports.request_get_for, actor=request.user, request_id=request_id)
    try:
        exports.export_request_decide(
            actor=request.user,
            export_request=req,
            approve=request.POST.get("decision") == "approve",
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已审批")
    return redirect("ledger:export")


@office_required
def export_file(request, request_id: int):
    req = get_or_404(exports.request_get_for, actor=request.user, request_id=request_id)
    try:
        exports.export_request_consume(actor=request.user, export_request=req)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("ledger:export")
    return _export_file(request, req.community)
