"""Writes to joint meetings: create, attendees, agenda, decisions → actions, progress, close.

Each function is keyword-only and atomic: it checks the actor may write, validates everything,
then writes — or raises :class:`DomainError` and changes nothing. ``actor=None`` is the system
(the demo). ``when`` backdates a step (the demo); it defaults to now.

Who may write: 县/镇干部 and 社区工作人员 whose region covers the meeting's place (and the
superuser). 部门工作人员 may add progress to, and complete, actions assigned to their own
department; they cannot cancel them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from linli.cases.models import Case, Department, DepartmentMember
from linli.core.errors import Conflict, Forbidden, Invalid
from linli.core.labels import actor_label
from linli.core.policy import actor_of
from linli.core.roles import Role
from linli.ledger.models import Compound, Region, RegionLevel

from .models import (
    CLOSED_STATUSES,
    DEFAULT_CONVENER,
    MODE_BY_PARTY,
    Action,
    ActionProgress,
    ActionStatus,
    AgendaItem,
    Attendee,
    Meeting,
    ModeRole,
    Party,
)

MAX_TEXT = 2000


# ---------------------------------------------------------------- helpers


def _details(field: str | None, value) -> list[dict]:
    return [{"field": field, "value": None if value is None else str(value)}] if field else []


def _err(code: str, message: str, field: str | None = None, value=None) -> Invalid:
    """An ``Invalid`` naming the request's field."""
    return Invalid(message, code=f"meetings.{code}", details=_details(field, value))


def _conflict(code: str, message: str, field: str | None = None, value=None) -> Conflict:
    """A ``Conflict`` naming the field whose state refuses the request."""
    return Conflict(message, code=f"meetings.{code}", details=_details(field, value))


def _text(value: str | None, *, field: str, label: str, required: bool, limit: int = MAX_TEXT):
    value = (value or "").strip()
    if required and not value:
        raise _err("required", f"请填写{label}", field)
    if len(value) > limit:
        raise _err("too_long", f"{label}不能超过{limit}字", field, len(value))
    return value


def _choice(value, enum, *, field: str, label: str):
    if value not in enum.values:
        allowed = "、".join(str(lbl) for lbl in enum.labels)
        raise _err("bad_choice", f"{label}“{value}”无效，应为：{allowed}", field, value)
    return enum(value)


def may_manage(actor, region: Region) -> bool:
    """Officials and workers whose region covers ``region`` (and the superuser)."""
    if actor is None:
        return True
    who = actor_of(actor)
    if who.is_superuser:
        return True
    return who.in_region and region.path.startswith(who.region_path)


def _department_ids(actor) -> set[int]:
    return set(DepartmentMember.objects.filter(user=actor).values_list("department_id", flat=True))


def may_work_on(actor, action: Action) -> bool:
    """Who may add progress to (and complete) an action: its managers, and the staff of the
    department it was assigned to."""
    if may_manage(actor, action.meeting.region):
        return True
    return (
        actor_of(actor).role == Role.DEPARTMENT_STAFF
        and action.department_id is not None
        and action.department_id in _department_ids(actor)
    )


def _check_manage(actor, meeting_or_region) -> None:
    region = getattr(meeting_or_region, "region", meeting_or_region)
    if not may_manage(actor, region):
        raise Forbidden(f"您无权管理{region.name}的五方联席会")


def _in_region(compound: Compound, region: Region) -> bool:
    return compound.community.path.startswith(region.path)


def _lock_action(action: Action) -> Action:
    return (
        Action.objects.select_for_update(of=("self",))
        .select_related("meeting__region", "department")
        .get(pk=action.pk)
    )


def _log(action: Action, *, actor, kind: str, note: str, at: dt.datetime) -> ActionProgress:
    return ActionProgress.objects.create(
        action=action,
        at=at,
        actor=actor,
        actor_label=actor_label(actor),
        kind=kind,
        note=note,
        status_after=action.status,
    )


# ---------------------------------------------------------------- meetings


@transaction.atomic
def meeting_create(
    *,
    actor,
    region: Region,
    held_on: dt.date,
    place: str,
    title: str = "",
    convener: str = DEFAULT_CONVENER,
    chair: str = "",
    compounds: Iterable[Compound] = (),
    note: str = "",
    when: dt.datetime | None = None,
) -> Meeting:
    """A meeting for a community or a town about some of its compounds."""
    if region is None or region.level not in (RegionLevel.COMMUNITY, RegionLevel.TOWN):
        raise _err(
            "bad_region", "五方联席会须在社区或镇召开", "region", getattr(region, "pk", None)
        )
    _check_manage(actor, region)
    if not isinstance(held_on, dt.date):
        raise _err("bad_date", "请填写会议日期", "held_on", held_on)
    place = _text(place, field="place", label="会议地点", required=True, limit=120)
    title = _text(title, field="title", label="会议名称", required=False, limit=120)
    convener = _text(convener, field="convener", label="召集单位", required=True, limit=60)
    chair = _text(chair, field="chair", label="主持人", required=False, limit=60)
    note = _text(note, field="note", label="备注", required=False)
    compounds = list(compounds)
    for c in compounds:
        if not _in_region(c, region):
            raise _err(
                "compound_outside",
                f"小区“{c.name}”不在{region.name}，不能列入本次会议",
                "compounds",
                c.pk,
            )
    meeting = Meeting.objects.create(
        region=region,
        held_on=held_on,
        place=place,
        title=title or f"{region.name}五方联席会",
        convener=convener,
        chair=chair,
        note=note,
        created_by=actor,
        created_at=_at(when),
    )
    if compounds:
        meeting.compounds.set(compounds)
    return meeting


@transaction.atomic
def attendee_add(
    *,
    actor,
    meeting: Meeting,
    party: str,
    name: str,
    unit: str = "",
    department: Department | None = None,
    is_resident: bool | None = None,
) -> Attendee:
    """A person present, for one of the five parties; a department links to cases.Department."""
    _check_manage(actor, meeting)
    party = _choice(party, Party, field="party", label="参会方")
    name = _text(name, field="name", label="参会人员姓名", required=True, limit=40)
    unit = _text(unit, field="unit", label="单位/职务", required=False, limit=80)
    if department is not None and party != Party.COUNTY_DEPARTMENT:
        raise _err(
            "department_party",
            f"职能部门“{department.name}”应作为“县直部门”参会",
            "department",
            department.pk,
        )
    if is_resident is None:
        is_resident = party == Party.COMMITTEE
    return Attendee.objects.create(
        meeting=meeting,
        party=party,
        name=name,
        unit=unit or (department.name if department else ""),
        department=department,
        is_resident=bool(is_resident),
    )


@transaction.atomic
def agenda_item_add(
    *,
    actor,
    meeting: Meeting,
    title: str,
    compound: Compound | None = None,
    cases: Iterable[Case] = (),
    problem: str = "",
) -> AgendaItem:
    """A topic about a compound, residents' cases and/or an infrastructure problem; its
    compounds join the meeting's list."""
    _check_manage(actor, meeting)
    region = meeting.region
    title = _text(title, field="title", label="议题", required=True, limit=120)
    problem = _text(problem, field="problem", label="问题描述", required=False)
    cases = list(cases)
    if compound is None and not cases and not problem:
        raise _err("agenda_empty", "议题须关联小区、诉求或填写问题描述", "compound")
    if compound is not None and not _in_region(compound, region):
        raise _err(
            "compound_outside",
            f"小区“{compound.name}”不在{region.name}，不能列入本次会议议题",
            "compound",
            compound.pk,
        )
    for case in cases:
        if not case.community.path.startswith(region.path):
            raise _err(
                "case_outside",
                f"诉求 {case.number} 不属于{region.name}，不能列入本次会议议题",
                "cases",
                case.pk,
            )
        if compound is not None and case.compound_id != compound.pk:
            raise _err(
                "case_compound",
                f"诉求 {case.number} 属于“{case.compound.name}”，与议题小区“{compound.name}”不符",
                "cases",
                case.pk,
            )
    # lock the meeting so two items added at once get different positions
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    last = meeting.agenda.order_by("-position").values_list("position", flat=True).first()
    item = AgendaItem.objects.create(
        meeting=meeting, position=(last or 0) + 1, title=title, compound=compound, problem=problem
    )
    if cases:
        item.cases.set(cases)
    touched = {c.compound_id for c in cases} | ({compound.pk} if compound else set())
    if touched:
        meeting.compounds.add(*touched)
    return item


# ---------------------------------------------------------------- actions


@transaction.atomic
def action_record(
    *,
    actor,
    meeting: Meeting,
    decision: str,
    responsible_party: str,
    responsible_person: str,
    deadline: dt.date | None,
    responsible_unit: str = "",
    department: Department | None = None,
    agenda_item: AgendaItem | None = None,
    mode_role: str | None = None,
    responsible_is_resident: bool | None = None,
    when: dt.datetime | None = None,
) -> Action:
    """A decision of the meeting becomes an action (未开始) with its first log entry."""
    _check_manage(actor, meeting)
    decision = _text(decision, field="decision", label="议定事项", required=True)
    party = _choice(responsible_party, Party, field="responsible_party", label="责任方")
    person = _text(
        responsible_person, field="responsible_person", label="责任人", required=True, limit=40
    )
    unit = _text(responsible_unit, field="responsible_unit", label="责任单位", required=False)
    mode = mode_role or MODE_BY_PARTY[party]
    mode = _choice(mode, ModeRole, field="mode_role", label="履职方式")
    if not isinstance(deadline, dt.date):
        raise _err("bad_date", "请填写完成时限", "deadline", deadline)
    if deadline < meeting.held_on:
        raise _err(
            "deadline_before_meeting",
            f"完成时限 {deadline:%Y-%m-%d} 早于会议日期 {meeting.held_on:%Y-%m-%d}",
            "deadline",
            deadline.isoformat(),
        )
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise _err("agenda_other_meeting", "所选议题不属于本次会议", "agenda_item", agenda_item.pk)
    if department is not None and party != Party.COUNTY_DEPARTMENT:
        raise _err(
            "department_party",
            f"职能部门“{department.name}”应以“县直部门”为责任方",
            "department",
            department.pk,
        )
    if responsible_is_resident is None:
        responsible_is_resident = party == Party.COMMITTEE
    at = when or timezone.now()
    action = Action.objects.create(
        meeting=meeting,
        agenda_item=agenda_item,
        decision=decision,
        responsible_party=party,
        responsible_unit=unit or (department.name if department else ""),
        department=department,
        responsible_person=person,
        responsible_is_resident=bool(responsible_is_resident),
        mode_role=mode,
        deadline=deadline,
        created_at=at,
    )
    _log(
        action,
        actor=actor,
        kind=ActionProgress.Kind.RECORDED,
        note=f"会议议定，{action.get_mode_role_display()}，时限 {deadline:%Y-%m-%d}",
        at=at,
    )
    return action


def _check_open(action: Action, what: str) -> None:
    if action.status in CLOSED_STATUSES:
        raise _conflict(
            "action_closed",
            f"事项已{action.get_status_display()[1:]}，不能{what}",
            "status",
            action.status,
        )


def _check_work(actor, action: Action) -> None:
    if actor is not None and not may_work_on(actor, action):
        raise Forbidden("您无权办理该事项")


@transaction.atomic
def action_progress_add(
    *, actor, action: Action, note: str, when: dt.datetime | None = None
) -> ActionProgress:
    """Append a progress note; the first one moves the action to 进行中."""
    action = _lock_action(action)
    _check_work(actor, action)
    _check_open(action, "再记录进展")
    note = _text(note, field="note", label="进展情况", required=True)
    if action.status == ActionStatus.NOT_STARTED:
        action.status = ActionStatus.IN_PROGRESS
        action.save(update_fields=["status"])
    return _log(action, actor=actor, kind=ActionProgress.Kind.PROGRESS, note=note, at=_at(when))


def _at(when: dt.datetime | None) -> dt.datetime:
    return when or timezone.now()


@transaction.atomic
def action_complete(*, actor, action: Action, note: str, when: dt.datetime | None = None) -> Action:
    """Done, with a closing note saying what was done."""
    action = _lock_action(action)
    _check_work(actor, action)
    if action.status == ActionStatus.CANCELLED:
        raise _conflict("action_cancelled", "事项已取消，不能标记为完成", "status", action.status)
    _check_open(action, "重复办结")
    note = _text(note, field="note", label="办结说明", required=True)
    at = _at(when)
    action.status = ActionStatus.DONE
    action.closing_note = note
    action.closed_at = at
    action.save(update_fields=["status", "closing_note", "closed_at"])
    _log(action, actor=actor, kind=ActionProgress.Kind.DONE, note=note, at=at)
    return action


@transaction.atomic
def action_cancel(*, actor, action: Action, reason: str, when: dt.datetime | None = None) -> Action:
    """Cancelled (e.g. overtaken by another decision), with the reason; only managers."""
    action = _lock_action(action)
    _check_manage(actor, action.meeting)
    _check_open(action, "取消")
    reason = _text(reason, field="reason", label="取消理由", required=True)
    at = _at(when)
    action.status = ActionStatus.CANCELLED
    action.closing_note = reason
    action.closed_at = at
    action.save(update_fields=["status", "closing_note", "closed_at"])
    _log(action, actor=actor, kind=ActionProgress.Kind.CANCELLED, note=reason, at=at)
    return action
