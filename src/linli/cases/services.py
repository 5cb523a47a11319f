"""Writes to cases: report, accept, progress, resolve, return, escalate, dispatch, reply, rate,
merge, close, and the deadline check.

Every transition locks the case row (``select_for_update``), checks the optional
``expected_version`` the caller read, checks the stage allows it and the actor may act, then
changes the row, bumps ``version`` and records a :class:`CaseEvent` — or raises
:class:`DomainError` and changes nothing. ``actor=None`` is the system (the deadline job, the
demo's desk clerk). ``when`` backdates a step (the demo); it defaults to now.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from linli.accounts import scoping
from linli.accounts.models import Role
from linli.core.errors import DomainError, NotFound
from linli.core.uploads import AcceptedFile, accept_uploads
from linli.grid.models import Grid, GridLevel, Holding, Membership
from linli.ledger.models import Compound, Household, Resident

from . import calendar, categories
from .models import (
    WORKING_STAGES,
    Case,
    CaseEvent,
    CasePhoto,
    Category,
    Channel,
    CloseReason,
    Department,
    DepartmentMember,
    HandlerLevel,
    Satisfaction,
    Stage,
    Status,
    Urgency,
    WorkCalendarDay,
)

MAX_DESCRIPTION = 2000
Action = CaseEvent.Action


# ---------------------------------------------------------------- helpers


def _when(when: dt.datetime | None) -> dt.datetime:
    return when or timezone.now()


def actor_label(actor) -> str:
    if actor is None:
        return "系统"
    profile = getattr(actor, "profile", None)
    if profile is None:
        return actor.get_username()
    name = profile.display_name or actor.get_username()
    return f"{name}（{profile.get_role_display()}）"


def holder_label(case: Case) -> str:
    level = HandlerLevel(case.level)
    if level in (HandlerLevel.NEIGHBOUR, HandlerLevel.GROUP, HandlerLevel.AREA) and case.grid:
        return f"{case.grid.name}{case.grid.leader_title}"
    if level == HandlerLevel.DEPARTMENT and case.department:
        return case.department.name
    if level == HandlerLevel.COMMUNITY:
        return f"{case.community.name}（社区）"
    return level.label


def _level_of(grid: Grid) -> HandlerLevel:
    return {
        GridLevel.NEIGHBOUR: HandlerLevel.NEIGHBOUR,
        GridLevel.GROUP: HandlerLevel.GROUP,
        GridLevel.AREA: HandlerLevel.AREA,
    }[GridLevel(grid.level)]


def _has_holder(grid: Grid) -> bool:
    return Holding.objects.filter(post__grid=grid, end__isnull=True).exists()


# The household's open membership, its 邻 and whether the 邻's post is held, in one statement.
# Written out because this runs on every report (the hot path of bench/cases_load.py): the
# same ORM query (select_related + an Exists annotation) costs ~0.6 ms to compile each time.
_HOUSEHOLD_CELL_SQL = (
    "SELECT g.*, EXISTS("
    "SELECT 1 FROM grid_holding h INNER JOIN grid_post p ON h.post_id = p.id"
    ' WHERE h."end" IS NULL AND p.grid_id = g.id'
    ") AS held"
    " FROM grid_grid g INNER JOIN grid_membership m ON m.neighbour_id = g.id"
    ' WHERE m.household_id = %s AND m."end" IS NULL'
)


def _household_cell(household: Household) -> tuple[Grid | None, Grid | None]:
    """The household's current 邻 and the cell the case lands with (that 邻 when its post is
    held, else the nearest held ancestor): one query when the 邻长 post is held."""
    origin = next(iter(Grid.objects.raw(_HOUSEHOLD_CELL_SQL, [household.pk])), None)
    if origin is None:
        return None, None
    return origin, origin if origin.held else _first_held(origin.parent)


def _cached(instance, *path: str):
    """``instance.a.b…`` when every step is already loaded (select_related), else None."""
    for name in path:
        if not type(instance).__dict__[name].is_cached(instance):
            return None
        instance = getattr(instance, name)
    return instance


def _compound_of(household: Household) -> Compound:
    """The household's compound; no query when the caller loaded it (select_related, or
    :func:`household_for_report`)."""
    compound = getattr(household, "report_compound", None) or _cached(
        household, "unit", "building", "compound"
    )
    if compound is not None:
        return compound
    return Compound.objects.get(buildings__units__households=household)


# A household with its compound's id and community, in one statement (the report hot path;
# the ORM's four-table select_related costs more to build than to run).
_HOUSEHOLD_FOR_REPORT_SQL = (
    "SELECT h.*, b.compound_id AS report_compound_id, c.community_id AS report_community_id"
    " FROM ledger_household h"
    " INNER JOIN ledger_unit u ON h.unit_id = u.id"
    " INNER JOIN ledger_building b ON u.building_id = b.id"
    " INNER JOIN ledger_compound c ON b.compound_id = c.id"
    " WHERE h.id = %s"
)


def household_for_report(household_id: int) -> Household | None:
    """The household to report a case for, with ``report_compound`` (a Compound holding only
    its id and community id; other fields load on access) — or None."""
    household = next(iter(Household.objects.raw(_HOUSEHOLD_FOR_REPORT_SQL, [household_id])), None)
    if household is not None:
        household.report_compound = Compound.from_db(
            "default",
            ["id", "community_id"],
            [household.report_compound_id, household.report_community_id],
        )
    return household


def _may_report_for(actor, household: Household) -> bool:
    """Whether ``actor`` may see (and so report for) ``household`` — :func:`scoping.household_q`;
    a resident's own household is known without a query."""
    profile = getattr(actor, "profile", None)
    if not actor.is_superuser and profile is not None and profile.role == Role.RESIDENT:
        return bool(profile.household_id) and profile.household_id == household.pk
    hq = scoping.household_q(actor)
    return hq is not None and Household.objects.filter(hq, pk=household.pk).exists()


def report_place_check(actor, *, household: Household | None, compound: Compound | None):
    """A place the actor cannot see answers like a missing one: 404, the field, no name."""
    if household is not None and not _may_report_for(actor, household):
        raise NotFound("房屋不存在或无权查看", details=[{"field": "household"}])
    if compound is not None:
        cq = scoping.compound_q(actor)
        if cq is None or not Compound.objects.filter(cq, pk=compound.pk).exists():
            raise NotFound("小区不存在或无权查看", details=[{"field": "compound"}])


def _first_held(grid: Grid | None) -> Grid | None:
    """``grid`` or the nearest ancestor whose leader post is held."""
    while grid is not None:
        if _has_holder(grid):
            return grid
        grid = grid.parent
    return None


def _compound_cell(compound: Compound) -> Grid | None:
    """The smallest grid cell that holds every current household of the compound."""
    paths = list(
        Membership.objects.filter(end__isnull=True, household__unit__building__compound=compound)
        .values_list("neighbour__path", flat=True)
        .distinct()
    )
    if not paths:
        return None
    common = paths[0].strip("/").split("/")
    for p in paths[1:]:
        parts = p.strip("/").split("/")
        n = 0
        while n < min(len(common), len(parts)) and common[n] == parts[n]:
            n += 1
        common = common[:n]
    return Grid.objects.filter(pk=int(common[-1])).first() if common else None


def _bad_transition(case: Case, what: str) -> DomainError:
    return DomainError(
        code="cases.bad_transition",
        message=f"诉求当前处于“{case.get_stage_display()}”（{case.get_status_display()}），不能{what}",
        status=409,
        details=[{"field": "stage", "value": case.stage}],
    )


def _lock(case: Case, expected_version: int | None) -> Case:
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("category", "grid", "department", "community")
        .get(pk=case.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise DomainError(
            code="cases.stale",
            message="诉求已被他人处理，请刷新后重试",
            status=409,
            details=[{"field": "version", "value": locked.version}],
        )
    return locked


def _department_ids(actor) -> set[int]:
    return set(DepartmentMember.objects.filter(user=actor).values_list("department_id", flat=True))


def may_act(actor, case: Case) -> bool:
    """Whether ``actor`` holds the case now (or oversees it as an official of its region)."""
    if actor is None:
        return True
    role = scoping.role_of(actor)
    if role == "superuser":
        return True
    profile = actor.profile
    if role in scoping.REGION_ROLES:
        return bool(profile.region_id) and case.community.path.startswith(profile.region.path)
    if role in scoping.GRID_ROLES:
        return (
            case.level <= HandlerLevel.AREA
            and profile.grid_id is not None
            and case.grid_id == profile.grid_id
        )
    if role == Role.DEPARTMENT_STAFF:
        return case.level == HandlerLevel.DEPARTMENT and case.department_id in _department_ids(
            actor
        )
    return False


def _check_act(actor, case: Case) -> None:
    if not may_act(actor, case):
        raise DomainError(
            code="cases.not_your_case",
            message=f"该诉求目前由{holder_label(case)}办理，您无权操作",
            status=403,
        )


def _is_official(actor) -> bool:
    role = scoping.role_of(actor)
    return actor is None or role == "superuser" or role in scoping.REGION_ROLES


def _event(
    case: Case,
    *,
    actor,
    action: str,
    at: dt.datetime,
    from_stage: str = "",
    from_holder: str = "",
    note: str = "",
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        at=at,
        actor=actor,
        actor_label=actor_label(actor),
        action=action,
        from_stage=from_stage,
        to_stage=case.stage,
        from_holder=from_holder,
        to_holder=holder_label(case),
        note=note,
    )


def _save(case: Case) -> Case:
    case.version += 1
    case.save()
    return case


def _require_note(note: str, what: str) -> str:
    note = (note or "").strip()
    if not note:
        raise DomainError(
            code="cases.note_required", message=f"请填写{what}", details=[{"field": "note"}]
        )
    return note


def _time_limit(category: Category, urgency: str) -> int:
    days = category.time_limit_days
    return max(1, days // 2) if urgency == Urgency.URGENT else days


def _validate_photos(photos: Iterable) -> list[AcceptedFile]:
    """JPEG/PNG/WebP only, sniffed and re-encoded (``linli.core.uploads``)."""
    return accept_uploads(photos, app="cases", field_name="photos", what="照片")


def _save_photos(case: Case, event: CaseEvent, photos: list[AcceptedFile]) -> list[CasePhoto]:
    saved = []
    for accepted in photos:
        saved.append(CasePhoto.objects.create(case=case, event=event, image=accepted.as_file()))
    return saved


# ---------------------------------------------------------------- report


def category_get(*, key) -> Category:
    """A category by id or code; ``cases.unknown_category`` when there is none (or inactive)."""
    found = None
    if isinstance(key, Category):
        found = key if key.active else None
    elif isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
        found = categories.active(pk=int(key))  # from memory (cases.categories)
    elif isinstance(key, str):
        found = categories.active(code=key)
    if found is None:
        raise DomainError(
            code="cases.unknown_category",
            message=f"没有“{key}”这个诉求类别",
            details=[{"field": "category", "value": str(key)}],
        )
    return found


def _default_channel(actor) -> str:
    role = scoping.role_of(actor)
    if role == Role.RESIDENT:
        return Channel.RESIDENT
    if role in scoping.GRID_ROLES:
        return Channel.LEADER
    return Channel.DESK


def _fingerprint(household, compound, category, description) -> str:
    raw = f"{household.pk if household else ''}|{compound.pk}|{category.pk}|{description}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _replay(actor, client_key: str, fingerprint: str) -> Case | None:
    existing = Case.objects.filter(
        reporter=actor if actor is not None else None, client_key=client_key
    ).first()
    if existing is None:
        return None
    if existing.fingerprint != fingerprint:
        raise DomainError(
            code="cases.client_key_reused",
            message="该提交标识已用于另一条诉求，请勿重复使用",
            status=409,
            details=[{"field": "client_key", "value": client_key}],
        )
    existing.replayed = True
    return existing


def case_report(
    *,
    actor,
    category: Category | str | int,
    description: str,
    household: Household | None = None,
    compound: Compound | None = None,
    urgency: str = Urgency.NORMAL,
    photos: Iterable = (),
    client_key: str | None = None,
    channel: str | None = None,
    on_behalf_of: Resident | None = None,
    when: dt.datetime | None = None,
) -> Case:
    """采集: register a case for a household (or a compound's common parts).

    It lands with the household's 邻长 (or, for a compound, the leader of the smallest cell
    holding it); a vacant post passes it up to the nearest held one, else to the community.
    With ``client_key`` a resubmission of the same report returns the first case
    (``case.replayed`` is True); the same key with a different report is an error.

    The place is checked against the actor's scope before anything else: a household or
    compound the actor cannot see is a 404 ``not_found`` exactly like a missing one, whatever
    else is wrong with the report (docs/roles-and-scoping.md, "One answer for not yours").
    """
    if actor is not None:
        report_place_check(actor, household=household, compound=compound)
    category = category_get(key=category)
    description = (description or "").strip()
    if not description:
        raise DomainError(
            code="cases.description_required",
            message="请描述遇到的问题",
            details=[{"field": "description"}],
        )
    if len(description) > MAX_DESCRIPTION:
        raise DomainError(
            code="cases.description_too_long",
            message=f"问题描述不能超过 {MAX_DESCRIPTION} 字",
            details=[{"field": "description"}],
        )
    if urgency not in Urgency.values:
        raise DomainError(
            code="cases.bad_urgency",
            message="紧急程度须为“一般”或“紧急”",
            details=[{"field": "urgency", "value": str(urgency)}],
        )
    channel = channel or _default_channel(actor)
    if channel not in Channel.values:
        raise DomainError(
            code="cases.bad_channel",
            message="未知的来源渠道",
            details=[{"field": "channel", "value": str(channel)}],
        )
    if household is None and compound is None:
        raise DomainError(
            code="cases.place_required",
            message="请选择住户或小区",
            details=[{"field": "household"}],
        )
    if household is not None:
        household_compound = _compound_of(household)
        if compound is not None and compound.pk != household_compound.pk:
            raise DomainError(
                code="cases.place_mismatch",
                message="住户不在所选小区",
                details=[{"field": "compound"}],
            )
        compound = household_compound
    if actor is not None and household is None and scoping.role_of(actor) == Role.DEPARTMENT_STAFF:
        # a compound the department sees (its region), but reports come from residents and
        # the grid, not from departments
        raise DomainError(
            code="cases.compound_not_allowed",
            message="您不能为该小区登记诉求",
            status=403,
            details=[{"field": "compound"}],
        )
    if on_behalf_of is not None and (
        household is None or on_behalf_of.household_id != household.pk
    ):
        raise DomainError(
            code="cases.resident_not_in_household",
            message="诉求人不是该户居民",
            details=[{"field": "on_behalf_of"}],
        )
    if client_key is not None:
        client_key = str(client_key).strip()[:64] or None
    fingerprint = _fingerprint(household, compound, category, description)
    photos = [p for p in photos if p]
    if client_key and (photos or actor is None):
        # Look for a replay first when photos are to be checked (a replay answers before
        # that) or there is no reporter (NULL reporters are distinct to the unique
        # constraint). Otherwise the insert below meets the (reporter, client_key) constraint
        # on a replay and answers the same, one query fewer for every new case.
        replayed = _replay(actor, client_key, fingerprint)
        if replayed is not None:
            return replayed
    photos = _validate_photos(photos)

    at = _when(when)
    if household is not None:
        origin, held = _household_cell(household)
    else:
        origin = _compound_cell(compound)
        held = _first_held(origin)
    limit = _time_limit(category, urgency)
    deadline = calendar.add_working_days(timezone.localdate(at), limit)
    case = Case(
        community_id=compound.community_id,
        household=household,
        compound=compound,
        category=category,
        description=description,
        urgency=urgency,
        channel=channel,
        reporter=actor,
        on_behalf_of=on_behalf_of,
        client_key=client_key,
        fingerprint=fingerprint,
        level=_level_of(held) if held else HandlerLevel.COMMUNITY,
        grid=held,
        origin_grid=origin,
        reported_at=at,
        deadline=deadline,
        original_deadline=deadline,
    )
    note = ""
    if origin is not None and held != origin:
        note = f"{origin.name}{origin.leader_title}空缺，转{holder_label(case)}"
    elif origin is None:
        note = "未划入网格，由社区受理"
    # The case and its first event are written together; everything above only read. A
    # second request with the same client key meets the (reporter, client_key) constraint,
    # which rolls this block back whole (no savepoint needed) and answers with the first case.
    try:
        with transaction.atomic():
            case.save()
            event = _event(case, actor=actor, action=Action.REPORT, at=at, note=note)
            event.photo_urls = [p.get_absolute_url() for p in _save_photos(case, event, photos)]
    except IntegrityError:
        if client_key:  # the same key raced in from a second request
            replayed = _replay(actor, client_key, fingerprint)
            if replayed is not None:
                return replayed
        raise
    case.replayed = False
    # What the API answers with, without reading the case back: the new case's whole timeline
    # is this one event, its photos are the report's.
    case.report_event = event
    return case


# ---------------------------------------------------------------- the loop


def _forward_to_default(case: Case) -> bool:
    """After 立案 at a grid level, hand the case to its category's default level."""
    target = case.category.default_level
    if case.level >= target or case.level > HandlerLevel.AREA:
        return False
    case.route = [*case.route, _position(case)]
    grid = case.grid
    while grid is not None and _level_of(grid) < target:
        grid = _first_held(grid.parent)
    if grid is None or target == HandlerLevel.COMMUNITY:
        case.level, case.grid = HandlerLevel.COMMUNITY, None
    else:
        case.level, case.grid = _level_of(grid), grid
    return True


def _position(case: Case) -> dict:
    return {"level": case.level, "grid": case.grid_id, "department": case.department_id}


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
    from_stage, from_holder = case.stage, holder_label(case)
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
        from_holder=holder_label(case),
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
        from_holder=holder_label(case),
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
    from_stage, from_holder = case.stage, holder_label(case)
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


def _next_up(case: Case, to: str | None, department: Department | None):
    """Where one escalation step goes from the case's level: (level, grid, department)."""
    level = HandlerLevel(case.level)
    if level in (HandlerLevel.NEIGHBOUR, HandlerLevel.GROUP):
        parent = _first_held(case.grid.parent) if case.grid else None
        if parent is not None:
            return _level_of(parent), parent, case.department
        return HandlerLevel.COMMUNITY, None, case.department
    if level == HandlerLevel.AREA:
        return HandlerLevel.COMMUNITY, None, case.department
    if level == HandlerLevel.COMMUNITY:
        department = department or (
            None if to == "joint_meeting" else case.category.default_department
        )
        if to == "department" or (to is None and department is not None):
            if department is None:
                raise DomainError(
                    code="cases.department_required",
                    message="请选择派遣的部门",
                    details=[{"field": "department"}],
                )
            return HandlerLevel.DEPARTMENT, None, department
        return HandlerLevel.JOINT_MEETING, None, case.department
    if level == HandlerLevel.DEPARTMENT:
        return HandlerLevel.JOINT_MEETING, None, case.department
    raise DomainError(
        code="cases.top_level",
        message="诉求已在五方联席会，不能再上报",
        status=409,
    )


def _escalate(case: Case, *, actor, at, note, to=None, department=None, action=Action.ESCALATE):
    from_stage, from_holder = case.stage, holder_label(case)
    level, grid, department = _next_up(case, to, department)
    case.route = [*case.route, _position(case)]
    case.level, case.grid, case.department = level, grid, department
    if level == HandlerLevel.DEPARTMENT:
        case.stage = Stage.DISPATCHED
        case.accepted_at = case.accepted_at or at
        if action == Action.ESCALATE:
            action = Action.DISPATCH
    elif case.stage in (Stage.DISPATCHED, Stage.HANDLING):
        case.stage = Stage.ACCEPTED
    case.escalations += 1
    _save(case)
    _event(
        case,
        actor=actor,
        action=action,
        at=at,
        from_stage=from_stage,
        from_holder=from_holder,
        note=note,
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
        raise DomainError(code="cases.bad_target", message="上报去向须为部门或五方联席会")
    return _escalate(case, actor=actor, at=_when(when), note=reason, to=to, department=department)


@transaction.atomic
def case_dispatch(
    *,
    actor,
    case: Case,
    department: Department,
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
        raise DomainError(
            code="cases.department_required",
            message="请选择派遣的部门",
            details=[{"field": "department"}],
        )
    at = _when(when)
    from_stage, from_holder = case.stage, holder_label(case)
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


def _may_rate(actor, case: Case) -> bool:
    if _is_official(actor):
        return actor is None or may_act(actor, case)  # 回访: a worker records the rating
    if case.reporter_id == actor.pk:
        return True
    profile = getattr(actor, "profile", None)
    return bool(
        profile
        and profile.role == Role.RESIDENT
        and case.household_id
        and profile.household_id == case.household_id
    )


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
        raise DomainError(
            code="cases.bad_satisfaction",
            message="评价须为满意、基本满意或不满意",
            details=[{"field": "satisfaction", "value": str(satisfaction)}],
        )
    if case.stage not in (Stage.FEEDBACK, Stage.VERIFIED) or case.close_reason in (
        CloseReason.MERGED,
        CloseReason.RETURNED,
    ):
        if case.stage == Stage.RATED:
            raise _bad_transition(case, "再次评价")
        raise DomainError(
            code="cases.not_resolved",
            message="诉求尚未办结，暂不能评价",
            status=409,
            details=[{"field": "stage", "value": case.stage}],
        )
    if not _may_rate(actor, case):
        raise DomainError(
            code="cases.not_your_case", message="只有诉求人或回访人员可以评价", status=403
        )
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
        from_holder=holder_label(case),
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
        raise DomainError(
            code="cases.not_your_case", message="核查结案须由社区工作人员办理", status=403
        )
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
        from_holder=holder_label(case),
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
        raise DomainError(code="cases.merge_self", message="不能把诉求合并到它自己")
    if actor is not None and not case_visible_to(actor, into):
        # before anything about ``into`` is looked at: a case the actor cannot see is missing
        raise NotFound("诉求不存在或无权查看", details=[{"field": "into"}])
    # Lock both rows in id order so two merges of a pair cannot deadlock.
    first, second = sorted([case, into], key=lambda c: c.pk)
    locked = {first.pk: _lock(first, None), second.pk: _lock(second, None)}
    case, into = locked[case.pk], locked[into.pk]
    if expected_version is not None and case.version != expected_version:
        raise DomainError(code="cases.stale", message="诉求已被他人处理，请刷新后重试", status=409)
    if case.status != Status.OPEN or into.status != Status.OPEN:
        raise _bad_transition(case if case.status != Status.OPEN else into, "合并")
    if case.community_id != into.community_id:
        raise DomainError(code="cases.merge_other_community", message="只能合并同一社区的诉求")
    _check_act(actor, case)
    at = _when(when)
    from_stage, from_holder = case.stage, holder_label(case)
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
        from_holder=holder_label(into),
        note=f"并入重复件 {case.number}",
    )
    return case


def case_visible_to(actor, case: Case) -> bool:
    from .selectors import cases_for

    return cases_for(actor).filter(pk=case.pk).exists()


# ---------------------------------------------------------------- deadlines


@transaction.atomic
def _check_one(case_id: int, *, today: dt.date, warn_until: dt.date, now: dt.datetime) -> str:
    case = _lock(Case(pk=case_id), None)
    if case.status != Status.OPEN or case.stage not in WORKING_STAGES:
        return ""
    if case.deadline < today:
        if case.level >= HandlerLevel.JOINT_MEETING:
            return ""
        days = calendar.working_days_between(case.deadline, today)
        note = f"超过办理时限（{case.deadline:%Y-%m-%d}）{days} 个工作日，自动上报"
        case.deadline = calendar.add_working_days(today, _time_limit(case.category, case.urgency))
        _escalate(case, actor=None, at=now, note=note, action=Action.OVERDUE)
        return "escalated"
    if case.deadline <= warn_until and case.warned_for != case.deadline:
        case.warned_for = case.deadline
        _save(case)
        _event(
            case,
            actor=None,
            action=Action.WARN,
            at=now,
            from_stage=case.stage,
            from_holder=holder_label(case),
            note=f"办理时限为 {case.deadline:%Y-%m-%d}，请抓紧办理",
        )
        return "warned"
    return ""


def deadlines_check(
    *, today: dt.date | None = None, now: dt.datetime | None = None, warn_days: int = 1
) -> dict[str, int]:
    """The periodic job: warn cases due within ``warn_days`` working days, escalate overdue
    ones one level (the new holder gets a fresh time limit). Each case is handled in its own
    transaction under a row lock and re-checked there, so overlapping runs do each thing once."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    warn_until = calendar.add_working_days(today, warn_days)
    ids = list(
        Case.objects.filter(status=Status.OPEN, stage__in=WORKING_STAGES, deadline__lte=warn_until)
        .order_by("deadline", "id")
        .values_list("pk", flat=True)
    )
    counts = {"warned": 0, "escalated": 0}
    for case_id in ids:
        outcome = _check_one(case_id, today=today, warn_until=warn_until, now=now)
        if outcome:
            counts[outcome] += 1
    return counts


# ---------------------------------------------------------------- calendar and departments


def _check_calendar_editor(actor) -> None:
    role = scoping.role_of(actor)
    if actor is not None and role not in {
        "superuser",
        Role.COUNTY_OFFICIAL,
        Role.TOWN_OFFICIAL,
    }:
        raise DomainError(code="forbidden", message="只有县、镇干部可以维护工作日历", status=403)


@transaction.atomic
def calendar_day_set(
    *, actor, date: dt.date, is_working_day: bool, note: str = ""
) -> WorkCalendarDay:
    """Officials enter the State Council's schedule for a year the library does not know."""
    _check_calendar_editor(actor)
    day, _ = WorkCalendarDay.objects.update_or_create(
        date=date,
        defaults={"is_working_day": is_working_day, "note": note.strip()[:60], "source": "manual"},
    )
    return day


@transaction.atomic
def department_member_add(*, actor, department: Department, user) -> DepartmentMember:
    if not _is_official(actor):
        raise DomainError(code="forbidden", message="无权设置部门人员", status=403)
    profile = getattr(user, "profile", None)
    if profile is None or profile.role != Role.DEPARTMENT_STAFF:
        raise DomainError(code="cases.not_department_staff", message="该账号不是部门工作人员")
    member, _ = DepartmentMember.objects.get_or_create(department=department, user=user)
    return member


def available_actions(actor, case: Case) -> list[str]:
    """The transitions ``actor`` may try on ``case`` now (for pages and the API)."""
    out: list[str] = []
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
            raise DomainError(
                code="cases.merge_target_required",
                message="请选择要并入的诉求",
                details=[{"field": "into"}],
            )
        return case_merge(into=into, note=note, **common)
    raise DomainError(code="cases.unknown_action", message=f"未知操作“{action}”", status=404)
