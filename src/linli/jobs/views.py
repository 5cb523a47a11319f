"""Jobs pages: the public job board and a posting (with its JobPosting JSON-LD), the employer's
postings and posting form, the job seeker's phone page, and the station's board (matching and
the pipeline).

Thin views over ``selectors`` and ``services``; out of scope is a 404 like missing (a
``NotFound`` from a selector is turned into the 404 page by ``DomainErrorMiddleware``).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from linli.core.bounds import id_param
from linli.core.errors import DomainError, Invalid
from linli.core.policy import Capability, can, get_or_404, restrict
from linli.ledger.models import Compound

from . import selectors, services
from .models import (
    Application,
    Course,
    Employer,
    EmploymentType,
    SalaryUnit,
    Stage,
)

WEEKDAYS = [(1, "一"), (2, "二"), (3, "三"), (4, "四"), (5, "五"), (6, "六"), (7, "日")]


def _need(user, capability: Capability) -> None:
    if not can(user, capability):
        raise Http404("无权查看")


def board(request):
    """找工作: open postings anyone may read (no login), at home or by type."""
    kind = request.GET.get("type", "")
    home = request.GET.get("home")
    postings = selectors.board(
        actor=request.user,
        at_home=True if home == "1" else None,
        employment_type=kind if kind in EmploymentType.values else "",
    )[:100]
    context = {
        "postings": postings,
        "kind": kind,
        "home": home == "1",
        "types": EmploymentType.choices,
        "seeker": selectors.seeker_of(request.user),
    }
    return render(request, "jobs/board.html", context)


def posting(request, posting_id: int):
    """One posting, public, with its schema.org JobPosting as JSON-LD in the page's head."""
    p = selectors.posting_get_for(actor=request.user, posting_id=posting_id)
    url = request.build_absolute_uri(reverse("jobs:posting", args=[p.pk]))
    seeker = selectors.seeker_of(request.user)
    applied = seeker is not None and p.applications.filter(seeker=seeker).exists()
    context = {
        "p": p,
        "jsonld": selectors.jsonld_script(selectors.jsonld(p, url=url)),
        "seeker": seeker,
        "applied": applied,
        "open": p.status == "open" and p.valid_through >= timezone.localdate(),
    }
    return render(request, "jobs/posting.html", context)


@login_required
@require_POST
def apply(request, posting_id: int):
    """The seeker applies for a posting themself (it reaches the station as 推荐)."""
    p = selectors.posting_get_for(actor=request.user, posting_id=posting_id)
    seeker = selectors.seeker_of(request.user)
    if seeker is None:
        raise Http404("请先到社区就业驿站登记求职")
    try:
        services.application_recommend(actor=request.user, seeker=seeker, posting=p)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已报名，驿站工作人员会联系您")
    return redirect("jobs:posting", posting_id=p.pk)


@login_required
def me(request):
    """我的求职 (the seeker's phone page): my applications, my courses, courses to join."""
    _need(request.user, Capability.JOBS_SEEK)
    page = selectors.my_page(request.user)
    return render(request, "jobs/me.html", {**page, "free": selectors.free_text(page["seeker"])})


@login_required
@require_POST
def enrol(request, course_id: int):
    _need(request.user, Capability.JOBS_SEEK)
    seeker = selectors.seeker_of(request.user)
    if seeker is None:
        raise Http404("请先到社区就业驿站登记求职")
    course = get_or_404(Course.objects.all(), request.user, pk=course_id)
    try:
        services.course_enrol(actor=request.user, course=course, seeker=seeker)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已报名“{course.title}”")
    return redirect("jobs:me")


# --- the employer ----------------------------------------------------------------------------


def _employers(user):
    if can(user, Capability.JOBS_STATION):
        return list(restrict(Employer.objects.all(), user, "manage").order_by("name"))
    if can(user, Capability.JOBS_POST):
        return list(selectors.employers_of(user).order_by("name"))
    return []


@login_required
def employer(request):
    """用人单位: my postings and the applicants the station put forward (names masked until
    录用, phones always)."""
    employers = _employers(request.user)
    if not employers:
        raise Http404("您不是用人单位的招聘账号")
    postings = (
        selectors.postings_for(actor=request.user)
        .filter(employer__in=employers)
        .prefetch_related("applications__seeker__resident")[:100]
    )
    rows = [
        (
            p,
            [
                selectors.applicant_row(a, actor=request.user)
                for a in p.applications.all()
                if a.stage != Stage.LEFT
            ],
        )
        for p in postings
    ]
    return render(request, "jobs/employer.html", {"rows": rows, "employers": employers})


def _form_posting(request, employers):
    form = request.POST
    employer_obj = next((e for e in employers if e.pk == id_param(form.get("employer"))), None)
    if employer_obj is None:
        raise Invalid("请选择用人单位", code="jobs.required", details=[{"field": "employer"}])
    try:
        valid_through = dt.date.fromisoformat(form.get("valid_through", ""))
    except ValueError:
        raise Invalid(
            "请填写截止日期", code="jobs.bad_dates", details=[{"field": "valid_through"}]
        ) from None
    times = {}
    for key in ("start_time", "end_time"):
        raw = form.get(key, "").strip()
        try:
            times[key] = dt.time.fromisoformat(raw) if raw else None
        except ValueError:
            raise Invalid(
                "时间格式应如 08:30", code="jobs.bad_hours", details=[{"field": key}]
            ) from None
    compound = None
    if id_param(form.get("compound")):
        compound = get_or_404(Compound.objects.all(), request.user, pk=id_param(form["compound"]))
    return services.posting_create(
        actor=request.user,
        employer=employer_obj,
        title=form.get("title", ""),
        description=form.get("description", ""),
        employment_type=form.get("employment_type", ""),
        salary_min=form.get("salary_min", ""),
        salary_max=form.get("salary_max", "") or None,
        salary_unit=form.get("salary_unit", ""),
        total_openings=form.get("total_openings", ""),
        valid_through=valid_through,
        at_home=form.get("at_home") == "1",
        compound=compound,
        address=form.get("address", ""),
        work_hours=form.get("work_hours", ""),
        days=[d for d in form.getlist("days") if d.isdigit()],
        skills=form.get("skills", ""),
        **times,
    )


@login_required
def post_form(request):
    """发布招聘: the employer's posting form (a social property service, a workshop …)."""
    _need(request.user, Capability.JOBS_POST)
    employers = _employers(request.user)
    if not employers:
        raise Http404("您不是用人单位的招聘账号")
    error = None
    if request.method == "POST":
        try:
            created = _form_posting(request, employers)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, f"已发布“{created.title}”")
            return redirect("jobs:posting", posting_id=created.pk)
    today = timezone.localdate()
    context = {
        "employers": employers,
        "form": request.POST if request.method == "POST" else {},
        "days_chosen": request.POST.getlist("days") if request.method == "POST" else [],
        "error": error,
        "error_field": (error.details[0].get("field") if error and error.details else ""),
        "types": EmploymentType.choices,
        "units": SalaryUnit.choices,
        "weekdays": WEEKDAYS,
        "default_until": (today + dt.timedelta(days=30)).isoformat(),
    }
    return render(request, "jobs/post_form.html", context, status=400 if error else 200)


@login_required
@require_POST
def advance(request, application_id: int):
    """Move an application on (the station or the employer's account)."""
    if not (can(request.user, Capability.JOBS_STATION) or can(request.user, Capability.JOBS_POST)):
        raise Http404("无权查看")
    application = get_or_404(Application.objects.all(), request.user, "manage", pk=application_id)
    to = request.POST.get("to", "")
    try:
        services.application_advance(actor=request.user, application=application, to=to)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已改为“{Stage(to).label}”")
    back = request.POST.get("back", "")
    if back == "station" and can(request.user, Capability.JOBS_STATION):
        return redirect("jobs:station_posting", posting_id=application.posting_id)
    return redirect("jobs:employer")


# --- the station -----------------------------------------------------------------------------


@login_required
def station(request):
    """就业驿站: the region's postings with their openings and pipeline, and the figures."""
    _need(request.user, Capability.JOBS_STATION)
    postings = selectors.postings_for(actor=request.user)[:200]
    context = {
        "postings": postings,
        "figures": selectors.figures(actor=request.user),
        "courses": selectors.courses_for(actor=request.user)[:20],
    }
    return render(request, "jobs/station.html", context)


@login_required
def station_posting(request, posting_id: int):
    """One posting at the station: the pipeline by stage and the best matches to put forward."""
    _need(request.user, Capability.JOBS_STATION)
    p = selectors.posting_get_for(actor=request.user, posting_id=posting_id, action="manage")
    rows = [
        selectors.applicant_row(a, actor=request.user)
        for a in selectors.applications_for(actor=request.user, posting=p)
    ]
    context = {
        "p": p,
        "rows": rows,
        "matches": selectors.matches(actor=request.user, posting=p, limit=15),
    }
    return render(request, "jobs/station_posting.html", context)


@login_required
@require_POST
def recommend(request, posting_id: int):
    _need(request.user, Capability.JOBS_STATION)
    p = selectors.posting_get_for(actor=request.user, posting_id=posting_id, action="manage")
    seeker_id = id_param(request.POST.get("seeker"))
    if seeker_id is None:
        raise Http404("求职者不存在")
    seeker = selectors.seeker_get_for(actor=request.user, seeker_id=seeker_id, action="manage")
    try:
        services.application_recommend(actor=request.user, seeker=seeker, posting=p)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已推荐{seeker.resident.name}")
    return redirect("jobs:station_posting", posting_id=p.pk)
