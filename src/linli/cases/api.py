"""Cases API: report (idempotent with ``client_key``), list/detail scoped to the viewer,
transitions, timeline, measures, categories, departments and the working calendar."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import PageNumberPagination, paginate

from linli.core.errors import DomainError, NotFound
from linli.ledger.models import Compound, Household, Resident

from . import selectors, services
from .models import WORKING_STAGES, Case, Department, WorkCalendarDay
from .schemas import (
    CalendarDayIn,
    CalendarDayOut,
    CaseDetailOut,
    CaseIn,
    CaseOut,
    CategoryOut,
    DepartmentOut,
    EventOut,
    MeasureOut,
    TransitionIn,
)

router = Router(tags=["cases"])

# What a list row shows of the case's relations (CaseOut and holder_label); the rest of those
# rows is not read.
LIST_RELATED = ("category", "grid", "department", "community")
LIST_RELATED_FIELDS = (
    "category__name",
    "category__code",
    "grid__name",
    "grid__level",
    "department__name",
    "community__name",
)


class CasePagination(PageNumberPagination):
    """Page numbers as ninja's, but the page is chosen on the case table alone (its ids, by the
    list's order) before the page's rows are read with their relations: the joins then cover
    one page, not every case the filters match."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        order = queryset.query.order_by
        page_ids = queryset.values("pk")[offset : offset + page_size]
        items = (
            Case.objects.filter(pk__in=page_ids)
            .select_related(*LIST_RELATED)
            .only(*[f.name for f in Case._meta.concrete_fields], *LIST_RELATED_FIELDS)
            .order_by(*order)
        )
        return {self.items_attribute: items, "count": self._items_count(queryset)}


ACTIONS = ("accept", "progress", "resolve", "reply", "return", "escalate", "dispatch", "rate")
ACTIONS += ("close", "merge")


def _detail(request, case):
    case.timeline = selectors.case_timeline(case=case)
    case.photo_urls = [p.image.url for p in case.photos.all()]
    case.allowed = services.available_actions(request.user, case)
    return case


@router.get("/categories", response=list[CategoryOut], summary="诉求类别")
def category_list(request):
    return list(selectors.categories())


@router.get("/departments", response=list[DepartmentOut], summary="职能部门")
def department_list(request):
    return list(selectors.departments())


@router.post("/", response={201: CaseDetailOut, 200: CaseDetailOut}, summary="登记诉求")
def case_create(request, payload: CaseIn):
    """201 with the new case; 200 with the first case when ``client_key`` was seen before."""
    household = compound = on_behalf_of = None
    if payload.household is not None:
        household = (
            Household.objects.select_related("unit__building__compound__community")
            .filter(pk=payload.household)
            .first()
        )
        if household is None:
            raise NotFound("房屋不存在或无权查看")
    if payload.compound is not None:
        compound = Compound.objects.filter(pk=payload.compound).first()
        if compound is None:
            raise NotFound("小区不存在或无权查看")
    if payload.on_behalf_of is not None:
        on_behalf_of = Resident.objects.filter(pk=payload.on_behalf_of).first()
        if on_behalf_of is None:
            raise DomainError(
                code="cases.resident_not_in_household",
                message="诉求人不是该户居民",
                details=[{"field": "on_behalf_of"}],
            )
    case = services.case_report(
        actor=request.user,
        category=payload.category,
        description=payload.description,
        household=household,
        compound=compound,
        urgency=payload.urgency,
        client_key=payload.client_key,
        on_behalf_of=on_behalf_of,
    )
    if case.replayed:
        case = selectors.case_get_for(actor=request.user, case_id=case.pk)
        return Status(200, _detail(request, case))
    # A new case is the reporter's own (always visible to them) and everything the detail
    # shows is in hand: answer from it instead of reading it back with its timeline.
    case.timeline = [case.report_event]
    case.photo_urls = case.report_event.photo_urls
    case.allowed = services.available_actions(request.user, case)
    return Status(201, case)


@router.get("/", response=list[CaseOut], summary="诉求列表（按可见范围）")
@paginate(CasePagination, page_size=50)
def case_list(
    request,
    status: str | None = None,
    stage: str | None = None,
    category: str | None = None,
    level: int | None = None,
    household: int | None = None,
    overdue: bool = False,
    mine: bool = False,
):
    """Open cases oldest first when ``status=open``; otherwise newest first."""
    qs = selectors.cases_for(request.user)
    if mine:
        qs = qs.filter(reporter=request.user)
    if status:
        qs = qs.filter(status=status)
    if stage:
        qs = qs.filter(stage=stage)
    if category:
        qs = (
            qs.filter(category__code=category)
            if not category.isdigit()
            else qs.filter(category_id=int(category))
        )
    if level:
        qs = qs.filter(level=level)
    if household:
        qs = qs.filter(household_id=household)
    if overdue:
        qs = qs.filter(deadline__lt=timezone.localdate(), stage__in=WORKING_STAGES, status="open")
    order = ("reported_at", "id") if status == "open" else ("-reported_at", "-id")
    return qs.order_by(*order)


@router.get("/measures", response=list[MeasureOut], summary="办理指标（响应率、解决率、满意率）")
def measures(
    request,
    by: str = "community",
    since: dt.date | None = None,
    until: dt.date | None = None,
):
    if by not in selectors.MEASURE_GROUPS:
        raise DomainError(
            code="cases.bad_grouping",
            message="分组须为 neighbour/group/area/community/department/category",
            details=[{"field": "by", "value": by}],
        )
    return selectors.case_measures(actor=request.user, by=by, since=since, until=until)


@router.get("/calendar", response=list[CalendarDayOut], summary="工作日历")
def calendar_list(request, year: int):
    return list(WorkCalendarDay.objects.filter(date__year=year).order_by("date"))


@router.put("/calendar/{date}", response=CalendarDayOut, summary="设置某日是否上班（县、镇干部）")
def calendar_set(request, date: dt.date, payload: CalendarDayIn):
    return services.calendar_day_set(
        actor=request.user, date=date, is_working_day=payload.is_working_day, note=payload.note
    )


@router.get("/{int:case_id}", response=CaseDetailOut, summary="诉求详情（含办理过程）")
def case_detail(request, case_id: int):
    return _detail(request, selectors.case_get_for(actor=request.user, case_id=case_id))


@router.get("/{int:case_id}/timeline", response=list[EventOut], summary="办理过程")
def case_timeline(request, case_id: int):
    case = selectors.case_get_for(actor=request.user, case_id=case_id)
    return selectors.case_timeline(case=case)


@router.post("/{int:case_id}/{action}", response=CaseDetailOut, summary="办理操作")
def case_act(request, case_id: int, action: str, payload: TransitionIn):
    """``action``: accept, progress, resolve, reply, return, escalate, dispatch, rate, close,
    merge. Send ``version`` (from the detail) so a stale screen cannot act twice."""
    if action not in ACTIONS:
        raise DomainError(code="cases.unknown_action", message=f"未知操作“{action}”", status=404)
    case = selectors.case_get_for(actor=request.user, case_id=case_id)
    department = into = None
    if payload.department is not None:
        department = Department.objects.filter(pk=payload.department, active=True).first()
        if department is None:
            raise NotFound("部门不存在")
    if payload.into is not None:
        into = selectors.case_get_for(actor=request.user, case_id=payload.into)
    case = services.case_transition(
        actor=request.user,
        case=case,
        action=action,
        note=payload.note,
        version=payload.version,
        to=payload.to,
        department=department,
        satisfaction=payload.satisfaction,
        into=into,
    )
    return _detail(request, selectors.case_get_for(actor=request.user, case_id=case.pk))
