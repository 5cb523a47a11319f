"""Where a case is and where it goes: the handler level of a grid cell, who holds a case (in
words), the cell a report lands with, the category's default level after 立案, and one
escalation step up (:func:`_next_up` says where, :func:`_escalate` moves the case there).

A vacant leader post passes a case on to the nearest held one above it; above the grid the
order is 社区 → a department or the 五方联席会, a department → the 五方联席会.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.db.models import Count

from linli.core.errors import Conflict, Invalid
from linli.grid.models import Grid, GridLevel, Holding, Membership
from linli.ledger.models import Compound, Household, Unit

from ..models import Case, Department, HandlerLevel, Stage
from .steps import Action, _event, _save


class Position(NamedTuple):
    """Who holds a case: its level, the grid cell (at a grid level) and the department."""

    level: HandlerLevel
    grid: Grid | None
    department: Department | None


class Landing(NamedTuple):
    """Where a report lands: the cell it arose in (``origin``, None outside the grid) and the
    cell whose leader takes it (``held``: ``origin`` when its post is held, else the nearest
    held ancestor, None for the community)."""

    origin: Grid | None
    held: Grid | None


def holder_label(case: Case) -> str:
    """Who holds ``case`` now, in words (:attr:`Case.holder`)."""
    return case.holder


def _level_of(grid: Grid) -> HandlerLevel:
    return {
        GridLevel.NEIGHBOUR: HandlerLevel.NEIGHBOUR,
        GridLevel.GROUP: HandlerLevel.GROUP,
        GridLevel.AREA: HandlerLevel.AREA,
    }[GridLevel(grid.level)]


def _has_holder(grid: Grid) -> bool:
    return Holding.objects.filter(post__grid=grid, end__isnull=True).exists()


def _first_held(grid: Grid | None) -> Grid | None:
    """``grid`` or the nearest ancestor whose leader post is held."""
    while grid is not None:
        if _has_holder(grid):
            return grid
        grid = grid.parent
    return None


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


def _household_cell(household: Household) -> Landing:
    """The household's current 邻 and the cell the case lands with (that 邻 when its post is
    held, else the nearest held ancestor): one query when the 邻长 post is held."""
    origin = next(iter(Grid.objects.raw(_HOUSEHOLD_CELL_SQL, [household.pk])), None)
    if origin is None:
        return Landing(None, None)
    return Landing(origin, origin if origin.held else _first_held(origin.parent))


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


def unit_cell(unit: Unit) -> Grid | None:
    """The 邻 of a stairwell (单元): the one most of its current households are in (of a
    unit split between two 邻, the larger part's; on a tie the older cell)."""
    row = (
        Membership.objects.filter(end__isnull=True, household__unit=unit)
        .values("neighbour_id")
        .annotate(n=Count("id"))
        .order_by("-n", "neighbour_id")
        .first()
    )
    return None if row is None else Grid.objects.filter(pk=row["neighbour_id"]).first()


def _landing(household: Household | None, compound: Compound, unit: Unit | None = None) -> Landing:
    """Where a report for ``household`` (or, without one, a stairwell ``unit`` or
    ``compound``'s common parts) lands: the household's 邻, the unit's 邻, or the smallest
    cell holding the compound."""
    if household is not None:
        return _household_cell(household)
    origin = unit_cell(unit) if unit is not None else None
    if origin is None:
        origin = _compound_cell(compound)
    return Landing(origin, _first_held(origin))


def _position(case: Case) -> dict:
    """The case's holder as stored in ``case.route`` (JSON: ids)."""
    return {"level": case.level, "grid": case.grid_id, "department": case.department_id}


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


def _above_community(case: Case, to: str | None, department: Department | None) -> Position:
    """From the community: to ``department`` (or the category's default one) unless the
    joint meeting is asked for or there is no department to go to."""
    department = department or (None if to == "joint_meeting" else case.category.default_department)
    if to == "department" or (to is None and department is not None):
        if department is None:
            raise Invalid(
                "请选择派遣的部门",
                code="cases.department_required",
                details=[{"field": "department"}],
            )
        return Position(HandlerLevel.DEPARTMENT, None, department)
    return Position(HandlerLevel.JOINT_MEETING, None, case.department)


def _next_up(case: Case, to: str | None, department: Department | None) -> Position:
    """Where one escalation step goes from the case's level."""
    level = HandlerLevel(case.level)
    if level in (HandlerLevel.NEIGHBOUR, HandlerLevel.GROUP):
        parent = _first_held(case.grid.parent) if case.grid else None
        if parent is not None:
            return Position(_level_of(parent), parent, case.department)
        return Position(HandlerLevel.COMMUNITY, None, case.department)
    if level == HandlerLevel.AREA:
        return Position(HandlerLevel.COMMUNITY, None, case.department)
    if level == HandlerLevel.COMMUNITY:
        return _above_community(case, to, department)
    if level == HandlerLevel.DEPARTMENT:
        return Position(HandlerLevel.JOINT_MEETING, None, case.department)
    raise Conflict("诉求已在五方联席会，不能再上报", code="cases.top_level")


def _escalate(
    case: Case,
    *,
    actor,
    at: dt.datetime,
    note: str,
    to: str | None = None,
    department: Department | None = None,
    action: str = Action.ESCALATE,
) -> Case:
    """Move a locked case one step up (:func:`_next_up`), save it and record the step."""
    from_stage, from_holder = case.stage, case.holder
    target = _next_up(case, to, department)
    case.route = [*case.route, _position(case)]
    case.level, case.grid, case.department = target.level, target.grid, target.department
    if target.level == HandlerLevel.DEPARTMENT:
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
