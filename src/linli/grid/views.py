"""Grid pages: the 三长's phone pages, the community's grid, plan, and printable cards."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from linli.core import registry, uploads
from linli.core.errors import DomainError, Invalid
from linli.core.http import get_or_404
from linli.core.policy import Capability, can
from linli.core.privacy import mask_id_number, mask_phone
from linli.core.services import access_log_record
from linli.ledger.models import SENSITIVE_TAGS, TAG_FIELDS, Region, RegionLevel, Resident
from linli.ledger.selectors import community_get_for
from linli.ledger.validation import age_on

from . import selectors, services
from .models import GridLevel, Visit

# The tags a leader needs on the phone: who to look after first.
CARE_TAGS = ("lives_alone", "is_empty_nest", "is_left_behind_child", "is_disabled", "is_low_income")
STALE_DAYS = 30


def _tags(resident: Resident, sensitive: bool) -> list[str]:
    return [
        label
        for name, label in TAG_FIELDS
        if getattr(resident, name) and (sensitive or name not in SENSITIVE_TAGS)
    ]


def _stale_days(request) -> int:
    try:
        return max(1, min(365, int(request.GET.get("days", STALE_DAYS))))
    except ValueError:
        return STALE_DAYS


@login_required
def mine(request):
    """我的网格: a 邻长's households; a 组长/片长's 邻 rolled up; a worker's grid overview."""
    user = request.user
    days = _stale_days(request)
    if can(user, Capability.GRID_LEAD):
        grid = user.profile.grid
        if grid is None:
            return render(request, "grid/no_grid.html")
        context = {"grid": grid, "days": days, "holder": selectors.current_holder(grid)}
        if grid.level != GridLevel.NEIGHBOUR:
            context["rollup"] = selectors.neighbour_rollup(actor=user, grid=grid, stale_days=days)
        context["households"] = _household_rows(request, days)
        return render(request, "grid/mine.html", context)
    communities = Region.objects.restrict(user).filter(level=RegionLevel.COMMUNITY)
    if not can(user, Capability.GRID_MANAGE) or communities.query.is_empty():  # no region
        raise Http404("当前角色没有网格")
    communities = communities.order_by("path")
    return render(request, "grid/communities.html", {"communities": communities})


def _household_rows(request, days: int, limit: int | None = None) -> list[dict]:
    sensitive = can(request.user, Capability.SEE_TAGS)
    cutoff = timezone.localdate() - dt.timedelta(days=days)
    households = list(selectors.my_households(actor=request.user)[:limit])
    residents = selectors.residents_of(households)
    only_stale = request.GET.get("stale") == "1"
    rows = []
    for h in households:
        people = residents.get(h.pk, [])
        last_visit = cast(Any, h).last_visit  # annotated by my_households
        stale = last_visit is None or last_visit < cutoff
        if only_stale and not stale:
            continue
        care = sorted(
            {label for p in people for label in _tags(p, sensitive) if label != "党员"}
            if sensitive
            else set()
        )
        rows.append(
            {
                "household": h,
                "head": people[0].name if people else "",
                "count": len(people),
                "care": care,
                "stale": stale,
            }
        )
    return rows


@login_required
def community_grid(request, community_id: int):
    """A community's grid tree with leaders, and what needs attention."""
    cells_in_scope = selectors.grids_for(request.user)
    if not can(request.user, Capability.GRID_MANAGE) or cells_in_scope.query.is_empty():
        raise Http404("无权查看")
    community = get_or_404(community_get_for, actor=request.user, community_id=community_id)
    cells = list(cells_in_scope.filter(community=community).order_by("path"))
    holders = selectors.holders_by_grid([c.pk for c in cells])
    counts = selectors.household_counts_by_neighbour([c.pk for c in cells])
    tree = []
    for c in cells:
        c.holder = holders.get(c.pk)
        c.households = counts.get(c.pk, 0)
        tree.append(c)
    context = {
        "community": community,
        "cells": tree,
        "figures": {
            "areas": sum(1 for c in tree if c.level == GridLevel.AREA),
            "groups": sum(1 for c in tree if c.level == GridLevel.GROUP),
            "neighbours": sum(1 for c in tree if c.level == GridLevel.NEIGHBOUR),
            "households": sum(counts.values()),
        },
        "loose": selectors.households_without_neighbour(actor=request.user, community=community)[
            :50
        ],
        "loose_count": selectors.households_without_neighbour(
            actor=request.user, community=community
        ).count(),
        "vacant": selectors.posts_without_holder(actor=request.user, community=community),
        "outside": selectors.leaders_outside_area(actor=request.user, community=community),
    }
    return render(request, "grid/community.html", context)


@login_required
def household_card(request, household_id: int):
    household = get_or_404(
        selectors.household_get_for, actor=request.user, household_id=household_id
    )
    sensitive = can(request.user, Capability.SEE_TAGS)
    today = timezone.localdate()
    people = [
        {
            "resident": r,
            "id_number": mask_id_number(r.id_number),
            "phone": mask_phone(r.phone),
            "age": r.birth_date and age_on(r.birth_date, today),
            "tags": _tags(r, sensitive),
        }
        for r in household.residents.order_by("id")
    ]
    visits = list(
        Visit.objects.filter(household=household)
        .select_related("visitor__profile")
        .prefetch_related("photos")[:20]
    )
    membership = household.grid_memberships.filter(end__isnull=True).select_related("neighbour")
    neighbour = membership[0].neighbour if membership else None
    context = {
        "household": household,
        "honours": registry.HOUSEHOLD_BADGES.merged([household]).get(household.pk, []),
        "people": people,
        "visits": visits,
        "neighbour": neighbour,
        "holder": neighbour and selectors.current_holder(neighbour),
        "may_reveal_phone": can(request.user, Capability.UNMASK_PHONE),
        "may_visit": can(request.user, Capability.GRID_WORK),
        "today": today.isoformat(),
        "photo_limits": uploads.Limits.from_settings(),
    }
    return render(request, "grid/household.html", context)


@login_required
@require_POST
def reveal_phone(request, resident_id: int):
    """htmx: show one resident's full phone number to a role that needs it, and log it."""
    if not can(request.user, Capability.UNMASK_PHONE):
        raise Http404("无权查看")
    resident = Resident.objects.restrict(request.user).filter(pk=resident_id).first()
    if resident is None:
        raise Http404("居民不存在或无权查看")
    access_log_record(
        user=request.user,
        action="view",
        subject=f"居民#{resident.pk}",
        fields="联系电话",
        reason=request.POST.get("reason", "") or "联系居民",
    )
    return HttpResponse(
        f'<a href="tel:{resident.phone}">{resident.phone}</a>' if resident.phone else "未登记"
    )


@login_required
@require_POST
def visit_create(request, household_id: int):
    household = get_or_404(
        selectors.household_get_for, actor=request.user, household_id=household_id
    )
    try:
        visited_on = dt.date.fromisoformat(request.POST.get("visited_on", ""))
    except ValueError:
        visited_on = None
    try:
        if visited_on is None:
            raise Invalid("请填写正确的走访日期", code="grid.visit_date")
        services.visit_record(
            actor=request.user,
            household=household,
            visited_on=visited_on,
            met=request.POST.get("met", ""),
            raised=request.POST.get("raised", ""),
            photos=request.FILES.getlist("photos"),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "走访已记录")
    return redirect("grid:household", household_id=household.pk)


@login_required
def cell_card(request, grid_id: int):
    """The printable public card of a grid cell (name, area, leader and phone, complaint line)."""
    grid = get_or_404(selectors.grid_get_for, actor=request.user, grid_id=grid_id)
    holder = selectors.current_holder(grid)
    compounds = selectors.cell_compounds(grid)
    return render(
        request,
        "grid/card.html",
        {"grid": grid, "holder": holder, "compounds": compounds, "print": True},
    )


def _plan_settings(data):
    from .planning import PlanSettings

    def number(name, default):
        raw = (data.get(name) or "").strip()
        if not raw:
            return default
        value = int(raw)
        if value < 1:
            raise ValueError(name)
        return value

    return PlanSettings(
        households_per_neighbour=number("households_per_neighbour", 13),
        neighbour_min=number("neighbour_min", None),
        neighbour_max=number("neighbour_max", None),
        neighbours_per_group=number("neighbours_per_group", 27),
        groups_per_area=number("groups_per_area", 1),
    )


@login_required
def plan(request, community_id: int):
    """Propose a 片/组/邻 partition (地域相邻、类型相近、规模适当); apply it on POST."""
    from .models import Membership
    from .planning import load_keys, plan_households, rebalance

    if not can(request.user, Capability.GRID_MANAGE):
        raise Http404("无权调整网格")
    community = get_or_404(community_get_for, actor=request.user, community_id=community_id)
    data = request.POST if request.method == "POST" else request.GET
    context = {"community": community, "form": data}
    try:
        settings = _plan_settings(data)
    except ValueError:
        context["error"] = "各项数值须为正整数"
        return render(request, "grid/plan.html", context)
    keys = load_keys(community)
    if not keys:
        context["error"] = f"{community.name}没有住户，无法划分网格（请先导入台账）"
        return render(request, "grid/plan.html", context)
    current = dict(
        Membership.objects.filter(
            end__isnull=True, household__unit__building__compound__community=community
        ).values_list("household_id", "neighbour_id")
    )
    use_rebalance = bool(current) and data.get("mode") == "rebalance"
    result = (
        rebalance(keys, settings, current) if use_rebalance else plan_households(keys, settings)
    )
    if request.method == "POST":
        try:
            applied = services.plan_apply(
                actor=request.user, community=community, plan=result, rebalance=use_rebalance
            )
        except DomainError as exc:
            context["error"] = exc.message
        else:
            messages.success(
                request,
                f"方案已写入：新建 {applied['created']} 个网格，撤销 {applied['dissolved']} 个，"
                f"调整 {applied['moves']} 户",
            )
            return redirect("grid:community", community_id=community.pk)
    context.update(
        {
            "quality": result.quality(current or None),
            "plan": result,
            "has_grid": bool(current),
            "rebalance": use_rebalance,
            "settings": settings,
        }
    )
    return render(request, "grid/plan.html", context)


@login_required
def visit_photo(request, photo_id: int):
    """A visit photo, for whoever may see the household (out of scope answers like a missing
    id)."""
    p = get_or_404(selectors.visit_photo_get_for, actor=request.user, photo_id=photo_id)
    return uploads.file_response(p.image, download_name=f"走访照片-{p.pk}")
