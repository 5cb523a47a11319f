"""Infra pages: the office's overview, the worker's plan board per compound (mobile-first, the
stage filter swapped by htmx), a problem's page with its stage actions, its photos.

Thin views over ``selectors`` and ``services``. A compound or problem outside the caller's scope
is a 404 like a missing one; a refused action re-renders the page with the Chinese message
(400) and changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from linli.cases.models import Case, Department
from linli.core import uploads
from linli.core.bounds import id_param
from linli.core.errors import DomainError, Invalid, NotFound
from linli.core.http import get_or_404, is_htmx
from linli.core.policy import Capability, can, restrict
from linli.ledger.models import Compound, Region

from . import selectors, services
from .models import STAGES, FoundBy, Kind, PhotoPhase, Source, Stage
from .rules import money_blockers, stage_label


def _need(user, capability: Capability) -> None:
    if not can(user, capability):
        raise Http404("无权查看")


@login_required
def index(request):
    """The office's overview: how much for how many problems, by compound, community, town."""
    _need(request.user, Capability.INFRA_MANAGE)
    user = request.user
    compounds = (
        restrict(Compound.objects.all(), user)
        .select_related("community", "infra_plan")
        .order_by("community__path", "name")
    )
    by_compound = {f.place_id: f for f in selectors.figures_by(actor=user, level="compound")}
    rows = [(c, by_compound.get(c.pk)) for c in compounds[:300]]
    context = {
        "total": selectors.figures(actor=user),
        "rows": rows,
        "communities": selectors.figures_by(actor=user, level="community"),
        "towns": selectors.figures_by(actor=user, level="town"),
        "counties": selectors.figures_by(actor=user, level="county"),
        "source_labels": selectors.SOURCE_LABELS,
    }
    return render(request, "infra/index.html", context)


def _board_context(request, compound, form=None, error=""):
    plan = selectors.plan_of(compound)
    stage = request.GET.get("stage", "")
    problems = []
    if plan is not None:
        problems = list(
            selectors.problems_for(request.user)
            .filter(plan=plan)
            .prefetch_related("fundings__proposal__vote", "fundings__entry")
            .order_by("id")
        )
    shown = [p for p in problems if not stage or p.stage == stage]
    shown.sort(key=lambda p: (p.stage == Stage.DONE, p.pk))  # what is under way first
    cards = [
        {"p": p, "blockers": money_blockers(p) if p.stage == Stage.APPROVED else []} for p in shown
    ]
    return {
        "compound": compound,
        "plan": plan,
        "figures": selectors.figures(actor=request.user, compound=compound),
        "stages": selectors.stage_counts(problems),
        "stage": stage,
        "cards": cards,
        "manage": can(request.user, Capability.INFRA_MANAGE),
        "kinds": Kind.choices,
        "found_by": FoundBy.choices,
        "form": form or {},
        "error": error,
        "stage_list": [(s, stage_label(s)) for s in STAGES],
    }


@login_required
def board(request, compound_id: int):
    """The plan board of one compound: the problems by stage, money, and adding a problem."""
    _need(request.user, Capability.INFRA_VIEW)
    compound = get_or_404(selectors.compound_get_for, actor=request.user, compound_id=compound_id)
    if request.method == "POST":
        return _board_post(request, compound)
    context = _board_context(request, compound)
    if is_htmx(request):
        return render(request, "infra/_cards.html", context)
    return render(request, "infra/board.html", context)


def _board_post(request, compound):
    if not can(request.user, Capability.INFRA_MANAGE):
        raise Http404("无权操作")
    form = request.POST
    try:
        if form.get("action") == "open":
            services.plan_open(actor=request.user, compound=compound, note=form.get("note", ""))
            messages.success(request, f"已建立{compound.name}的对策")
            return redirect("infra:board", compound_id=compound.pk)
        plan = selectors.plan_of(compound)
        if plan is None:
            raise Invalid("请先建立本小区的对策", code="infra.no_plan")
        problem = services.problem_add(
            actor=request.user,
            plan=plan,
            kind=form.get("kind", ""),
            title=form.get("title", ""),
            found_by=form.get("found_by", ""),
            description=form.get("description", ""),
            location=form.get("location", ""),
            found_on=_date(form.get("found_on"), "found_on", "发现日期"),
            case=_case(form.get("case")),
            meeting=_meeting(form.get("meeting")),
            photos=request.FILES.getlist("photos"),
        )
    except NotFound as exc:
        if exc.details:  # a linked case or meeting not found: say so on the form
            return _board_error(request, compound, form, exc.message)
        raise Http404(exc.message) from None
    except DomainError as exc:
        return _board_error(request, compound, form, exc.message)
    messages.success(request, f"已登记问题“{problem.title}”")
    return redirect("infra:problem", problem_id=problem.pk)


def _board_error(request, compound, form, message):
    context = _board_context(request, compound, form=form, error=message)
    return render(request, "infra/board.html", context, status=400)


def _date(value, field: str, label: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Invalid(
            f"{label}“{value}”应为 YYYY-MM-DD", code="infra.bad_date", details=[{"field": field}]
        ) from None


def _case(value):
    value = (value or "").strip()
    if not value:
        return None
    found = Case.objects.filter(number=value).first()
    if found is None:
        pk = id_param(value)
        found = Case.objects.filter(pk=pk).first() if pk else None
    if found is None:
        raise NotFound(f"没有诉求“{value}”", details=[{"field": "case"}])
    return found


def _meeting(value):
    pk = id_param(value) if (value or "").strip() else None
    if (value or "").strip() and pk is None:
        raise NotFound(f"没有联席会“{value}”", details=[{"field": "meeting"}])
    if pk is None:
        return None
    from django.apps import apps

    found = apps.get_model("meetings", "Meeting").objects.filter(pk=pk).first()
    if found is None:
        raise NotFound(f"没有联席会“{value}”", details=[{"field": "meeting"}])
    return found


def _problem_context(request, problem, error=""):
    stage_at = STAGES.index(problem.stage)
    return {
        "p": problem,
        "compound": problem.plan.compound,
        "steps": [
            {"code": s, "label": stage_label(s), "done": i < stage_at, "now": i == stage_at}
            for i, s in enumerate(STAGES)
        ],
        "next_stage": STAGES[stage_at + 1] if stage_at + 1 < len(STAGES) else None,
        "next_label": stage_label(STAGES[stage_at + 1]) if stage_at + 1 < len(STAGES) else "",
        "shares": selectors.shares_of(problem),
        "blockers": money_blockers(problem) if problem.stage == Stage.APPROVED else [],
        "photos": {
            phase: [ph for ph in problem.photos.all() if ph.phase == phase]
            for phase in PhotoPhase.values
        },
        "phases": PhotoPhase.choices,
        "events": list(problem.events.select_related("actor__profile").order_by("at", "id")),
        "manage": can(request.user, Capability.INFRA_MANAGE),
        "editable": problem.stage in services.EDITABLE,
        "departments": Department.objects.filter(active=True).order_by("id"),
        "sources": Source.choices,
        "share_amounts": {s["source"]: s["amount"] for s in selectors.shares_of(problem)},
        "error": error,
        "Stage": Stage,
    }


ACTIONS = ("details", "funding", "advance", "vote", "entry", "actual", "accept", "photo")


@login_required
def problem(request, problem_id: int):
    """One problem: stages, money and where each share stands, photos, history; the office's
    stage actions."""
    _need(request.user, Capability.INFRA_VIEW)
    found = get_or_404(selectors.problem_get_for, actor=request.user, problem_id=problem_id)
    if request.method != "POST":
        return render(request, "infra/problem.html", _problem_context(request, found))
    if not can(request.user, Capability.INFRA_MANAGE):
        raise Http404("无权操作")
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        return render(
            request,
            "infra/problem.html",
            _problem_context(request, found, "未知操作"),
            status=400,
        )
    try:
        said = _act(request, found, action)
    except NotFound as exc:
        if exc.details:
            return _problem_error(request, found, exc.message)
        raise Http404(exc.message) from None
    except DomainError as exc:
        return _problem_error(request, found, exc.message)
    messages.success(request, said)
    return redirect("infra:problem", problem_id=found.pk)


def _problem_error(request, problem, message):
    fresh = selectors.problem_get_for(actor=request.user, problem_id=problem.pk)
    return render(
        request, "infra/problem.html", _problem_context(request, fresh, message), status=400
    )


def _version(form) -> int | None:
    return id_param(form.get("version")) if form.get("version") else None


def _act(request, problem, action: str) -> str:
    form, user = request.POST, request.user
    if action == "details":
        department = None
        if form.get("department"):
            department = Department.objects.filter(
                pk=id_param(form.get("department")) or 0, active=True
            ).first()
            if department is None:
                raise NotFound("没有这个责任部门", details=[{"field": "department"}])
        services.problem_update(
            actor=user,
            problem=problem,
            measure=form.get("measure"),
            department=department,
            budget=form.get("budget") or None,
            expected_version=_version(form),
        )
        return "对策、责任部门和预算已保存"
    if action == "funding":
        shares = [
            (s, form.get(f"amount_{s}", "").strip())
            for s in Source.values
            if form.get(f"amount_{s}", "").strip()
        ]
        services.funding_set(
            actor=user, problem=problem, shares=shares, expected_version=_version(form)
        )
        return "资金来源已保存"
    if action == "advance":
        to = form.get("to", "")
        services.problem_advance(
            actor=user,
            problem=problem,
            to=to,
            note=form.get("note", ""),
            expected_version=_version(form),
        )
        return f"已进入{stage_label(to)}阶段"
    if action == "vote":
        share = services.fund_vote_open(actor=user, problem=problem)
        return f"已在业主自治中提出并公布议题#{share.proposal_id}，请业委会或社区公告表决"
    if action == "entry":
        services.fund_entry_post(
            actor=user,
            problem=problem,
            date=_date(form.get("date"), "date", "支出日期"),
            counterparty=form.get("counterparty", ""),
        )
        return "公共收益支出已录入，待业委会审核"
    if action == "actual":
        services.problem_record_actual(actor=user, problem=problem, amount=form.get("amount", ""))
        return "实际支出已登记"
    if action == "accept":
        services.problem_accept(
            actor=user,
            problem=problem,
            representatives=form.get("representatives", ""),
            opinion=form.get("opinion", ""),
            satisfied=form.get("satisfied") == "yes",
            expected_version=_version(form),
        )
        return "验收已记录"
    saved = services.photo_add(
        actor=user,
        problem=problem,
        phase=form.get("phase", ""),
        photos=request.FILES.getlist("photos"),
    )
    return f"已上传 {len(saved)} 张照片"


@login_required
def photo(request, photo_id: int):
    """A problem's photo, for whoever may see the problem (out of scope answers as missing)."""
    _need(request.user, Capability.INFRA_VIEW)
    p = get_or_404(selectors.photo_get_for, actor=request.user, photo_id=photo_id)
    return uploads.file_response(p.image, download_name=f"问题照片-{p.pk}")


@login_required
def region(request, region_id: int):
    """How much for how many problems in one region (community, town or county) the office
    holds, by compound."""
    _need(request.user, Capability.INFRA_MANAGE)
    place = restrict(Region.objects.all(), request.user).filter(pk=region_id).first()
    if place is None:
        raise Http404("区域不存在或无权查看")
    context = {
        "region": place,
        "total": selectors.figures(actor=request.user, region=place),
        "rows": selectors.figures_by(actor=request.user, level="compound", within=place),
        "source_labels": selectors.SOURCE_LABELS,
    }
    return render(request, "infra/region.html", context)
