"""Joint meetings API: meetings (list, detail, create, attendees, agenda, decisions), the
actions board, an action with its log (progress, complete, cancel), and the minutes.

Every read starts from :mod:`.selectors` (scoped to the requesting user; out of scope is 404),
every write goes through :mod:`.services` (a rule broken is a ``DomainError`` JSON body).
Ids in a body (region, compounds, cases) are looked up in the user's scope first: one the user
cannot see is the same 404 as a missing one, and no message names it."""

from __future__ import annotations

from typing import overload

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from linli.cases import selectors as case_selectors
from linli.cases.models import Case, Department
from linli.core.bounds import Id, Limit
from linli.core.errors import Invalid, NotFound
from linli.core.schemas import READ_ERRORS, WRITE_ERRORS
from linli.ledger import selectors as ledger_selectors
from linli.ledger.models import Compound, Region

from . import minutes, selectors, services
from .models import Action
from .schemas import (
    ActionDetailOut,
    ActionOut,
    AgendaItemIn,
    AgendaItemOut,
    AttendeeIn,
    AttendeeOut,
    DecisionIn,
    MeetingDetailOut,
    MeetingIn,
    MeetingOut,
    NoteIn,
    ProgressOut,
)

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


router = Router(tags=["五方联席会"])

MAX_LIST = 200


class BoardFilter(Schema):
    status: str | None = Field(None, max_length=20)
    party: str | None = Field(None, max_length=20)
    overdue: bool = False
    limit: Limit = 100


def _dated(actions: list[Action]) -> list[Action]:
    today = timezone.localdate()
    for a in actions:
        a.today = today
    return actions


def _department(pk: int | None) -> Department | None:
    if pk is None:
        return None
    dep = Department.objects.filter(pk=pk, active=True).first()
    if dep is None:
        raise Invalid(
            f"职能部门 {pk} 不存在",
            code="meetings.unknown_department",
            details=[{"field": "department", "value": str(pk)}],
        )
    return dep


@overload
def _compound(request, pk: int, field: str = ...) -> Compound: ...
@overload
def _compound(request, pk: None, field: str = ...) -> None: ...
@overload
def _compound(request, pk: int | None, field: str = ...) -> Compound | None: ...
def _compound(request, pk: int | None, field: str = "compound") -> Compound | None:
    """A compound the user sees; one out of scope is answered like a missing one."""
    if pk is None:
        return None
    compound = (
        ledger_selectors.compounds_for(request.user)
        .select_related("community")
        .filter(pk=pk)
        .first()
    )
    if compound is None:
        raise NotFound("小区不存在或无权查看", details=[{"field": field}])
    return compound


def _region(request, pk: int) -> Region:
    region = ledger_selectors.visible_regions(request.user).filter(pk=pk).first()
    if region is None:
        raise NotFound("区域不存在或无权查看", details=[{"field": "region"}])
    return region


def _cases(request, ids: list[int]) -> list[Case]:
    """The cases the user sees among ``ids``; any other id, missing or out of scope, is
    the same 404 (naming no case)."""
    cases = list(
        case_selectors.cases_for(request.user)
        .select_related("community", "compound")
        .filter(pk__in=ids)
    )
    missing = set(ids) - {c.pk for c in cases}
    if missing:
        raise NotFound("诉求不存在或无权查看", details=[{"field": "cases"}])
    return cases


# ---------------------------------------------------------------- actions (before /{id})


@router.get(
    "/actions", response={200: list[ActionOut], **READ_ERRORS}, summary="议定事项督办台（逾期在前）"
)
def action_board(request, filters: Query[BoardFilter]):
    qs = selectors.action_board(
        actor=request.user, status=filters.status, party=filters.party, overdue=filters.overdue
    )
    return _dated(list(qs[: max(1, min(filters.limit, MAX_LIST))]))


@router.get(
    "/actions/{int:action_id}",
    response={200: ActionDetailOut, **READ_ERRORS},
    summary="议定事项及进展",
)
def action_detail(request, action_id: Id):
    action = selectors.action_get_for(actor=request.user, action_id=action_id)
    action.today = timezone.localdate()
    return action


@router.post(
    "/actions/{int:action_id}/progress",
    response={201: ProgressOut, **WRITE_ERRORS},
    summary="记录进展",
)
def action_progress(request, action_id: Id, payload: NoteIn):
    action = selectors.action_get_for(actor=request.user, action_id=action_id)
    entry = services.action_progress_add(actor=request.user, action=action, note=payload.note)
    return Status(201, entry)


@router.post(
    "/actions/{int:action_id}/complete",
    response={200: ActionDetailOut, **WRITE_ERRORS},
    summary="办结",
)
def action_complete(request, action_id: Id, payload: NoteIn):
    action = selectors.action_get_for(actor=request.user, action_id=action_id)
    action = services.action_complete(actor=request.user, action=action, note=payload.note)
    action.today = timezone.localdate()
    return action


@router.post(
    "/actions/{int:action_id}/cancel",
    response={200: ActionDetailOut, **WRITE_ERRORS},
    summary="取消",
)
def action_cancel(request, action_id: Id, payload: NoteIn):
    action = selectors.action_get_for(actor=request.user, action_id=action_id)
    action = services.action_cancel(actor=request.user, action=action, reason=payload.note)
    action.today = timezone.localdate()
    return action


# ---------------------------------------------------------------- meetings


@router.get("/", response={200: list[MeetingOut], **READ_ERRORS}, summary="会议列表")
def meeting_list(request, region: Id | None = None):
    place = _region(request, region) if region is not None else None
    return list(selectors.meeting_list(actor=request.user, region=place)[:MAX_LIST])


@router.post("/", response={201: MeetingDetailOut, **WRITE_ERRORS}, summary="登记会议")
def meeting_create(request, payload: MeetingIn):
    region = _region(request, payload.region)
    compounds = [_compound(request, pk, "compounds") for pk in payload.compounds]
    meeting = services.meeting_create(
        actor=request.user,
        region=region,
        held_on=payload.held_on,
        place=payload.place,
        title=payload.title,
        convener=payload.convener,
        chair=payload.chair,
        compounds=compounds,
        note=payload.note,
    )
    return Status(201, meeting)


@router.get(
    "/{int:meeting_id}", response={200: MeetingDetailOut, **READ_ERRORS}, summary="会议详情"
)
def meeting_detail(request, meeting_id: Id):
    return selectors.meeting_get_for(actor=request.user, meeting_id=meeting_id)


@router.post(
    "/{int:meeting_id}/attendees",
    response={201: AttendeeOut, **WRITE_ERRORS},
    summary="登记参会人员",
)
def attendee_add(request, meeting_id: Id, payload: AttendeeIn):
    meeting = selectors.meeting_get_for(actor=request.user, meeting_id=meeting_id)
    attendee = services.attendee_add(
        actor=request.user,
        meeting=meeting,
        party=payload.party,
        name=payload.name,
        unit=payload.unit,
        department=_department(payload.department),
        is_resident=payload.is_resident,
    )
    return Status(201, attendee)


@router.post(
    "/{int:meeting_id}/agenda", response={201: AgendaItemOut, **WRITE_ERRORS}, summary="增加议题"
)
def agenda_add(request, meeting_id: Id, payload: AgendaItemIn):
    meeting = selectors.meeting_get_for(actor=request.user, meeting_id=meeting_id)
    compound = _compound(request, payload.compound)
    cases = _cases(request, list(payload.cases))
    item = services.agenda_item_add(
        actor=request.user,
        meeting=meeting,
        title=payload.title,
        compound=compound,
        cases=cases,
        problem=payload.problem,
    )
    return Status(201, item)


@router.post(
    "/{int:meeting_id}/decisions", response={201: ActionOut, **WRITE_ERRORS}, summary="记录议定事项"
)
def decision_add(request, meeting_id: Id, payload: DecisionIn):
    meeting = selectors.meeting_get_for(actor=request.user, meeting_id=meeting_id)
    item = None
    if payload.agenda_item is not None:
        item = meeting.agenda.filter(pk=payload.agenda_item).first()
        if item is None:
            raise Invalid(
                "所选议题不属于本次会议",
                code="meetings.agenda_other_meeting",
                details=[{"field": "agenda_item", "value": str(payload.agenda_item)}],
            )
    action = services.action_record(
        actor=request.user,
        meeting=meeting,
        decision=payload.decision,
        responsible_party=payload.responsible_party,
        responsible_person=payload.responsible_person,
        responsible_unit=payload.responsible_unit,
        department=_department(payload.department),
        deadline=payload.deadline,
        agenda_item=item,
        mode_role=payload.mode_role,
        responsible_is_resident=payload.responsible_is_resident,
    )
    action.today = timezone.localdate()
    return Status(201, action)


@router.get(
    "/{int:meeting_id}/minutes.{fmt}",
    summary="下载会议纪要（docx 或 pdf）",
    response=READ_ERRORS,
    openapi_extra={
        "responses": {
            200: {
                "description": "会议纪要文件",
                "content": {
                    t: {"schema": {"type": "string", "format": "binary"}}
                    for t in ("application/pdf", CONTENT_TYPES["docx"])
                },
            }
        }
    },
)
def meeting_minutes(request, meeting_id: Id, fmt: str, public: bool = False):
    meeting = selectors.meeting_get_for(actor=request.user, meeting_id=meeting_id)
    return minutes_response(meeting, fmt, public=public)


def minutes_response(meeting, fmt: str, *, public: bool) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise NotFound("纪要格式只能是 docx 或 pdf")
    record = minutes.build(meeting, public=public)
    body = minutes.to_docx(record) if fmt == "docx" else minutes.to_pdf(record)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    from urllib.parse import quote

    name = minutes.file_name(meeting, fmt, public=public)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
