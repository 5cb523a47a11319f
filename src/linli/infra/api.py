"""The infra API at ``/api/v1/infra/``: plans, problems, their money and stages, figures.

Every handler is scope → selector or service → schema. A plan, problem or place outside the
caller's scope is a 404 with the same body as a missing id. Refusals carry the services'
codes: ``infra.stage_skipped``, ``infra.vote_pending``, ``infra.entry_pending``,
``infra.bad_amount`` …; nothing is changed by a refused request.
"""

from __future__ import annotations

from typing import Literal

from django.apps import apps
from ninja import Router
from ninja.responses import Status

from linli.cases.models import Case, Department
from linli.core.bounds import Id
from linli.core.errors import NotFound
from linli.core.policy import Capability, can, get_or_404
from linli.core.schemas import READ_ERRORS, WRITE_ERRORS
from linli.ledger.models import Compound, Region

from . import selectors, services
from .models import Plan, Problem
from .schemas import (
    AcceptIn,
    ActualIn,
    DetailsIn,
    EntryPostIn,
    FundingIn,
    InfraAdvanceIn,
    InfraEventOut,
    InfraFiguresOut,
    PlanIn,
    PlanOut,
    ProblemIn,
    ProblemOut,
)

router = Router(tags=["infra"])
Level = Literal["compound", "community", "town", "county"]


def _view(user) -> None:
    if not can(user, Capability.INFRA_VIEW):
        raise NotFound("不存在或无权查看")


def _plan_out(user, plan: Plan) -> dict:
    return {
        "id": plan.pk,
        "compound_id": plan.compound_id,
        "compound": plan.compound.name,
        "community": plan.compound.community.name,
        "title": plan.title,
        "note": plan.note,
        "figures": selectors.figures(actor=user, compound=plan.compound).as_dict(),
    }


def _problem_out(problem: Problem) -> dict:
    photos: dict[str, list[str]] = {}
    for ph in problem.photos.all():
        photos.setdefault(ph.phase, []).append(ph.get_absolute_url())
    return {
        "id": problem.pk,
        "plan_id": problem.plan_id,
        "compound_id": problem.plan.compound_id,
        "compound": problem.plan.compound.name,
        "kind": problem.kind,
        "kind_label": problem.get_kind_display(),
        "title": problem.title,
        "description": problem.description,
        "location": problem.location,
        "found_by": problem.found_by,
        "found_on": problem.found_on,
        "case_id": problem.case_id,
        "meeting_id": problem.meeting_id,
        "measure": problem.measure,
        "department_id": problem.department_id,
        "department": problem.department.name if problem.department else "",
        "budget": problem.budget,
        "actual": problem.actual,
        "stage": problem.stage,
        "stage_label": problem.get_stage_display(),
        "stage_at": problem.stage_at,
        "representatives": problem.representatives,
        "acceptance_opinion": problem.acceptance_opinion,
        "accepted_on": problem.accepted_on,
        "version": problem.version,
        "shares": selectors.shares_of(problem),
        "photo_urls": photos,
    }


def _problem(user, problem_id: int) -> Problem:
    _view(user)
    return selectors.problem_get_for(actor=user, problem_id=problem_id)


def _fresh(user, problem: Problem) -> dict:
    return _problem_out(selectors.problem_get_for(actor=user, problem_id=problem.pk))


@router.get("/plans", response={200: list[PlanOut], **READ_ERRORS}, summary="小区对策列表")
def plans_list(request, community_id: Id | None = None):
    if not can(request.user, Capability.INFRA_VIEW):
        return []
    qs = selectors.plans_for(request.user)
    if community_id is not None:
        qs = qs.filter(compound__community_id=community_id)
    return [_plan_out(request.user, p) for p in qs.order_by("compound__name")[:500]]


@router.post(
    "/plans", response={201: PlanOut, **WRITE_ERRORS}, summary="建立小区对策（一小区一对策）"
)
def plan_create(request, payload: PlanIn):
    _view(request.user)
    compound = get_or_404(Compound.objects.all(), request.user, pk=payload.compound_id)
    plan = services.plan_open(actor=request.user, compound=compound, note=payload.note)
    return Status(201, _plan_out(request.user, plan))


@router.get("/plans/{plan_id}", response={200: PlanOut, **READ_ERRORS}, summary="小区对策")
def plan_detail(request, plan_id: Id):
    _view(request.user)
    return _plan_out(request.user, selectors.plan_get_for(actor=request.user, plan_id=plan_id))


@router.get(
    "/problems",
    response={200: list[ProblemOut], **READ_ERRORS},
    summary="问题清单（可按小区、阶段、类别筛选）",
)
def problems_list(
    request,
    compound_id: Id | None = None,
    stage: str | None = None,
    kind: str | None = None,
):
    if not can(request.user, Capability.INFRA_VIEW):
        return []
    qs = selectors.problems_for(request.user).prefetch_related(
        "photos", "fundings__proposal__vote", "fundings__entry"
    )
    if compound_id is not None:
        qs = qs.filter(plan__compound_id=compound_id)
    if stage:
        qs = qs.filter(stage=stage[:20])
    if kind:
        qs = qs.filter(kind=kind[:20])
    return [_problem_out(p) for p in qs.order_by("plan_id", "id")[:500]]


@router.post("/problems", response={201: ProblemOut, **WRITE_ERRORS}, summary="登记问题（提出）")
def problem_create(request, payload: ProblemIn):
    _view(request.user)
    plan = selectors.plan_get_for(actor=request.user, plan_id=payload.plan_id)
    case = meeting = None
    if payload.case_id is not None:
        case = Case.objects.filter(pk=payload.case_id).first()
        if case is None:
            raise NotFound("诉求不存在或无权查看", details=[{"field": "case_id"}])
    if payload.meeting_id is not None:
        meeting = (
            apps.get_model("meetings", "Meeting").objects.filter(pk=payload.meeting_id).first()
        )
        if meeting is None:
            raise NotFound("联席会不存在或无权查看", details=[{"field": "meeting_id"}])
    problem = services.problem_add(
        actor=request.user,
        plan=plan,
        kind=payload.kind,
        title=payload.title,
        found_by=payload.found_by,
        description=payload.description,
        location=payload.location,
        found_on=payload.found_on,
        case=case,
        meeting=meeting,
    )
    return Status(201, _fresh(request.user, problem))


@router.get("/problems/{problem_id}", response={200: ProblemOut, **READ_ERRORS}, summary="问题详情")
def problem_detail(request, problem_id: Id):
    return _problem_out(_problem(request.user, problem_id))


@router.get(
    "/problems/{problem_id}/history",
    response={200: list[InfraEventOut], **READ_ERRORS},
    summary="问题进展记录（阶段历史）",
)
def problem_history(request, problem_id: Id):
    problem = _problem(request.user, problem_id)
    return [
        {
            "id": e.pk,
            "action": e.action,
            "action_label": e.get_action_display(),
            "from_stage": e.from_stage,
            "to_stage": e.to_stage,
            "note": e.note,
            "at": e.at,
            "actor": (e.actor.profile.display_name or e.actor.username) if e.actor else "",
        }
        for e in problem.events.select_related("actor__profile").order_by("at", "id")
    ]


@router.post(
    "/problems/{problem_id}/details",
    response={200: ProblemOut, **WRITE_ERRORS},
    summary="对策措施、责任部门、预算（立项前）",
)
def problem_details(request, problem_id: Id, payload: DetailsIn):
    problem = _problem(request.user, problem_id)
    department = None
    if payload.department_id is not None:
        department = Department.objects.filter(pk=payload.department_id).first()
        if department is None:
            raise NotFound("责任部门不存在", details=[{"field": "department_id"}])
    services.problem_update(
        actor=request.user,
        problem=problem,
        measure=payload.measure,
        department=department,
        budget=payload.budget,
        expected_version=payload.version,
    )
    return _fresh(request.user, problem)


@router.put(
    "/problems/{problem_id}/funding",
    response={200: ProblemOut, **WRITE_ERRORS},
    summary="资金来源（可多个来源，各有金额；立项前）",
)
def problem_funding(request, problem_id: Id, payload: FundingIn):
    problem = _problem(request.user, problem_id)
    services.funding_set(
        actor=request.user,
        problem=problem,
        shares=[(s.source, s.amount) for s in payload.shares],
        expected_version=payload.version,
    )
    return _fresh(request.user, problem)


@router.post(
    "/problems/{problem_id}/advance",
    response={200: ProblemOut, **WRITE_ERRORS},
    summary="进入下一阶段（提出→论证→立项→实施→验收，不可跳过）",
)
def problem_advance(request, problem_id: Id, payload: InfraAdvanceIn):
    problem = _problem(request.user, problem_id)
    services.problem_advance(
        actor=request.user,
        problem=problem,
        to=payload.to,
        note=payload.note,
        expected_version=payload.version,
    )
    return _fresh(request.user, problem)


@router.post(
    "/problems/{problem_id}/vote",
    response={200: ProblemOut, **WRITE_ERRORS},
    summary="维修资金：在业主自治中提出并公布第二百七十八条第（五）项议题",
)
def problem_vote(request, problem_id: Id):
    problem = _problem(request.user, problem_id)
    services.fund_vote_open(actor=request.user, problem=problem)
    return _fresh(request.user, problem)


@router.post(
    "/problems/{problem_id}/entry",
    response={200: ProblemOut, **WRITE_ERRORS},
    summary="公共收益：在小区公共收益账户录入支出，待业委会审核",
)
def problem_entry(request, problem_id: Id, payload: EntryPostIn):
    problem = _problem(request.user, problem_id)
    services.fund_entry_post(
        actor=request.user, problem=problem, date=payload.date, counterparty=payload.counterparty
    )
    return _fresh(request.user, problem)


@router.post(
    "/problems/{problem_id}/actual",
    response={200: ProblemOut, **WRITE_ERRORS},
    summary="登记实际支出（实施或验收阶段）",
)
def problem_actual(request, problem_id: Id, payload: ActualIn):
    problem = _problem(request.user, problem_id)
    services.problem_record_actual(actor=request.user, problem=problem, amount=payload.amount)
    return _fresh(request.user, problem)


@router.post(
    "/problems/{problem_id}/accept",
    response={200: ProblemOut, **WRITE_ERRORS},
    summary="居民代表验收（满意→完成，不满意→返工实施）",
)
def problem_accept(request, problem_id: Id, payload: AcceptIn):
    problem = _problem(request.user, problem_id)
    services.problem_accept(
        actor=request.user,
        problem=problem,
        representatives=payload.representatives,
        opinion=payload.opinion,
        satisfied=payload.satisfied,
        accepted_on=payload.accepted_on,
        expected_version=payload.version,
    )
    return _fresh(request.user, problem)


@router.get(
    "/figures",
    response={200: list[InfraFiguresOut], **READ_ERRORS},
    summary="花多少钱、解决多少问题：按小区、社区、镇、县",
)
def figures(request, level: Level = "community", region_id: Id | None = None):
    if not can(request.user, Capability.INFRA_VIEW):
        return []
    within = None
    if region_id is not None:
        within = get_or_404(Region.objects.all(), request.user, pk=region_id)
    rows = selectors.figures_by(actor=request.user, level=level, within=within)
    return [f.as_dict() for f in rows]
