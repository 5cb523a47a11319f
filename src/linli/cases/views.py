"""Case pages: a resident reports in three taps and follows the case; a 三长 works an inbox;
a worker runs the dispatch board; a department answers what it was sent."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from linli.core import uploads
from linli.core.bounds import id_param
from linli.core.errors import DomainError, Invalid
from linli.core.http import get_or_404
from linli.core.policy import Capability, can
from linli.grid import selectors as grid_selectors
from linli.ledger.models import Household

from . import selectors, services
from .models import Department, HandlerLevel, Satisfaction, Stage, Urgency

ACTION_LABELS = {
    "verify": "核实属实",
    "dismiss": "核实为无效",
    "accept": "受理",
    "progress": "记录进展",
    "resolve": "办结并反馈",
    "return": "退回",
    "escalate": "上报",
    "dispatch": "派遣部门",
    "close": "核查结案",
    "merge": "合并重复件",
    "rate": "评价",
}


@login_required
def home(request):
    if can(request.user, Capability.CASES_INBOX):
        return redirect("cases:inbox")
    if can(request.user, Capability.CASES_DEPARTMENT):
        return redirect("cases:department")
    if can(request.user, Capability.CASES_BOARD):
        return redirect("cases:board")
    return redirect("cases:mine")


def _households_for_report(user):
    """Whose household a person may report for: a resident their own, a 三长 theirs."""
    if can(user, Capability.MY_HOUSEHOLD):
        hid = user.profile.household_id
        return Household.objects.filter(pk=hid).select_related("unit__building__compound")
    if can(user, Capability.CASES_REPORT_FOR):
        return grid_selectors.my_households(actor=user)[:500]
    return Household.objects.none()


@login_required
def report_pick(request):
    """Tap 1: the category."""
    return render(request, "cases/report_pick.html", {"categories": selectors.categories()})


@login_required
def report_form(request, code: str):
    """Tap 2 and 3: describe (and photograph) the problem, submit."""
    try:
        category = services.category_get(key=code)
    except DomainError as exc:
        raise Http404(exc.message) from None
    households = list(_households_for_report(request.user))
    if not households:
        raise Http404("当前账号没有可登记诉求的住户")
    context: dict[str, Any] = {
        "category": category,
        "households": households,
        "urgencies": Urgency.choices,
        "client_key": uuid.uuid4().hex,
        "form": {},
    }
    if request.method == "POST":
        context["form"] = request.POST
        context["client_key"] = request.POST.get("client_key") or context["client_key"]
        household = next(
            (h for h in households if str(h.pk) == request.POST.get("household")),
            households[0] if len(households) == 1 else None,
        )
        try:
            if household is None:
                raise Invalid("请选择住户", code="cases.place_required")
            case = services.case_report(
                actor=request.user,
                household=household,
                category=category,
                description=request.POST.get("description", ""),
                urgency=request.POST.get("urgency") or Urgency.NORMAL,
                photos=request.FILES.getlist("photos"),
                client_key=context["client_key"],
            )
        except DomainError as exc:
            context["error"] = exc.message
        else:
            messages.success(
                request, f"诉求已提交，编号 {case.number}，由{services.holder_label(case)}受理"
            )
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/report_form.html", context)


@login_required
def mine(request):
    cases = list(selectors.my_cases(actor=request.user)[:100])
    return render(request, "cases/mine.html", {"cases": cases, "today": timezone.localdate()})


@login_required
def detail(request, case_id: int):
    case = get_or_404(selectors.case_get_for, actor=request.user, case_id=case_id)
    allowed = services.available_actions(request.user, case)
    context = {
        "case": case,
        "stages": Stage.choices,
        "stage_index": list(Stage.values).index(case.stage),
        "holder": services.holder_label(case),
        "timeline": selectors.case_timeline(case=case),
        "photos": list(case.photos.filter(event__action="report")),
        "actions": [(a, ACTION_LABELS[a]) for a in allowed if a != "rate"],
        "may_rate": "rate" in allowed,
        "satisfactions": Satisfaction.choices,
        "departments": selectors.departments()
        if "dispatch" in allowed or "escalate" in allowed
        else [],
        "at_community": case.level == HandlerLevel.COMMUNITY,
        "overdue": case.is_open
        and case.stage in (Stage.COLLECTED, Stage.ACCEPTED, Stage.DISPATCHED, Stage.HANDLING)
        and case.deadline < timezone.localdate(),
        "merge_candidates": (
            selectors.cases_for(request.user)
            .filter(status="open", community=case.community, category=case.category)
            .exclude(pk=case.pk)
            .order_by("-reported_at")[:20]
            if "merge" in allowed
            else []
        ),
    }
    return render(request, "cases/detail.html", context)


@login_required
@require_POST
def act(request, case_id: int, action: str):
    case = get_or_404(selectors.case_get_for, actor=request.user, case_id=case_id)
    if action not in ACTION_LABELS:
        raise Http404("未知操作")
    params = {
        "note": request.POST.get("note", ""),
        "satisfaction": request.POST.get("satisfaction"),
        "to": request.POST.get("to") or None,
        "photos": request.FILES.getlist("photos"),
    }
    version = request.POST.get("version")
    params["version"] = id_param(version)
    if request.POST.get("department"):
        department_id = id_param(request.POST["department"])
        params["department"] = (
            None
            if department_id is None  # filter(pk=None) would match nothing
            else Department.objects.filter(pk=department_id, active=True).first()
        )
        if params["to"] is None and action == "escalate":
            params["to"] = "department"
    if request.POST.get("into"):
        into = id_param(request.POST["into"])
        if into is None:
            raise Http404("诉求不存在或无权查看")
        params["into"] = get_or_404(selectors.case_get_for, actor=request.user, case_id=into)
    try:
        services.case_transition(actor=request.user, case=case, action=action, **params)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{ACTION_LABELS[action]}")
    return redirect("cases:detail", case_id=case.pk)


@login_required
def inbox(request):
    """三长: the cases I hold, the most urgent deadline first; below, my area's others."""
    if not can(request.user, Capability.CASES_INBOX):
        raise Http404("只有三长有待办")
    today = timezone.localdate()
    held = list(selectors.inbox(actor=request.user)[:200])
    watched = list(selectors.watched(actor=request.user)[:50])
    return render(
        request,
        "cases/inbox.html",
        {"held": held, "watched": watched, "today": today, "grid": request.user.profile.grid},
    )


def _int(value):
    return id_param(value)


@login_required
def board(request):
    """社区/镇/县: open cases oldest first, with filters, and the figures."""
    if not can(request.user, Capability.CASES_BOARD):
        raise Http404("无权查看")
    today = timezone.localdate()
    filters = {
        "category": _int(request.GET.get("category")),
        "level": _int(request.GET.get("level")),
        "stage": request.GET.get("stage") or None,
        "overdue": request.GET.get("overdue") == "1",
    }
    qs = selectors.board(actor=request.user, today=today, **filters)
    context = {
        "cases": list(qs[:100]),
        "count": qs.count(),
        "filters": filters,
        "categories": selectors.categories(),
        "levels": HandlerLevel.choices,
        "stages": [
            (s.value, s.label)
            for s in Stage
            if s
            in (Stage.COLLECTED, Stage.ACCEPTED, Stage.DISPATCHED, Stage.HANDLING, Stage.FEEDBACK)
        ],
        "totals": selectors.measures_total(actor=request.user, today=today),
        "today": today,
    }
    template = "cases/_board_list.html" if request.headers.get("HX-Request") else "cases/board.html"
    return render(request, template, context)


@login_required
def department(request):
    if not can(request.user, Capability.CASES_DEPARTMENT):
        raise Http404("只有部门工作人员使用本页")
    cases = list(selectors.department_cases(actor=request.user)[:200])
    names = ", ".join(d.name for d in request.user.case_departments.all())
    return render(
        request,
        "cases/department.html",
        {"cases": cases, "names": names, "today": timezone.localdate()},
    )


@login_required
def measures(request):
    if not can(request.user, Capability.CASES_MEASURES):
        raise Http404("无权查看")
    groups = selectors.grid_levels_for(request.user)
    by = request.GET.get("by") if request.GET.get("by") in groups else groups[0]
    rows = selectors.case_measures(actor=request.user, by=by)
    return render(
        request,
        "cases/measures.html",
        {
            "rows": rows,
            "by": by,
            "groups": [(g, selectors.MEASURE_GROUPS[g]) for g in groups],
            "total": selectors.measures_total(actor=request.user),
        },
    )


@login_required
def photo(request, photo_id: int):
    """A case photo, for whoever may see the case (out of scope answers like a missing id)."""
    p = get_or_404(selectors.case_photo_get_for, actor=request.user, photo_id=photo_id)
    return uploads.file_response(p.image, download_name=f"诉求照片-{p.pk}")
