"""Writes to the grid: cells, household assignment, leader posts, visits, applying a plan."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from linli.core import changes
from linli.core.errors import Forbidden, Invalid, NotFound
from linli.core.policy import Capability, can
from linli.core.tree import child_path
from linli.core.uploads import accept_uploads
from linli.ledger.models import Household, Region, RegionLevel, Resident

from .models import Grid, GridLevel, Holding, Membership, Post, Visit, VisitMode, VisitPhoto


def _check_grid_visible(actor, grid: Grid) -> None:
    """A cell the actor cannot see is answered like a missing one (never named)."""
    if actor is None:
        return
    if not Grid.objects.restrict(actor).filter(pk=grid.pk).exists():
        raise NotFound("网格不存在或无权查看")


def _check_editor(actor, community: Region) -> None:
    if actor is None:
        return
    if not Region.objects.restrict(actor).filter(pk=community.pk).exists():
        raise NotFound("社区不存在或无权查看")
    if not can(actor, Capability.GRID_MANAGE):
        raise Forbidden("当前角色无权调整网格")


def grid_code(community: Region, level: int, sequence: int) -> str:
    """DB11/T 2157 style: the community's 12-digit statistical code + level + 3-digit sequence."""
    base = community.code or f"C{community.pk:011d}"
    return f"{base}{level}{sequence:03d}"


@transaction.atomic
def grid_create(
    *,
    actor=None,
    community: Region,
    level: int,
    name: str,
    parent: Grid | None = None,
    boundary_note: str = "",
    complaint_phone: str = "",
) -> Grid:
    _check_editor(actor, community)  # scope first: nothing named out of scope
    if community.level != RegionLevel.COMMUNITY:
        raise Invalid(f"“{community.name}”不是社区", code="grid.not_a_community")
    if level != GridLevel.AREA:
        if parent is None or parent.level != level - 1:
            raise Invalid("组须属于片，邻须属于组", code="grid.parent_level")
        if parent.community_id != community.pk:
            raise Invalid("上级网格不在同一社区", code="grid.parent_community")
    elif parent is not None:
        raise Invalid("片是最上级网格，没有上级", code="grid.parent_level")
    sequence = (
        Grid.objects.filter(community=community, level=level)
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
        or 0
    ) + 1
    grid = Grid.objects.create(
        community=community,
        level=level,
        name=name,
        parent=parent,
        sequence=sequence,
        code=grid_code(community, level, sequence),
        boundary_note=boundary_note,
        complaint_phone=complaint_phone,
    )
    grid.path = child_path(parent, grid.pk)
    grid.save(update_fields=["path"])
    Post.objects.create(grid=grid)
    return grid


def _household_community_id(household: Household) -> int:
    return (
        Household.objects.filter(pk=household.pk)
        .values_list("unit__building__compound__community_id", flat=True)
        .get()
    )


@transaction.atomic
def household_assign(
    *, actor=None, household: Household, neighbour: Grid, when: dt.datetime | None = None
) -> Membership:
    """Put a household in a 邻; its previous 邻 (if any) ends at the same moment."""
    community = neighbour.community
    _check_editor(actor, community)  # scope first: nothing named out of scope
    if actor is not None and not Household.objects.restrict(actor).filter(pk=household.pk).exists():
        raise NotFound("房屋不存在或无权查看", details=[{"field": "household"}])
    if neighbour.level != GridLevel.NEIGHBOUR or neighbour.dissolved_at is not None:
        raise Invalid(f"“{neighbour.name}”不是现行的邻", code="grid.not_a_neighbour")
    if _household_community_id(household) != neighbour.community_id:
        raise Invalid(f"{household}不在{community.name}，不能划入该邻", code="grid.other_community")
    when = when or timezone.now()
    current = (
        Membership.objects.select_for_update().filter(household=household, end__isnull=True).first()
    )
    if current is not None:
        if current.neighbour_id == neighbour.pk:
            return current
        current.end = when
        current.save(update_fields=["end"])
    return Membership.objects.create(household=household, neighbour=neighbour, start=when)


@transaction.atomic
def post_assign(
    *,
    actor=None,
    grid: Grid,
    resident: Resident,
    user=None,
    reason: str = "",
    when: dt.datetime | None = None,
) -> Holding:
    """Make ``resident`` the leader of ``grid``; the previous holder's term ends now."""
    _check_editor(actor, grid.community)
    if grid.dissolved_at is not None:
        raise Invalid(f"网格“{grid.name}”已撤销", code="grid.dissolved")
    if actor is not None and not Resident.objects.restrict(actor).filter(pk=resident.pk).exists():
        raise NotFound("居民不存在或无权查看", details=[{"field": "resident"}])
    when = when or timezone.now()
    post = Post.objects.select_for_update().get(grid=grid)
    current = post.holdings.filter(end__isnull=True).first()
    if current is not None:
        if current.resident_id == resident.pk:
            return current
        current.end = when
        current.reason = current.reason or reason
        current.save(update_fields=["end", "reason"])
    return Holding.objects.create(
        post=post, resident=resident, user=user, start=when, reason=reason
    )


@transaction.atomic
def post_vacate(*, actor=None, grid: Grid, reason: str, when: dt.datetime | None = None) -> None:
    _check_editor(actor, grid.community)
    when = when or timezone.now()
    Holding.objects.filter(post__grid=grid, end__isnull=True).update(end=when, reason=reason)
    changes.community_changed(grid.community_id, since=when)


@transaction.atomic
def visit_record(
    *,
    actor,
    household: Household,
    visited_on: dt.date,
    met: str,
    raised: str = "",
    photos: Iterable = (),
    mode: str = VisitMode.HOME,
) -> Visit:
    """A 走访 by a grid leader (or worker) to a household they may see."""
    if not Household.objects.restrict(actor).filter(pk=household.pk).exists():
        raise NotFound("房屋不存在或无权查看")
    return visit_save(
        visitor=actor,
        household=household,
        visited_on=visited_on,
        met=met,
        raised=raised,
        photos=photos,
        mode=mode,
    )


def visit_save(
    *,
    visitor,
    household: Household,
    visited_on: dt.date,
    met: str,
    raised: str = "",
    photos: Iterable = (),
    mode: str = VisitMode.HOME,
    health: str = "",
    living: str = "",
    needs: str = "",
    follow_up: str = "",
    today: dt.date | None = None,
) -> Visit:
    """Validate and write one visit; the caller has checked the visitor's scope (the grid's
    :func:`visit_record` by household, ``care.services.care_visit_record`` by registry entry).
    """
    if visited_on > (today or timezone.localdate()):
        raise Invalid(
            "走访日期不能晚于今天",
            code="grid.visit_in_future",
            details=[{"field": "visited_on", "value": visited_on.isoformat()}],
        )
    if not met.strip():
        raise Invalid("请填写见到的人", code="grid.visit_met_required", details=[{"field": "met"}])
    if mode not in VisitMode.values:
        raise Invalid(
            "探访方式须为上门、电话或视频",
            code="grid.visit_mode",
            details=[{"field": "mode", "value": str(mode)}],
        )
    photos = accept_uploads(photos, app="grid", field_name="photos", what="照片")
    visit = Visit.objects.create(
        household=household,
        visitor=visitor,
        visited_on=visited_on,
        met=met.strip(),
        raised=raised.strip(),
        mode=mode,
        health=health.strip(),
        living=living.strip(),
        needs=needs.strip(),
        follow_up=follow_up.strip(),
    )
    for accepted in photos:
        VisitPhoto.objects.create(visit=visit, image=accepted.as_file())
    return visit


@transaction.atomic
def plan_apply(*, actor=None, community: Region, plan, rebalance: bool = False) -> dict:
    """Write a plan (``linli.grid.planning.Plan``) in one transaction.

    Fresh: the community's current cells are dissolved, new 片/组/邻 created, every household
    given a membership. Rebalance: the 片/组 stay; each planned 邻 reuses the current 邻 most of
    its households are already in, a 邻 with no such match is created in the 组 most of its
    households came from, current 邻 left unused are dissolved, and only households whose 邻
    changes get a new membership. Returns ``{"created", "dissolved", "moves"}``.
    """
    _check_editor(actor, community)
    if community.level != RegionLevel.COMMUNITY:
        raise Invalid(f"“{community.name}”不是社区", code="grid.not_a_community")
    neighbours = [n for a in plan.areas for g in a.groups for n in g.neighbours]
    if not neighbours:
        raise Invalid(f"{community.name}没有可划分的住户", code="grid.empty_plan")
    planned_ids = [h for n in neighbours for h in n.households]
    if len(planned_ids) != len(set(planned_ids)):
        raise Invalid("方案中有住户被划入两个邻", code="grid.overlap")
    outside = Household.objects.filter(pk__in=planned_ids).exclude(
        unit__building__compound__community=community
    )
    if outside.exists():
        raise Invalid("方案中有不属于本社区的住户", code="grid.other_community")
    now = timezone.now()
    current = dict(
        Membership.objects.filter(
            end__isnull=True, household__unit__building__compound__community=community
        ).values_list("household_id", "neighbour_id")
    )
    live = Grid.objects.filter(community=community, dissolved_at__isnull=True)
    targets: list[Grid] = []
    created = 0
    if rebalance and live.filter(level=GridLevel.NEIGHBOUR).exists():
        by_id = {g.pk: g for g in live}
        taken: set[int] = set()
        for n in neighbours:
            votes = Counter(current[h] for h in n.households if h in current)
            # The planner says which current 邻 this one continues; else the majority's.
            existing = getattr(n, "existing", None)
            match = existing if existing in by_id and existing not in taken else None
            if match is None:
                match = next((gid for gid, _ in votes.most_common() if gid not in taken), None)
            if match is not None:
                taken.add(match)
                targets.append(by_id[match])
                continue
            groups = Counter(by_id[gid].parent_id for gid in votes.elements())
            parent_id = groups.most_common(1)[0][0] if groups else None
            parent = (by_id.get(parent_id) if parent_id is not None else None) or live.filter(
                level=GridLevel.GROUP
            ).last()
            targets.append(
                grid_create(
                    community=community, level=GridLevel.NEIGHBOUR, parent=parent, name=n.label
                )
            )
            created += 1
        dissolve = [
            g.pk for g in by_id.values() if g.level == GridLevel.NEIGHBOUR and g.pk not in taken
        ]
    else:
        dissolve = list(live.values_list("pk", flat=True))
        targets, created = _plan_cells_create(community=community, plan=plan)
    Membership.objects.filter(neighbour_id__in=dissolve, end__isnull=True).update(end=now)
    Holding.objects.filter(post__grid_id__in=dissolve, end__isnull=True).update(
        end=now, reason="网格调整撤销"
    )
    Grid.objects.filter(pk__in=dissolve).update(dissolved_at=now)
    moves = 0
    new_memberships = []
    for grid, n in zip(targets, neighbours, strict=True):
        changing = [h for h in n.households if current.get(h) != grid.pk]
        moves += sum(1 for h in changing if h in current)
        Membership.objects.filter(household_id__in=changing, end__isnull=True).update(end=now)
        new_memberships += [Membership(household_id=h, neighbour=grid, start=now) for h in changing]
        if n.label and grid.boundary_note != n.label:
            Grid.objects.filter(pk=grid.pk).update(boundary_note=n.label)
    Membership.objects.bulk_create(new_memberships, batch_size=1000)
    changes.community_changed(community.pk, since=now)
    return {"created": created, "dissolved": len(dissolve), "moves": moves}


def _plan_cells_create(*, community: Region, plan) -> tuple[list[Grid], int]:
    """Create a fresh plan's 片, 组 and 邻; returns the 邻 in plan order and the cells made."""
    targets: list[Grid] = []
    created = 0
    for a_i, area in enumerate(plan.areas, start=1):
        area_grid = grid_create(community=community, level=GridLevel.AREA, name=f"第{a_i}片")
        created += 1
        for g_i, group in enumerate(area.groups, start=1):
            group_grid = grid_create(
                community=community,
                level=GridLevel.GROUP,
                parent=area_grid,
                name=f"第{a_i}片第{g_i}组",
            )
            created += 1
            for n in group.neighbours:
                targets.append(
                    grid_create(
                        community=community,
                        level=GridLevel.NEIGHBOUR,
                        parent=group_grid,
                        name=n.label,
                    )
                )
                created += 1
    return targets, created
