"""Joint-meeting pages: the worker's entry (meetings and overdue actions), a meeting with its
agenda, decisions, attendees and minutes, a new meeting, the actions board (overdue first) and
an action with its progress log (htmx)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from linli.cases import selectors as case_selectors
from linli.cases.models import Case, Department
from linli.core.errors import DomainError, Invalid, NotFound
from linli.core.http import get_or_404, is_htmx
from linli.core.policy import Capability, can
from linli.ledger import selectors as ledger_selectors
from linli.ledger.models import Compound

from . import api, selectors, services
from .models import ActionStatus, ModeRole, Party


def _check_role(user) -> None:
    if not can(user, Capability.MEETINGS):
        raise Http404("无权查看五方联席会")


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


def _mark(actions, today):
    for a in actions:
        a.overdue = a.is_overdue(today)
        a.days_late = (today - a.deadline).days if a.overdue else 0
    return actions


@login_required
def index(request):
    """Worker's entry: figures, the open actions (overdue first) and the meetings."""
    _check_role(request.user)
    today = timezone.localdate()
    open_actions = selectors.action_board(actor=request.user, today=today).filter(
        status__in=(ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)
    )
    context = {
        "counts": selectors.action_counts(actor=request.user, today=today),
        "actions": _mark(list(open_actions[:8]), today),
        "meetings": list(selectors.meeting_list(actor=request.user)[:50]),
        "may_create": selectors.regions_for_new_meeting(actor=request.user).exists(),
        "today": today,
    }
    return render(request, "meetings/index.html", context)


@login_required
def new(request):
    _check_role(request.user)
    regions = list(selectors.regions_for_new_meeting(actor=request.user))
    if not regions:
        raise Http404("无权召集五方联席会")
    region_ids = [r.pk for r in regions]
    compounds = list(
        Compound.objects.restrict(request.user)
        .filter(community_id__in=region_ids)
        .select_related("community")
        .order_by("community__path", "name")[:300]
    )
    form = {"held_on": timezone.localdate().isoformat(), "convener": "县委组织部"}
    error = None
    if request.method == "POST":
        form = request.POST
        region = next((r for r in regions if str(r.pk) == request.POST.get("region")), None)
        chosen = [c for c in compounds if str(c.pk) in request.POST.getlist("compounds")]
        try:
            if region is None:
                raise Invalid("请选择召开区域", code="meetings.bad_region")
            meeting = services.meeting_create(
                actor=request.user,
                region=region,
                held_on=_date(request.POST.get("held_on")),
                place=request.POST.get("place", ""),
                title=request.POST.get("title", ""),
                convener=request.POST.get("convener", ""),
                chair=request.POST.get("chair", ""),
                compounds=chosen,
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, f"已登记会议 {meeting.number}，请登记参会人员和议题")
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return render(
        request,
        "meetings/new.html",
        {"regions": regions, "compounds": compounds, "form": form, "error": error},
    )


def _detail_context(request, meeting):
    today = timezone.localdate()
    attendees = selectors.meeting_attendees(meeting=meeting)
    agenda = selectors.meeting_agenda(meeting=meeting)
    manage = services.may_manage(request.user, meeting.region)
    return {
        "meeting": meeting,
        "parties": selectors.parties_present(attendees=attendees),
        "attendees": attendees,
        "agenda": agenda,
        "actions": _mark(selectors.meeting_actions(meeting=meeting), today),
        "carried": _mark(selectors.carried_over(meeting=meeting), meeting.held_on),
        "compounds": list(meeting.compounds.order_by("name")),
        "manage": manage,
        "party_choices": Party.choices,
        "mode_choices": ModeRole.choices,
        "departments": Department.objects.filter(active=True) if manage else [],
        "region_compounds": Compound.objects.restrict(request.user)
        .filter(community__path__startswith=meeting.region.path)
        .order_by("name")
        if manage
        else [],
        "open_cases": Case.objects.restrict(request.user)
        .filter(community__path__startswith=meeting.region.path, status="open")
        .select_related("category", "compound")
        .order_by("-level", "deadline")[:60]
        if manage
        else [],
        "today": today,
    }


@login_required
def detail(request, meeting_id: int):
    _check_role(request.user)
    meeting = get_or_404(selectors.meeting_get_for, actor=request.user, meeting_id=meeting_id)
    return render(request, "meetings/detail.html", _detail_context(request, meeting))


@login_required
@require_POST
def add(request, meeting_id: int, what: str):
    """The forms on the meeting page: an attendee, an agenda item, a decision."""
    _check_role(request.user)
    meeting = get_or_404(selectors.meeting_get_for, actor=request.user, meeting_id=meeting_id)
    post = request.POST
    department_id = _int(post.get("department"))
    department = (
        Department.objects.filter(pk=department_id, active=True).first() if department_id else None
    )
    try:
        if what == "attendee":
            services.attendee_add(
                actor=request.user,
                meeting=meeting,
                party=post.get("party", ""),
                name=post.get("name", ""),
                unit=post.get("unit", ""),
                department=department,
                is_resident=post.get("is_resident") == "1" or None,
            )
            done = "已登记参会人员"
        elif what == "agenda":
            # in the user's scope first: a compound or case they cannot see reads as missing
            compound = None
            compound_id = _int(post.get("compound"))
            if compound_id:
                compound = (
                    ledger_selectors.compounds_for(request.user)
                    .select_related("community")
                    .filter(pk=compound_id)
                    .first()
                )
                if compound is None:
                    raise NotFound("小区不存在或无权查看")
            ids = {n for n in map(_int, post.getlist("cases")) if n}
            cases = list(
                case_selectors.cases_for(request.user)
                .select_related("community", "compound")
                .filter(pk__in=ids)
            )
            if len(cases) != len(ids):
                raise NotFound("诉求不存在或无权查看")
            services.agenda_item_add(
                actor=request.user,
                meeting=meeting,
                title=post.get("title", ""),
                compound=compound,
                cases=cases,
                problem=post.get("problem", ""),
            )
            done = "已增加议题"
        elif what == "decision":
            item = meeting.agenda.filter(pk=_int(post.get("agenda_item"))).first()
            services.action_record(
                actor=request.user,
                meeting=meeting,
                agenda_item=item,
                decision=post.get("decision", ""),
                responsible_party=post.get("responsible_party", ""),
                responsible_unit=post.get("responsible_unit", ""),
                department=department,
                responsible_person=post.get("responsible_person", ""),
                deadline=_date(post.get("deadline")),
                mode_role=post.get("mode_role") or None,
            )
            done = "已记录议定事项"
        else:
            raise Http404("未知操作")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("meetings:detail", meeting_id=meeting.pk)


@login_required
def minutes(request, meeting_id: int, fmt: str):
    _check_role(request.user)
    meeting = get_or_404(selectors.meeting_get_for, actor=request.user, meeting_id=meeting_id)
    if fmt not in api.CONTENT_TYPES:
        raise Http404("纪要格式只能是 docx 或 pdf")
    return api.minutes_response(meeting, fmt, public=request.GET.get("public") == "1")


@login_required
def board(request):
    """All actions in scope: overdue first, filters by status, party, overdue."""
    _check_role(request.user)
    today = timezone.localdate()
    filters = {
        "status": request.GET.get("status")
        if request.GET.get("status") in ActionStatus.values
        else None,
        "party": request.GET.get("party") if request.GET.get("party") in Party.values else None,
        "overdue": request.GET.get("overdue") == "1",
    }
    qs = selectors.action_board(actor=request.user, today=today, **filters)
    context = {
        "actions": _mark(list(qs[:200]), today),
        "count": qs.count(),
        "filters": filters,
        "statuses": ActionStatus.choices,
        "parties": Party.choices,
        "counts": selectors.action_counts(actor=request.user, today=today),
        "today": today,
    }
    template = "meetings/_board_list.html" if is_htmx(request) else "meetings/board.html"
    return render(request, template, context)


def _action_context(request, action):
    today = timezone.localdate()
    _mark([action], today)
    return {
        "action": action,
        "log": selectors.action_log(action=action),
        "may_work": action.is_open and services.may_work_on(request.user, action),
        "may_cancel": action.is_open and services.may_manage(request.user, action.meeting.region),
        "today": today,
    }


@login_required
def action_detail(request, action_id: int):
    _check_role(request.user)
    action = get_or_404(selectors.action_get_for, actor=request.user, action_id=action_id)
    return render(request, "meetings/action.html", _action_context(request, action))


@login_required
@require_POST
def action_act(request, action_id: int, what: str):
    """Progress (htmx: the log and the forms are swapped in place), complete, cancel."""
    _check_role(request.user)
    action = get_or_404(selectors.action_get_for, actor=request.user, action_id=action_id)
    note = request.POST.get("note", "")
    error = None
    try:
        if what == "progress":
            services.action_progress_add(actor=request.user, action=action, note=note)
            done = "已记录进展"
        elif what == "complete":
            services.action_complete(actor=request.user, action=action, note=note)
            done = "事项已办结"
        elif what == "cancel":
            services.action_cancel(actor=request.user, action=action, reason=note)
            done = "事项已取消"
        else:
            raise Http404("未知操作")
    except DomainError as exc:
        error = exc.message
    action = selectors.action_get_for(actor=request.user, action_id=action_id)
    if is_htmx(request):
        context = _action_context(request, action)
        context["error"] = error
        context["done"] = None if error else done
        return render(request, "meetings/_action_work.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect("meetings:action", action_id=action.pk)
