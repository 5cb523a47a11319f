"""Care pages: the visitor's phone (overdue and due first), recording a visit, a person's page,
the worker's registry of a community and the events page.

Thin views over ``selectors`` (the one due/overdue computation) and ``services``. A person or
community outside the caller's duty is a 404 like a missing one; care facts are shown only to
``Capability.CARE_VIEW`` roles and every such view is logged.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from linli.cases.models import Category as CaseCategory
from linli.core.errors import DomainError, NotFound
from linli.core.policy import Capability, can, restrict
from linli.grid.models import GridLevel, VisitMode
from linli.ledger.models import Region, RegionLevel

from . import rules, selectors, services
from .models import Category, EventKind, PartnerKind, Tier


def _need(user, capability: Capability) -> None:
    if not can(user, capability):
        raise Http404("无权查看")


def _person(user, recipient_id: int):
    _need(user, Capability.CARE_VISIT)
    try:
        return selectors.recipient_get_for(actor=user, recipient_id=recipient_id)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _community(user, community_id: int) -> Region:
    _need(user, Capability.CARE_VIEW)
    found = restrict(Region.objects.filter(level=RegionLevel.COMMUNITY), user).filter(
        pk=community_id
    )
    community = found.first()
    if community is None:
        raise Http404("社区不存在或无权查看")
    return community


def _shown(user, rows) -> list[dict]:
    sensitive = can(user, Capability.CARE_VIEW)
    if sensitive and rows:
        services.care_view_log(user=user, subject="关爱名册", count=len(rows))
    return [selectors.row_data(r, sensitive=sensitive) for r in rows]


@login_required
def mine(request):
    """我的关爱探访: overdue first, then due, then the rest; a 组长/片长 also sees each 邻's
    overdue. An office role goes to its communities' registry."""
    user = request.user
    _need(user, Capability.CARE_VISIT)
    if can(user, Capability.CARE_MANAGE):
        communities = restrict(Region.objects.filter(level=RegionLevel.COMMUNITY), user)
        if communities.count() == 1:
            return redirect("care:community", community_id=communities.get().pk)
        return render(request, "care/communities.html", {"communities": communities})
    data = selectors.rows_for_visitor(actor=user)
    if not data["rows"]:
        raise Http404("没有需要探访的关爱对象")
    mine_rows = _shown(user, data["mine"])
    context = {
        "summary": data["summary"],
        "overdue": [r for r in mine_rows if r["status"] == rules.OVERDUE],
        "due": [r for r in mine_rows if r["status"] == rules.DUE],
        "later": [r for r in mine_rows if r["status"] == rules.OK],
        "cell_overdue": _shown(user, data["cell_overdue"]),
        "sensitive": can(user, Capability.CARE_VIEW),
        "today": timezone.localdate(),
    }
    return render(request, "care/mine.html", context)


def _visit_form_context(request, recipient, form, errors):
    return {
        "person": recipient,
        "address": selectors.address(recipient),
        "form": form,
        "errors": errors,
        "modes": VisitMode.choices,
        "case_categories": CaseCategory.objects.filter(active=True).order_by("sort", "id"),
        "today": timezone.localdate().isoformat(),
    }


@login_required
def visit(request, recipient_id: int):
    """Record a care visit: date, mode, findings, follow-up, and a need → a case."""
    recipient = _person(request.user, recipient_id)
    form = request.POST if request.method == "POST" else {"mode": "home"}
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            visited_on = dt.date.fromisoformat(form.get("visited_on", ""))
        except ValueError:
            errors["visited_on"] = "请填写正确的探访日期"
        else:
            try:
                services.care_visit_record(
                    actor=request.user,
                    recipients=[recipient],
                    visited_on=visited_on,
                    mode=form.get("mode", "home"),
                    health=form.get("health", ""),
                    living=form.get("living", ""),
                    needs=form.get("needs", ""),
                    follow_up=form.get("follow_up", ""),
                    case_category=form.get("case_category") if form.get("to_case") else None,
                    photos=request.FILES.getlist("photos"),
                )
            except NotFound as exc:
                raise Http404(exc.message) from None
            except DomainError as exc:
                field = (exc.details[0].get("field") if exc.details else None) or "form"
                errors[field] = exc.message
            else:
                messages.success(request, f"已记录对{recipient.resident.name}的探访")
                return redirect("care:mine")
    status = 400 if errors else 200
    return render(
        request,
        "care/visit.html",
        _visit_form_context(request, recipient, form, errors),
        status=status,
    )


@login_required
def person(request, recipient_id: int):
    """One person: the window of the next visit, the visits, and (for the office) the tier,
    its override and the pairing."""
    recipient = _person(request.user, recipient_id)
    rows = selectors.status_rows(
        selectors.recipients_for(request.user, "visit").filter(pk=recipient.pk)
    )
    if not rows:
        raise Http404("关爱对象不存在或无权查看")
    sensitive = can(request.user, Capability.CARE_VIEW)
    services.care_view_log(
        user=request.user, subject=f"关爱对象#{recipient.pk}", count=1 if sensitive else 0
    )
    context = {
        "person": recipient,
        "row": selectors.row_data(rows[0], sensitive=sensitive),
        "sensitive": sensitive,
        "visits": selectors.visits_of(recipient) if sensitive else [],
        "manage": can(request.user, Capability.CARE_MANAGE),
        "tiers": Tier.choices,
        "partner_kinds": PartnerKind.choices,
        "log": list(recipient.log.select_related("actor__profile")[:10]) if sensitive else [],
    }
    return render(request, "care/person.html", context)


@login_required
@require_POST
def person_manage(request, recipient_id: int):
    """The office's changes to a person: override the tier (reason required), clear it, pair."""
    recipient = _person(request.user, recipient_id)
    action = request.POST.get("action")
    try:
        if action == "override":
            services.recipient_override(
                actor=request.user,
                recipient=recipient,
                tier=request.POST.get("tier", ""),
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, "探访分级已调整")
        elif action == "clear":
            services.recipient_override_clear(actor=request.user, recipient=recipient)
            messages.success(request, "已恢复按规则分级")
        elif action == "pair":
            username = request.POST.get("partner", "").strip()
            partner = None
            if username:
                partner = get_user_model().objects.filter(username=username).first()
                if partner is None:
                    raise NotFound(f"没有账号“{username}”")
            services.recipient_pair(
                actor=request.user,
                recipient=recipient,
                partner=partner,
                kind=request.POST.get("kind", ""),
            )
            messages.success(request, "结对已保存" if partner else "已解除结对，由邻长负责")
        else:
            raise Http404("未知操作")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("care:person", recipient_id=recipient.pk)


@login_required
def community(request, community_id: int):
    """The worker's registry of a community: figures, 月探访率 by 邻, and the people with
    their windows (filter by status and tier)."""
    place = _community(request.user, community_id)
    rows = selectors.community_rows(actor=request.user, community=place)
    summary = selectors.summarise(rows)
    # By default the people to visit now (overdue and due); "all" lists everyone.
    status, tier = request.GET.get("status", ""), request.GET.get("tier", "")
    wanted = {
        "": {rules.OVERDUE, rules.DUE},
        "all": {rules.OVERDUE, rules.DUE, rules.OK},
    }.get(status, {status})
    shown = [r for r in rows if r.status in wanted and (not tier or r.tier == tier)]
    order = {rules.OVERDUE: 0, rules.DUE: 1, rules.OK: 2}
    shown.sort(key=lambda r: (order[r.status], r.window.latest))
    context = {
        "community": place,
        "summary": summary,
        "rates": selectors.rates_by_cell(rows, level=GridLevel.NEIGHBOUR),
        "rows": _shown(request.user, shown),
        "status": status,
        "tier": tier,
        "statuses": list(rules.STATUS_LABELS.items()),
        "tiers": Tier.choices,
        "manage": can(request.user, Capability.CARE_MANAGE),
        "categories": Category.choices,
    }
    return render(request, "care/community.html", context)


@login_required
@require_POST
def community_sync(request, community_id: int):
    place = _community(request.user, community_id)
    try:
        added = services.registry_sync_from_tags(actor=request.user, community=place)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已从台账标签登记 {added} 人")
    return redirect("care:community", community_id=place.pk)


@login_required
def events(request):
    """Events (寒潮, 高温 …): the list, and for the office a form to declare one."""
    _need(request.user, Capability.CARE_VIEW)
    manage = can(request.user, Capability.CARE_MANAGE)
    regions = (
        restrict(Region.objects.filter(level__gte=RegionLevel.TOWN), request.user).order_by("path")
        if manage
        else Region.objects.none()
    )
    form = request.POST if request.method == "POST" else {}
    error = ""
    if request.method == "POST":
        if not manage:
            raise Http404("无权发布")
        region = regions.filter(pk=form.get("region") or 0).first()
        try:
            if region is None:
                raise NotFound("请选择区域", details=[{"field": "region"}])
            event = services.event_declare(
                actor=request.user,
                region=region,
                kind=form.get("kind", ""),
                title=form.get("title", ""),
                note=form.get("note", ""),
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(
                request, f"已发布“{event.title}”：{region.name}的高风险对象须在 24 小时内探访"
            )
            return redirect("care:events")
    context = {
        "events": selectors.events_for(request.user)[:50],
        "manage": manage,
        "regions": regions,
        "kinds": EventKind.choices,
        "form": form,
        "error": error,
    }
    return render(request, "care/events.html", context, status=400 if error else 200)
