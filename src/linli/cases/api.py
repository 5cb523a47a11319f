"""Cases API: report (idempotent with ``client_key``), list/detail scoped to the viewer,
transitions, timeline, measures, categories, departments and the working calendar."""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.utils import timezone
from ninja import File, Form, Query, Router, Status
from ninja.conf import settings as ninja_settings
from ninja.files import UploadedFile
from ninja.responses import NinjaJSONEncoder

from linli.core.bounds import MAX_ID, MAX_PAGE, Date, Id, Year
from linli.core.bounds import MAX_PAGE_SIZE as MAX_REQUESTED_PAGE_SIZE
from linli.core.errors import Invalid, NotFound
from linli.core.schemas import READ_ERRORS, WRITE_ERRORS, errors
from linli.ledger.models import Compound, Resident

from . import selectors, services
from .models import WORKING_STAGES, Case, Department, WorkCalendarDay
from .schemas import (
    CalendarDayIn,
    CalendarDayOut,
    CaseDetailOut,
    CaseIn,
    CategoryOut,
    DepartmentOut,
    EventOut,
    MeasureOut,
    PagedCaseOut,
    TransitionIn,
)

router = Router(tags=["cases"])

PAGE_SIZE = 50
MAX_PAGE_SIZE = ninja_settings.PAGINATION_MAX_PER_PAGE_SIZE


def case_page(queryset, *, page: int, page_size: int | None) -> dict:
    """One page of ``queryset`` as ``{items, count}``. The page's ids are chosen on the case
    table alone (by the list's order), then their rows are read with their relations by one
    statement (``selectors.case_rows``), so the joins cover one page, not every case the
    filters match; the count costs no query when the page is the last one and not empty (or
    the first)."""
    size = PAGE_SIZE if page_size is None else min(page_size, MAX_PAGE_SIZE)
    offset = (page - 1) * size
    page_ids = list(queryset.values_list("pk", flat=True)[offset : offset + size])
    rows = selectors.case_rows(page_ids)
    last_page = len(rows) < size and (rows or offset == 0)
    count = offset + len(rows) if last_page else queryset.count()
    return {"items": rows, "count": count}


ACTIONS: tuple[str, ...] = (
    "accept",
    "progress",
    "resolve",
    "reply",
    "return",
    "escalate",
    "dispatch",
    "rate",
)
ACTIONS += ("close", "merge")


def _detail(request, case: Case) -> dict:
    """CaseDetailOut's input: the case's row, its timeline, photos and allowed actions."""
    return {
        **selectors.case_row(case),
        "timeline": selectors.case_timeline(case=case),
        "photo_urls": [p.get_absolute_url() for p in case.photos.all()],
        "allowed": services.available_actions(request.user, case),
    }


@router.get("/categories", response={200: list[CategoryOut], **READ_ERRORS}, summary="诉求类别")
def category_list(request):
    return list(selectors.categories())


@router.get("/departments", response={200: list[DepartmentOut], **READ_ERRORS}, summary="职能部门")
def department_list(request):
    return list(selectors.departments())


@router.post(
    "/", response={201: CaseDetailOut, 200: CaseDetailOut, **WRITE_ERRORS}, summary="登记诉求"
)
def case_create(request, payload: CaseIn):
    """201 with the new case; 200 with the first case when ``client_key`` was seen before."""
    return _report(request, payload, photos=())


@router.post(
    "/with-photos",
    response={201: CaseDetailOut, 200: CaseDetailOut, **WRITE_ERRORS},
    summary="登记诉求（附照片，multipart/form-data）",
)
def case_create_with_photos(
    request,
    payload: Form[CaseIn],
    # ninja's idiom for an optional upload: an Optional annotation would change the schema
    photos: File[list[UploadedFile]] = None,  # type: ignore[assignment]
):
    """The same report as ``POST /cases/`` as a form, with up to the page's number of photos
    (JPEG/PNG/WebP, each under the size limit); a photo that is not an image is refused and
    nothing is stored."""
    return _report(request, payload, photos=photos or ())


def _report(request, payload: CaseIn, *, photos):
    household = compound = on_behalf_of = None
    # A missing place and one out of scope are the same 404 (the service checks the scope
    # first, before anything else about the report).
    if payload.household is not None:
        household = services.household_for_report(payload.household)
        if household is None:
            raise NotFound("房屋不存在或无权查看", details=[{"field": "household"}])
        if payload.compound is not None or payload.on_behalf_of is not None:
            # settled before the other ids are looked up (the service checks it first again;
            # a report with the household alone is checked once, there)
            services.report_place_check(request.user, household=household, compound=None)
    if payload.compound is not None:
        compound = Compound.objects.filter(pk=payload.compound).first()
        if compound is None:
            raise NotFound("小区不存在或无权查看", details=[{"field": "compound"}])
    if payload.on_behalf_of is not None:
        # only a resident of the chosen household: any other id (elsewhere or missing) is
        # answered alike
        on_behalf_of = (
            Resident.objects.filter(pk=payload.on_behalf_of, household=household).first()
            if household is not None
            else None
        )
        if on_behalf_of is None:
            raise Invalid(
                "诉求人不是该户居民",
                code="cases.resident_not_in_household",
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
        photos=photos,
    )
    if case.replayed:
        case = selectors.case_get_for(actor=request.user, case_id=case.pk)
        return Status(200, _detail(request, case))
    # A new case is the reporter's own (always visible to them) and everything the detail
    # shows is in hand: answer from it instead of reading it back with its timeline, and, as
    # the list does, render CaseDetailOut's JSON by hand (held equal to the detail's answer by
    # tests/cases/test_query_counts.py).
    return HttpResponse(
        json.dumps(new_case_detail(request, case), cls=NinjaJSONEncoder),
        status=201,
        content_type="application/json; charset=utf-8",
    )


def new_case_detail(request, case: Case) -> dict:
    """CaseDetailOut's JSON for a case just reported (its one event is ``case.report_event``)."""
    body = selectors.case_row(case)
    event = case.report_event
    body["timeline"] = [
        {
            "at": event.at,
            "action": event.action,
            "action_label": event.get_action_display(),
            "actor": event.actor_label,
            "from_stage": event.from_stage,
            "to_stage": event.to_stage,
            "from_holder": event.from_holder,
            "to_holder": event.to_holder,
            "note": event.note,
            "photos": event.photo_urls,
        }
    ]
    body["photos"] = event.photo_urls
    body["actions"] = services.available_actions(request.user, case)
    return body


@router.get("/", response={200: PagedCaseOut, **READ_ERRORS}, summary="诉求列表（按可见范围）")
def case_list(
    request,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int | None = Query(None, ge=1, le=MAX_REQUESTED_PAGE_SIZE),
    status: str | None = Query(None, max_length=20),
    stage: str | None = Query(None, max_length=20),
    category: str | None = Query(None, max_length=50),
    level: int | None = Query(None, ge=0, le=MAX_ID),
    household: Id | None = None,
    overdue: bool = False,
    mine: bool = False,
):
    """Open cases oldest first when ``status=open``; otherwise newest first."""
    qs = selectors.cases_for(request.user, household=household)
    if mine:
        qs = qs.filter(reporter=request.user)
    if status:
        qs = qs.filter(status=status)
    if stage:
        qs = qs.filter(stage=stage)
    if category:
        qs = (
            qs.filter(category__code=category)
            if not (category.isdigit() and len(category) < 19)
            else qs.filter(category_id=int(category))
        )
    if level:
        qs = qs.filter(level=level)
    if overdue:
        qs = qs.filter(deadline__lt=timezone.localdate(), stage__in=WORKING_STAGES, status="open")
    order = ("reported_at", "id") if status == "open" else ("-reported_at", "-id")
    body = case_page(qs.order_by(*order), page=page, page_size=page_size)
    # Rendered as ninja's JSON renderer would render PagedCaseOut, without validating each
    # field again through the schema.
    return HttpResponse(
        json.dumps(body, cls=NinjaJSONEncoder), content_type="application/json; charset=utf-8"
    )


@router.get(
    "/measures",
    response={200: list[MeasureOut], **errors(400, 403, 404)},
    summary="办理指标（响应率、解决率、满意率）",
)
def measures(
    request,
    by: str = "community",
    since: Date | None = None,
    until: Date | None = None,
):
    if by not in selectors.MEASURE_GROUPS:
        raise Invalid(
            "分组须为 neighbour/group/area/community/department/category",
            code="cases.bad_grouping",
            details=[{"field": "by", "value": by}],
        )
    return selectors.case_measures(actor=request.user, by=by, since=since, until=until)


@router.get("/calendar", response={200: list[CalendarDayOut], **READ_ERRORS}, summary="工作日历")
def calendar_list(request, year: Year):
    return list(WorkCalendarDay.objects.filter(date__year=year).order_by("date"))


@router.put(
    "/calendar/{date}",
    response={200: CalendarDayOut, **WRITE_ERRORS},
    summary="设置某日是否上班（县、镇干部）",
)
def calendar_set(request, date: Date, payload: CalendarDayIn):
    return services.calendar_day_set(
        actor=request.user, date=date, is_working_day=payload.is_working_day, note=payload.note
    )


@router.get(
    "/{int:case_id}", response={200: CaseDetailOut, **READ_ERRORS}, summary="诉求详情（含办理过程）"
)
def case_detail(request, case_id: Id):
    return _detail(request, selectors.case_get_for(actor=request.user, case_id=case_id))


@router.get(
    "/{int:case_id}/timeline", response={200: list[EventOut], **READ_ERRORS}, summary="办理过程"
)
def case_timeline(request, case_id: Id):
    case = selectors.case_get_for(actor=request.user, case_id=case_id)
    return selectors.case_timeline(case=case)


@router.post(
    "/{int:case_id}/{action}", response={200: CaseDetailOut, **WRITE_ERRORS}, summary="办理操作"
)
def case_act(request, case_id: Id, action: str, payload: TransitionIn):
    """``action``: accept, progress, resolve, reply, return, escalate, dispatch, rate, close,
    merge. Send ``version`` (from the detail) so a stale screen cannot act twice."""
    case = selectors.case_get_for(actor=request.user, case_id=case_id)
    if action not in ACTIONS:
        raise NotFound(f"未知操作“{action}”", code="cases.unknown_action")
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
