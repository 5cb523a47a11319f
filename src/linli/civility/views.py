"""Civility pages: the resident's (and 三长's) nominate + vote + 公示 page, the 组长/片长's
scoring page and the worker's awards page with the 公示 and its objections.

Thin views over ``selectors`` and ``services``; a refused action re-renders its page with the
Chinese message beside the form (or comes back as a message on the page it was posted from).
Anything out of scope is a 404 like a missing one.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from linli.core.errors import DomainError, Invalid, NotFound
from linli.core.policy import Capability, can, restrict
from linli.ledger.models import Building, Household, Region, RegionLevel

from . import selectors, services
from .models import BUILDING_KINDS, Kind, Status


def _need(user, capability: Capability) -> None:
    if not can(user, capability):
        raise Http404("无权查看")


def _nomination(user, nomination_id: int):
    try:
        return selectors.nomination_get_for(actor=user, nomination_id=nomination_id)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _mine_context(request, errors: dict | None = None) -> dict:
    today = timezone.localdate()
    user = request.user
    campaigns = selectors.open_campaigns(actor=user, today=today)
    shown = selectors.nominations(actor=user)
    for c in campaigns:
        c.nominating = today <= c.nominate_until
        c.voting = c.voting_on(today)
        c.choices = selectors.nominee_choices(actor=user, campaign=c) if c.nominating else []
        c.is_building = c.kind in BUILDING_KINDS
        c.is_person = c.kind == Kind.GOOD_PERSON
        c.my_vote = selectors.household_vote(actor=user, campaign=c)
        c.ballot = list(shown.filter(campaign=c, status=Status.SCORED)) if c.voting else []
        c.error = (errors or {}).get(c.pk)
    publicity = list(
        shown.filter(status__in=(Status.PUBLICISED, Status.SUSPENDED), publicity_until__gte=today)
    )
    return {
        "campaigns": campaigns,
        "publicity": publicity,
        "may_vote": bool(getattr(getattr(user, "profile", None), "household_id", None)),
        "honours": selectors.recent_honours(actor=user),
    }


@login_required
def mine(request):
    _need(request.user, Capability.CIVILITY_TAKE_PART)
    return render(request, "civility/mine.html", _mine_context(request))


@login_required
@require_POST
def nominate(request, campaign_id: int):
    _need(request.user, Capability.CIVILITY_TAKE_PART)
    try:
        campaign = selectors.campaign_get_for(actor=request.user, campaign_id=campaign_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    target = request.POST.get("target", "")
    try:
        pk = int(target)
    except ValueError:
        pk = 0
    try:
        if campaign.kind in BUILDING_KINDS:
            building = Building.objects.filter(pk=pk).select_related("compound").first()
            if building is None:
                raise NotFound("请选择要提名的楼栋", code="civility.nominee_out_of_scope")
            household = None
        else:
            household = Household.objects.filter(pk=pk).first()
            if household is None:
                raise NotFound("请选择要提名的户", code="civility.nominee_out_of_scope")
            building = None
        services.nomination_create(
            actor=request.user,
            campaign=campaign,
            reason=request.POST.get("reason", ""),
            nominee_name=request.POST.get("nominee_name", ""),
            household=household,
            building=building,
        )
    except DomainError as exc:
        context = _mine_context(request, errors={campaign.pk: exc.message})
        return render(request, "civility/mine.html", context, status=exc.status)
    messages.success(request, "提名已提交，等待组长或片长评分。")
    return redirect("civility:mine")


@login_required
@require_POST
def vote(request, nomination_id: int):
    _need(request.user, Capability.CIVILITY_TAKE_PART)
    nomination = _nomination(request.user, nomination_id)
    try:
        services.vote_cast(actor=request.user, nomination=nomination)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已为“{nomination.nominee_label}”投票，谢谢参与。")
    return redirect("civility:mine")


@login_required
@require_POST
def object_(request, nomination_id: int):
    if not (
        can(request.user, Capability.CIVILITY_TAKE_PART)
        or can(request.user, Capability.CIVILITY_MANAGE)
    ):
        raise Http404("无权查看")
    nomination = _nomination(request.user, nomination_id)
    try:
        services.objection_raise(
            actor=request.user, nomination=nomination, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "异议已提交，社区将核实处理；处理前暂停授予。")
    return redirect("civility:desk" if request.POST.get("back") == "desk" else "civility:mine")


@login_required
def scoring(request):
    _need(request.user, Capability.CIVILITY_SCORE)
    return render(
        request, "civility/scoring.html", {"rows": selectors.to_score(actor=request.user)}
    )


@login_required
def score(request, nomination_id: int):
    _need(request.user, Capability.CIVILITY_SCORE)
    nomination = _nomination(request.user, nomination_id)
    if not services.may_score(request.user, nomination):
        raise Http404("无权查看")
    lines = selectors.criteria(nomination.campaign.kind)
    given = {s.criterion_id: s.points for s in nomination.scores.all()}
    error = None
    if request.method == "POST":
        points = {}
        for c in lines:
            raw = request.POST.get(f"c{c.pk}", "")
            given[c.pk] = raw
            if raw.strip().lstrip("-").isdigit():
                points[c.pk] = int(raw)
        try:
            services.nomination_score(actor=request.user, nomination=nomination, points=points)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, f"已为“{nomination.nominee_label}”评分。")
            return redirect("civility:scoring")
    for c in lines:
        c.given = given.get(c.pk, "")
        c.options = range(c.max_points, -1, -1)
    return render(
        request,
        "civility/score.html",
        {"nomination": nomination, "lines": lines, "error": error},
        status=400 if error else 200,
    )


def _communities(user):
    return restrict(Region.objects.filter(level=RegionLevel.COMMUNITY), user).order_by("name")


def _desk_context(request, error: str | None = None) -> dict:
    rows = list(
        selectors.nominations(actor=request.user)
        .exclude(status=Status.REJECTED)
        .order_by("campaign_id", "status", "-total")[:300]
    )
    today = timezone.localdate()
    for n in rows:
        n.awardable = n.status == Status.PUBLICISED and today > services.publicity_window(n)[1]
        n.publicisable = n.status == Status.SCORED and services.eligible(n)
    return {
        "rows": rows,
        "objections": selectors.open_objections(actor=request.user),
        "communities": _communities(request.user),
        "kinds": Kind.choices,
        "today": today,
        "error": error,
    }


@login_required
def desk(request):
    _need(request.user, Capability.CIVILITY_MANAGE)
    return render(request, "civility/desk.html", _desk_context(request))


def _date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@login_required
@require_POST
def campaign_create(request):
    _need(request.user, Capability.CIVILITY_MANAGE)
    community = _communities(request.user).filter(pk=request.POST.get("community") or 0).first()
    nominate_until = _date(request.POST.get("nominate_until"))
    try:
        if community is None:
            raise NotFound("请选择社区", code="civility.not_found")
        if nominate_until is None:
            raise Invalid("请填写提名截止日期", code="civility.missing_date")
        services.campaign_create(
            actor=request.user,
            community=community,
            kind=request.POST.get("kind", ""),
            year=nominate_until.year,
            nominate_until=nominate_until,
            vote_from=_date(request.POST.get("vote_from")),
            vote_until=_date(request.POST.get("vote_until")),
        )
    except DomainError as exc:
        return render(
            request, "civility/desk.html", _desk_context(request, exc.message), status=400
        )
    messages.success(request, "评选活动已发布，居民和三长可以提名。")
    return redirect("civility:desk")


@login_required
@require_POST
def act(request, nomination_id: int):
    _need(request.user, Capability.CIVILITY_MANAGE)
    nomination = _nomination(request.user, nomination_id)
    action = request.POST.get("action")
    try:
        if action == "publicise":
            services.publicity_start(actor=request.user, nomination=nomination)
            messages.success(request, f"“{nomination.nominee_label}”开始公示。")
        elif action == "award":
            honour = services.award_grant(actor=request.user, nomination=nomination)
            messages.success(request, f"已授予“{honour.label}”。")
        elif action == "reject":
            services.nomination_reject(
                actor=request.user, nomination=nomination, note=request.POST.get("note", "")
            )
            messages.success(request, f"“{nomination.nominee_label}”未通过。")
        else:
            raise Http404("无此操作")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("civility:desk")


@login_required
@require_POST
def decide(request, objection_id: int):
    _need(request.user, Capability.CIVILITY_MANAGE)
    try:
        objection = selectors.objection_get_for(actor=request.user, objection_id=objection_id)
    except NotFound as exc:
        raise Http404(exc.message) from None
    try:
        services.objection_decide(
            actor=request.user,
            objection=objection,
            upheld=request.POST.get("upheld") == "1",
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "异议已处理。")
    return redirect("civility:desk")
