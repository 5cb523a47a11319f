"""The loop after a report: accept, progress, resolve (a department's reply), return,
escalate, dispatch, rate, close, merge — and :func:`case_transition`, the one entry pages
and the API call, with :func:`available_actions` saying which of them an actor may try.

Every step locks the case row (:func:`~.steps._lock`), checks the optional
``expected_version`` the caller read, checks the stage allows it and the actor may act
(:mod:`.permissions`), then changes the row, bumps ``version`` and records a
:class:`CaseEvent` — or raises :class:`DomainError` and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from linli.core import calendar
from linli.core.errors import Conflict, Forbidden, Invalid, NotFound
from linli.grid.models import Grid

from ..models import (
    WORKING_STAGES,
    Case,
    CloseReason,
    Department,
    HandlerLevel,
    Satisfaction,
    Stage,
    Status,
)
from .deadlines import _time_limit
from .intake import _save_photos, _validate_photos
from .permissions import _check_act, _is_official, _may_rate, case_visible_to, may_act
from .routing import _escalate, _forward_to_default, _position
from .steps import Action, _bad_transition, _event, _lock, _save, _when
from .verification import case_verify


def _require_note(note: str, what: str) -> str:
    note = (note or "").strip()
    if not note:
        raise Invalid(f"请填写{what}", code="cases.note_required", details=[{"field": "note"}])
    return note


@transaction.atomic
def case_accept(
    *, actor, case: Case, note: str = "", expected_version: int | None = None, when=None
) -> Case:
    """立案 (COLLECTED → ACCEPTED); a department signing for a dispatched case (→ HANDLING).

    A case whose category is handled higher up (e.g. 法律援助 at the community) is handed on
    to that level in the same step.
    """
    case = _lock(case, expected_version)
    if case.status != Status.OPEN or case.stage not in (Stage.COLLECTED, Stage.DISPATCHED):
        raise _bad_transition(case, "受理")
    _check_act(actor, case)
    at = _when(when)
    from_stage, from_holder = case.stage, case.holder
    case.stage = Stage.HANDLING if case.stage == Stage.DISPATCHED else Stage.ACCEPTED
    case.accepted_at = case.accepted_at or at
    forwarded = case.stage == Stage.ACCEPTED and _forward_to_default(case)
    _save(case)
    _event(
        case,
        actor=actor,
        action=Action.ACCEPT,
        at=at,
        from_stage=from_stage,
        from_holder=from_holder,
        note=(note or "").strip(),
    )
    if forwarded:
        _event(
            case,
            actor=actor,
            action=Action.FORWARD,
            at=at,
            from_stage=case.stage,
            from_holder=from_holder,
            note=f"“{case.category.name}”类诉求由{case.category.get_default_level_display()}办理",
        )
    return case


@transaction.atomic
def case_progress(
    *, actor, case: Case, note: str, expected_version: int | None = None, when=None
) -> Case:
    """处理: record progress on an accepted case (ACCEPTED/HANDLING → HANDLING)."""
    case = _lock(case, expected_version)
    if case.status != Status.OPEN or case.stage not in (Stage.ACCEPTED, Stage.HANDLING):
        raise _bad_transition(case, "记录办理进展")
    _check_act(actor, case)
    note = _require_note(note, "办理进展")
    at = _when(when)
    from_stage = case.stage
    case.stage = Stage.HANDLING
    _save(case)
    _event(
        case,
        actor=actor,
        action=Action.PROGRESS,
        at=at,
        from_stage=from_stage,
        from_holder=case.holder,
        note=note,
    )
    return case


@transaction.atomic
def case_resolve(
    *,
    actor,
    case: Case,
    note: str,
    photos: Iterable = (),
    expected_version: int | None = None,
    when=None,
) -> Case:
    """处理 → 反馈: the holder (a 三长, the community, the joint meeting) or the department
    (its reply) says what was done; the resident is asked to confirm and rate."""
    case = _lock(case, expected_version)
    allowed = (Stage.ACCEPTED, Stage.HANDLING, Stage.DISPATCHED)
    if case.status != Status.OPEN or case.stage not in allowed:
        raise _bad_transition(case, "办结")
    _check_act(actor, case)
    note = _require_note(note, "办理结果")
    photos = _validate_photos(photos)
    at = _when(when)
    from_stage = case.stage
    case.stage = Stage.FEEDBACK
    case.resolved_at = at
    _save(case)
    action = Action.REPLY if case.level == HandlerLevel.DEPARTMENT else Action.RESOLVE
    event = _event(
        case,
        actor=actor,
        action=action,
        at=at,
        from_stage=from_stage,
        from_holder=case.holder,
        note=note,
    )
    _save_photos(case, event, photos)
    return case


def case_reply(*, actor, case: Case, note: str, photos: Iterable = (), **kwargs) -> Case:
    """A department's reply on a dispatched case: the same step as :func:`case_resolve`."""
    if case.level != HandlerLevel.DEPARTMENT:
        raise _bad_transition(case, "作部门回复（未派遣到部门）")
    return case_resolve(actor=actor, case=case, note=note, photos=photos, **kwargs)


@transaction.atomic
def case_return(
    *, actor, case: Case, reason: str, expected_version: int | None = None, when=None
) -> Case:
    """退回 with a reason: to whoever passed the case up (or dispatched it); a case that was
    never passed on goes back to the reporter and is closed as 退回."""
    case = _lock(case, expected_version)
    if case.status != Status.OPEN or case.stage not in WORKING_STAGES:
        raise _bad_transition(case, "退回")
    _check_act(actor, case)
    reason = _require_note(reason, "退回理由")
    at = _when(when)
    from_stage, from_holder = case.stage, case.holder
    if case.route:
        *rest, previous = case.route
        case.route = rest
        case.level = previous["level"]
        case.grid = Grid.objects.filter(pk=previous["grid"]).first() if previous["grid"] else None
        case.department = (
            Department.objects.filter(pk=previous["department"]).first()
            if previous["department"]
            else case.department
        )
        if case.stage in (Stage.DISPATCHED, Stage.HANDLING):
            case.stage = Stage.ACCEPTED
    else:
        case.status = Status.CLOSED
        case.close_reason = CloseReason.RETURNED
        case.closed_at = at
    _save(case)
    _event(
        case,
        actor=actor,
        action=Action.RETURN,
        at=at,
        from_stage=from_stage,
        from_holder=from_holder,
        note=reason,
    )
    return case


@transaction.atomic
def case_escalate(
    *,
    actor,
    case: Case,
    reason: str,
    to: str | None = None,
    department: Department | None = None,
    expected_version: int | None = None,
    when=None,
) -> Case:
    """上报 one level: 邻长 → 组长 → 片长 → 社区 → a department (``to="department"``) or the
    五方联席会 (``to="joint_meeting"``); a department escalates to the 五方联席会."""
    case = _lock(case, expected_version)
    if case.status != Status.OPEN or case.stage not in WORKING_STAGES:
        raise _bad_transition(case, "上报")
    _check_act(actor, case)
    reason = _require_note(reason, "上报理由")
    if to not in (None, "department", "joint_meeting"):
        raise Invalid("上报去向须为部门或五方联席会", code="cases.bad_target")
    return _escalate(case, actor=actor, at=_when(when), note=reason, to=to, department=department)


@transaction.atomic
def case_dispatch(
    *,
    actor,
    case: Case,
    department: Department | None,
    note: str = "",
    expected_version: int | None = None,
    when=None,
) -> Case:
    """派遣: the community (or the joint meeting) sends an accepted case to a department."""
    case = _lock(case, expected_version)
    if (
        case.status != Status.OPEN
        or case.stage not in (Stage.ACCEPTED, Stage.HANDLING)
        or case.level not in (HandlerLevel.COMMUNITY, HandlerLevel.JOINT_MEETING)
    ):
        raise _bad_transition(case, "派遣（须由社区或五方联席会在立案后派遣）")
    _check_act(actor, case)
    if department is None or not department.active:
        raise Invalid(
            "请选择派遣的部门", code="cases.department_required", details=[{"field": "department"}]
        )
    at = _when(when)
    from_stage, from_holder = case.stage, case.holder
    case.route = [*case.route, _position(case)]
    case.level, case.grid, case.department = HandlerLevel.DEPARTMENT, None, department
    case.stage = Stage.DISPATCHED
    _save(case)
    _event(
        case,
        actor=actor,
        action=Action.DISPATCH,
        at=at,
        from_stage=from_stage,
        from_holder=from_holder,
        note=(note or "").strip(),
    )
    return case


@transaction.atomic
def case_rate(
    *,
    actor,
    case: Case,
    satisfaction: str,
    note: str = "",
    expected_version: int | None = None,
    when=None,
) -> Case:
    """评价: the resident confirms and rates a resolved case. 满意/基本满意 close it;
    不满意 reopens it with the holder who resolved it and a fresh time limit."""
    case = _lock(case, expected_version)
    if satisfaction not in Satisfaction.values:
        raise Invalid(
            "评价须为满意、基本满意或不满意",
            code="cases.bad_satisfaction",
            details=[{"field": "satisfaction", "value": str(satisfaction)}],
        )
    if case.stage not in (Stage.FEEDBACK, Stage.VERIFIED) or case.close_reason in (
        CloseReason.MERGED,
        CloseReason.RETURNED,
    ):
        if case.stage == Stage.RATED:
            raise _bad_transition(case, "再次评价")
        raise Conflict(
            "诉求尚未办结，暂不能评价",
            code="cases.not_resolved",
            details=[{"field": "stage", "value": case.stage}],
        )
    if not _may_rate(actor, case):
        raise Forbidden("只有诉求人或回访人员可以评价", code="cases.not_your_case")
    at = _when(when)
    from_stage = case.stage
    case.satisfaction = satisfaction
    label = Satisfaction(satisfaction).label
    if satisfaction == Satisfaction.UNSATISFIED:
        case.stage = Stage.ACCEPTED
        case.status = Status.OPEN
        case.close_reason = ""
        case.closed_at = None
        case.resolved_at = None
        case.reopen_count += 1
        case.deadline = calendar.add_working_days(
            timezone.localdate(at), _time_limit(case.category, case.urgency)
        )
        action = Action.REOPEN
    else:
        case.stage = Stage.RATED
        case.status = Status.CLOSED
        case.close_reason = CloseReason.RESOLVED
        case.closed_at = case.closed_at or at
        action = Action.CONFIRM
    _save(case)
    _event(
        case,
        actor=actor,
        action=action,
        at=at,
        from_stage=from_stage,
        from_holder=case.holder,
        note=f"{label}。{note.strip()}" if note and note.strip() else label,
    )
    return case


@transaction.atomic
def case_close(
    *, actor, case: Case, note: str = "", expected_version: int | None = None, when=None
) -> Case:
    """核查结案: the community checks a resolved case (e.g. the resident did not answer the
    callback) and closes it; the resident may still rate it."""
    case = _lock(case, expected_version)
    if case.status != Status.OPEN or case.stage != Stage.FEEDBACK:
        raise _bad_transition(case, "核查结案")
    if not _is_official(actor) or not may_act(actor, case):
        raise Forbidden("核查结案须由社区工作人员办理", code="cases.not_your_case")
    at = _when(when)
    case.stage = Stage.VERIFIED
    case.status = Status.CLOSED
    case.close_reason = CloseReason.RESOLVED
    case.closed_at = at
    _save(case)
    _event(
        case,
        actor=actor,
        action=Action.CLOSE,
        at=at,
        from_stage=Stage.FEEDBACK,
        from_holder=case.holder,
        note=(note or "").strip(),
    )
    return case


@transaction.atomic
def case_merge(
    *,
    actor,
    case: Case,
    into: Case,
    note: str = "",
    expected_version: int | None = None,
    when=None,
) -> Case:
    """合并: ``case`` is a duplicate of ``into``; it closes and follows ``into`` from now on."""
    if case.pk == into.pk:
        raise Invalid("不能把诉求合并到它自己", code="cases.merge_self")
    if actor is not None and not case_visible_to(actor, into):
        # before anything about ``into`` is looked at: a case the actor cannot see is missing
        raise NotFound("诉求不存在或无权查看", details=[{"field": "into"}])
    # Lock both rows in id order so two merges of a pair cannot deadlock.
    first, second = sorted([case, into], key=lambda c: c.pk)
    locked = {first.pk: _lock(first, None), second.pk: _lock(second, None)}
    case, into = locked[case.pk], locked[into.pk]
    if expected_version is not None and case.version != expected_version:
        raise Conflict("诉求已被他人处理，请刷新后重试", code="cases.stale")
    if case.status != Status.OPEN or into.status != Status.OPEN:
        raise _bad_transition(case if case.status != Status.OPEN else into, "合并")
    if case.community_id != into.community_id:
        raise Invalid("只能合并同一社区的诉求", code="cases.merge_other_community")
    _check_act(actor, case)
    at = _when(when)
    from_stage, from_holder = case.stage, case.holder
    case.merged_into = into
    case.status = Status.CLOSED
    case.close_reason = CloseReason.MERGED
    case.closed_at = at
    _save(case)
    _event(
        case,
        actor=actor,
        action=Action.MERGE,
        at=at,
        from_stage=from_stage,
        from_holder=from_holder,
        note=f"与 {into.number} 为同一问题，并入该件办理。{(note or '').strip()}".strip(),
    )
    _save(into)
    _event(
        into,
        actor=actor,
        action=Action.MERGE,
        at=at,
        from_stage=into.stage,
        from_holder=into.holder,
        note=f"并入重复件 {case.number}",
    )
    return case


def available_actions(actor, case: Case) -> list[str]:
    """The transitions ``actor`` may try on ``case`` now (for pages and the API)."""
    out: list[str] = []
    if case.unverified:  # only the check: confirm it real or dismiss it
        if case.status == Status.OPEN and may_act(actor, case):
            out += ["verify", "dismiss"]
        return out
    working = case.status == Status.OPEN and case.stage in WORKING_STAGES
    if case.status == Status.OPEN and may_act(actor, case):
        if case.stage in (Stage.COLLECTED, Stage.DISPATCHED):
            out.append("accept")
        if case.stage in (Stage.ACCEPTED, Stage.HANDLING):
            out.append("progress")
        if case.stage in (Stage.ACCEPTED, Stage.HANDLING, Stage.DISPATCHED):
            out.append("resolve")
        if working:
            out.append("return")
            if case.level < HandlerLevel.JOINT_MEETING:
                out.append("escalate")
        if case.level in (HandlerLevel.COMMUNITY, HandlerLevel.JOINT_MEETING) and case.stage in (
            Stage.ACCEPTED,
            Stage.HANDLING,
        ):
            out.append("dispatch")
        if case.stage == Stage.FEEDBACK and _is_official(actor):
            out.append("close")
        out.append("merge")
    if (
        case.stage in (Stage.FEEDBACK, Stage.VERIFIED)
        and case.close_reason not in (CloseReason.MERGED, CloseReason.RETURNED)
        and _may_rate(actor, case)
    ):
        out.append("rate")
    return out


def case_transition(*, actor, case: Case, action: str, **params) -> Case:
    """One entry for pages and the API: ``action`` with its parameters (note, version, …)."""
    note = params.get("note") or ""
    common = {"actor": actor, "case": case, "expected_version": params.get("version")}
    if action in ("verify", "dismiss"):
        return case_verify(real=action == "verify", note=note, **common)
    if action == "accept":
        return case_accept(note=note, **common)
    if action == "progress":
        return case_progress(note=note, **common)
    if action in ("resolve", "reply"):
        return case_resolve(note=note, photos=params.get("photos") or (), **common)
    if action == "return":
        return case_return(reason=note, **common)
    if action == "escalate":
        return case_escalate(
            reason=note, to=params.get("to"), department=params.get("department"), **common
        )
    if action == "dispatch":
        return case_dispatch(department=params.get("department"), note=note, **common)
    if action == "rate":
        return case_rate(satisfaction=params.get("satisfaction") or "", note=note, **common)
    if action == "close":
        return case_close(note=note, **common)
    if action == "merge":
        into = params.get("into")
        if into is None:
            raise Invalid(
                "请选择要并入的诉求",
                code="cases.merge_target_required",
                details=[{"field": "into"}],
            )
        return case_merge(into=into, note=note, **common)
    raise NotFound(f"未知操作“{action}”", code="cases.unknown_action")
