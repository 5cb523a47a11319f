"""Reads of the grid, each starting from what the requesting user may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from linli.core import uploads
from linli.core.errors import NotFound
from linli.core.policy import get_or_404
from linli.core.tree import path_ids
from linli.ledger.models import Household, Region, Resident

from .models import Grid, GridLevel, Holding, Membership, Visit, VisitPhoto


def grids_for(user) -> QuerySet[Grid]:
    return Grid.objects.current().restrict(user)


def grid_get_for(*, actor, grid_id: int) -> Grid:
    grid = grids_for(actor).select_related("community", "parent").filter(pk=grid_id).first()
    if grid is None:
        raise NotFound("网格不存在或无权查看")
    return grid


def current_holder(grid: Grid) -> Holding | None:
    return (
        Holding.objects.filter(post__grid=grid, end__isnull=True)
        .select_related("resident__household__unit__building__compound", "user")
        .first()
    )


def holders_by_grid(grid_ids) -> dict[int, Holding]:
    return {
        h.post.grid_id: h
        for h in Holding.objects.filter(
            post__grid_id__in=grid_ids, end__isnull=True
        ).select_related("post", "resident")
    }


def holder_at(*, household: Household, level: int, when: dt.datetime) -> Holding | None:
    """Who led ``household``'s 邻 (or its 组/片 with ``level``) at ``when``.

    "Who was 邻长 of room 3-2-501 last March" is this query.
    """
    membership = (
        Membership.objects.filter(household=household, start__lte=when)
        .filter(Q(end__isnull=True) | Q(end__gt=when))
        .select_related("neighbour")
        .first()
    )
    if membership is None:
        return None
    grid = membership.neighbour
    ids = path_ids(grid.path)
    target_id = ids[level - 1] if len(ids) >= level else None
    if target_id is None:  # no cell at that level: post__grid_id=None would match nothing
        return None
    return (
        Holding.objects.filter(post__grid_id=target_id, start__lte=when)
        .filter(Q(end__isnull=True) | Q(end__gt=when))
        .select_related("resident", "post__grid")
        .first()
    )


def households_in(grid: Grid) -> QuerySet[Household]:
    """The households now in a 邻, or in every 邻 under a 组/片."""
    return Household.objects.filter(
        grid_memberships__end__isnull=True, grid_memberships__neighbour__path__startswith=grid.path
    )


def my_households(*, actor, stale_days: int = 30) -> QuerySet[Household]:
    """The households a leader (or worker) sees, with last visit date and stale flag."""
    last_visit = (
        Visit.objects.filter(household=OuterRef("pk")).order_by("-visited_on").values("visited_on")
    )
    neighbour = Membership.objects.filter(household=OuterRef("pk"), end__isnull=True).values(
        "neighbour__name"
    )
    return (
        Household.objects.restrict(actor)
        .select_related("unit__building__compound")
        .annotate(
            last_visit=Subquery(last_visit[:1]),
            neighbour_name=Subquery(neighbour[:1]),
            resident_count=Count("residents", distinct=True),
        )
        .order_by("unit__building__compound__name", "unit__building__name", "unit__name", "room")
    )


def stale_cutoff(stale_days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=stale_days)


def neighbour_rollup(*, actor, grid: Grid, stale_days: int = 30) -> list[dict]:
    """For a 组长/片长: each 邻 below ``grid`` with households, visited and not visited lately."""
    cutoff = stale_cutoff(stale_days)
    neighbours = list(
        grids_for(actor)
        .filter(path__startswith=grid.path, level=GridLevel.NEIGHBOUR)
        .order_by("path")
    )
    stats = {
        row["neighbour_id"]: row
        for row in Membership.objects.filter(end__isnull=True, neighbour__in=neighbours)
        .values("neighbour_id")
        .annotate(
            households=Count("household_id", distinct=True),
            last=Max("household__visits__visited_on"),
        )
    }
    recent = dict(
        Membership.objects.filter(
            end__isnull=True, neighbour__in=neighbours, household__visits__visited_on__gte=cutoff
        )
        .values("neighbour_id")
        .annotate(n=Count("household_id", distinct=True))
        .values_list("neighbour_id", "n")
    )
    holders = holders_by_grid([n.pk for n in neighbours])
    out = []
    for n in neighbours:
        row: Mapping[str, Any] = stats.get(n.pk, {})
        total = row.get("households", 0)
        out.append(
            {
                "grid": n,
                "holder": holders.get(n.pk),
                "households": total,
                "visited": recent.get(n.pk, 0),
                "stale": total - recent.get(n.pk, 0),
            }
        )
    return out


def households_without_neighbour(*, actor, community: Region) -> QuerySet[Household]:
    return (
        Household.objects.restrict(actor)
        .filter(unit__building__compound__community=community)
        .exclude(Exists(Membership.objects.filter(household=OuterRef("pk"), end__isnull=True)))
        .select_related("unit__building__compound")
    )


def posts_without_holder(*, actor, community: Region) -> QuerySet[Grid]:
    return (
        grids_for(actor)
        .filter(community=community)
        .exclude(Exists(Holding.objects.filter(post__grid=OuterRef("pk"), end__isnull=True)))
        .order_by("path")
    )


def leaders_outside_area(*, actor, community: Region) -> list[Holding]:
    """Current holders whose own household is not inside the grid cell they lead."""
    grids = grids_for(actor).filter(community=community)
    holdings = Holding.objects.filter(end__isnull=True, post__grid__in=grids).select_related(
        "resident", "post__grid"
    )
    out = []
    inside = {
        (m["household_id"], m["neighbour__path"])
        for m in Membership.objects.filter(
            end__isnull=True,
            household_id__in=[h.resident.household_id for h in holdings],
        ).values("household_id", "neighbour__path")
    }
    paths = dict(inside)
    for h in holdings:
        path = paths.get(h.resident.household_id, "")
        if not path.startswith(h.post.grid.path):
            out.append(h)
    return out


def residents_of(households) -> dict[int, list[Resident]]:
    by_household: dict[int, list[Resident]] = {}
    for r in Resident.objects.filter(household__in=households).order_by("id"):
        by_household.setdefault(r.household_id, []).append(r)
    return by_household


def household_get_for(*, actor, household_id: int) -> Household:
    try:
        return get_or_404(
            Household.objects.select_related("unit__building__compound__community"),
            actor,
            pk=household_id,
        )
    except NotFound:
        raise NotFound("房屋不存在或无权查看") from None


def visit_photo_get_for(*, actor, photo_id: int) -> VisitPhoto:
    """A visit photo for whoever may see the visited household; out of scope is
    :class:`NotFound` with the same message as a missing id (``linli.core.uploads.NOT_FOUND``)."""
    try:
        return get_or_404(VisitPhoto.objects.all(), actor, pk=photo_id)
    except NotFound:
        raise NotFound(uploads.NOT_FOUND) from None


def household_counts_by_neighbour(grid_ids) -> dict[int, int]:
    return dict(
        Membership.objects.filter(end__isnull=True, neighbour_id__in=grid_ids)
        .values("neighbour_id")
        .annotate(n=Count("id"))
        .values_list("neighbour_id", "n")
    )


def cell_compounds(grid: Grid) -> list[dict]:
    """The boundary of a cell as officials say it: compounds, with their buildings/units."""
    rows = (
        households_in(grid)
        .values("unit__building__compound__name", "unit__building__name", "unit__name")
        .annotate(n=Count("id"))
        .order_by("unit__building__compound__name", "unit__building__name", "unit__name")
    )
    out: dict[str, dict] = {}
    for row in rows:
        c = out.setdefault(
            row["unit__building__compound__name"],
            {"name": row["unit__building__compound__name"], "parts": [], "households": 0},
        )
        c["parts"].append(f"{row['unit__building__name']}{row['unit__name']}")
        c["households"] += row["n"]
    return list(out.values())
