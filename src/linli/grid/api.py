"""Grid API: cells, assignment, posts, visits and the community reports."""

from typing import Annotated

from django.contrib.auth import get_user_model
from ninja import Field, Router, Status
from ninja.pagination import paginate

from linli.core.bounds import Id
from linli.core.errors import NotFound
from linli.core.policy import Capability, readable_or_404
from linli.core.schemas import READ_ERRORS, WRITE_ERRORS, PageNumberPagination
from linli.ledger.models import Resident
from linli.ledger.selectors import community_get_for

from . import selectors, services
from .models import Visit
from .schemas import (
    GridDetailOut,
    GridIn,
    GridOut,
    HoldingIn,
    HoldingOut,
    MembershipIn,
    MembershipOut,
    ReportOut,
    VisitIn,
    VisitOut,
)

router = Router(tags=["grid"])


def _annotated(grids):
    grids = list(grids)
    counts = selectors.household_counts_by_neighbour([g.pk for g in grids])
    holders = selectors.holders_by_grid([g.pk for g in grids])
    for g in grids:
        g.households = counts.get(g.pk, 0)
        g.leader = holders[g.pk].resident.name if g.pk in holders else None
        g.level_label = g.get_level_display()
    return grids


@router.get("/cells", response={200: list[GridOut], **READ_ERRORS}, summary="网格列表（片/组/邻）")
@paginate(PageNumberPagination, page_size=100)
def cell_list(
    request, community: Id | None = None, level: Annotated[int, Field(ge=1, le=3)] | None = None
):
    qs = selectors.grids_for(request.user).order_by("path")
    if community is not None:
        qs = qs.filter(community_id=community)
    if level is not None:
        qs = qs.filter(level=level)
    return _annotated(qs)


@router.get(
    "/cells/{int:grid_id}",
    response={200: GridDetailOut, **READ_ERRORS},
    summary="网格详情与任职历史",
)
def cell_detail(request, grid_id: Id):
    grid = selectors.grid_get_for(actor=request.user, grid_id=grid_id)
    (grid,) = _annotated([grid])
    grid.child_cells = _annotated(selectors.grids_for(request.user).filter(parent=grid))
    grid.holder_history = list(grid.post.holdings.select_related("post", "resident"))
    return grid


@router.post("/cells", response={201: GridOut, **WRITE_ERRORS}, summary="新建片/组/邻")
def cell_create(request, payload: GridIn):
    community = community_get_for(actor=request.user, community_id=payload.community)
    parent = None
    if payload.parent is not None:
        parent = selectors.grid_get_for(actor=request.user, grid_id=payload.parent)
    grid = services.grid_create(
        actor=request.user,
        community=community,
        level=payload.level,
        name=payload.name,
        parent=parent,
        boundary_note=payload.boundary_note,
        complaint_phone=payload.complaint_phone,
    )
    return Status(201, _annotated([grid])[0])


@router.post(
    "/memberships", response={201: MembershipOut, **WRITE_ERRORS}, summary="把一户划入一个邻"
)
def membership_create(request, payload: MembershipIn):
    household = selectors.household_get_for(actor=request.user, household_id=payload.household)
    neighbour = selectors.grid_get_for(actor=request.user, grid_id=payload.neighbour)
    membership = services.household_assign(
        actor=request.user, household=household, neighbour=neighbour
    )
    return Status(201, membership)


@router.post(
    "/cells/{int:grid_id}/holder", response={201: HoldingOut, **WRITE_ERRORS}, summary="任命三长"
)
def holder_set(request, grid_id: Id, payload: HoldingIn):
    grid = selectors.grid_get_for(actor=request.user, grid_id=grid_id)
    resident = Resident.objects.restrict(request.user).filter(pk=payload.resident).first()
    if resident is None:
        raise NotFound("居民不存在或无权查看", details=[{"field": "resident"}])
    user = None
    if payload.user is not None:
        user = get_user_model().objects.filter(pk=payload.user).first()
        if user is None:
            raise NotFound("账号不存在")
    holding = services.post_assign(
        actor=request.user, grid=grid, resident=resident, user=user, reason=payload.reason
    )
    return Status(201, holding)


@router.get("/visits", response={200: list[VisitOut], **READ_ERRORS}, summary="走访记录")
@paginate(PageNumberPagination, page_size=50)
def visit_list(request, household: Id | None = None):
    qs = (
        Visit.objects.restrict(request.user)
        .select_related("visitor__profile")
        .prefetch_related("photos")
        .order_by("-visited_on", "-id")
    )
    if household is not None:
        qs = qs.filter(household_id=household)
    return qs


@router.post("/visits", response={201: VisitOut, **WRITE_ERRORS}, summary="记录走访")
def visit_create(request, payload: VisitIn):
    household = selectors.household_get_for(actor=request.user, household_id=payload.household)
    visit = services.visit_record(
        actor=request.user,
        household=household,
        visited_on=payload.visited_on,
        met=payload.met,
        raised=payload.raised,
    )
    return Status(201, visit)


@router.get(
    "/communities/{int:community_id}/report",
    response={200: ReportOut, **READ_ERRORS},
    summary="网格体检",
)
def report(request, community_id: Id):
    """Officials and workers; for anyone else the report is out of scope, a 404 exactly like
    a community that is missing or not theirs."""
    readable_or_404(request.user, Capability.GRID_MANAGE, "社区不存在或无权查看")
    community = community_get_for(actor=request.user, community_id=community_id)
    return {
        "households_without_neighbour": list(
            selectors.households_without_neighbour(
                actor=request.user, community=community
            ).values_list("pk", flat=True)
        ),
        "posts_without_holder": list(
            selectors.posts_without_holder(actor=request.user, community=community).values_list(
                "pk", flat=True
            )
        ),
        "leaders_outside_area": [
            h.pk for h in selectors.leaders_outside_area(actor=request.user, community=community)
        ],
    }
