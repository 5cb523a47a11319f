"""The demo's grid for 兴东社区, with the article's numbers.

5 片, 5 组 and about 133 邻 for 1,786 households (the plan is the real planner's, so the 邻
count is what "地域相邻、类型相近、规模适当" gives on the demo ledger — the closest to 133 among a
few size settings); a leader for every cell, the demo logins of the first 片, 组 and 邻, and
that 邻长's visits. The party tree (``party.py``) is built on this grid between the leaders and
the visits, from the same random stream. Everything is written through the services, from a
seed.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from linli.accounts.models import Profile
from linli.core.roles import Role
from linli.grid import services
from linli.grid.models import Grid, GridLevel, Holding, Membership, Visit, VisitPhoto
from linli.grid.planning import PlanSettings, load_keys, plan_households
from linli.ledger.models import Household, HouseholdUse, Region, Relation, Resident
from linli.ledger.validation import age_on

from .logins import LEADER_PASSWORD, LEADER_USERNAMES, ensure_login
from .photos import demo_photo

ARTICLE_NEIGHBOURS = 133
ARTICLE_AREAS = 5
# The posts are held from the day the grid was set up.
GRID_SET_UP = dt.datetime(2024, 3, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai"))


@dataclass
class GridLayer:
    """What the grid layer built, and what the layers on it (party tree, visits) need."""

    community: Region
    rng: random.Random  # the layer's stream; the party tree and the visits continue it
    today: dt.date
    by_level: dict[int, list[Grid]]
    households_by_cell: dict[int, list[int]]  # 邻 id → household ids
    residents_by_household: dict[int, list[Resident]]
    leaders: dict[int, Resident]  # cell id → the resident holding its post
    neighbour: Grid  # the demo 邻长's 邻
    logins: list[tuple[str, str, str]]  # username, password, what the login shows

    def counts(self) -> dict:
        return {
            "areas": len(self.by_level[GridLevel.AREA]),
            "groups": len(self.by_level[GridLevel.GROUP]),
            "neighbours": len(self.by_level[GridLevel.NEIGHBOUR]),
            "leaders": len(self.leaders),
        }


def _best_plan(community: Region):
    keys = load_keys(community)
    best = None
    for target in (13, 14, 12):
        for spread in (None, (9, 18), (8, 20)):
            lo, hi = spread or (None, None)
            neighbours = max(1, round(len(keys) / target))
            settings = PlanSettings(
                households_per_neighbour=target,
                neighbour_min=lo,
                neighbour_max=hi,
                neighbours_per_group=-(-min(neighbours, ARTICLE_NEIGHBOURS) // ARTICLE_AREAS),
                groups_per_area=1,
            )
            plan = plan_households(keys, settings)
            n = sum(1 for _ in plan.neighbours())
            score = (abs(n - ARTICLE_NEIGHBOURS), abs(len(plan.areas) - ARTICLE_AREAS))
            if best is None or score < best[0]:
                best = (score, plan)
    if best is None:  # the loops above always try a plan
        raise RuntimeError("no grid plan")
    return best[1]


def _pick_leader(rng: random.Random, residents: list[Resident], today: dt.date) -> Resident | None:
    """Prefer a party member aged 45-75 (often retired volunteers), then any adult."""

    def age(r):
        return age_on(r.birth_date, today) if r.birth_date else 0

    for pool in (
        [r for r in residents if r.is_party_member and 45 <= age(r) <= 75],
        [r for r in residents if 40 <= age(r) <= 75],
        [r for r in residents if age(r) >= 18],
    ):
        if pool:
            return rng.choice(sorted(pool, key=lambda r: r.pk))
    return None


@transaction.atomic
def clear_grid(town: Region | None) -> None:
    """Remove the demo's grid rows below ``town`` (its posts protect residents); the party
    rows on it go first (:func:`linli.demo.party.clear_party`)."""
    if town is None:
        return
    communities = Region.objects.filter(path__startswith=town.path)
    grids = Grid.objects.filter(community__in=communities)
    Holding.objects.filter(post__grid__in=grids).delete()
    Membership.objects.filter(neighbour__in=grids).delete()
    visits = Visit.objects.filter(household__unit__building__compound__community__in=communities)
    for photo in VisitPhoto.objects.filter(visit__in=visits):
        photo.image.delete(save=False)
    visits.delete()
    Profile.objects.filter(grid__in=grids).update(grid=None)
    for grid in grids.order_by("-path"):
        grid.delete()


def build_grid(*, community: Region, seed: int) -> GridLayer:
    """Partition ``community`` into 片/组/邻 with the planner, put a leader in every cell and
    make the three leader logins."""
    rng = random.Random(seed)
    today = timezone.localdate()
    services.plan_apply(community=community, plan=_best_plan(community))
    Membership.objects.filter(neighbour__community=community, end__isnull=True).update(
        start=GRID_SET_UP
    )
    cells = list(Grid.objects.filter(community=community, dissolved_at__isnull=True))
    by_level = {lvl: [c for c in cells if c.level == lvl] for lvl in GridLevel.values}
    residents_by_household: dict[int, list[Resident]] = {}
    for r in Resident.objects.filter(
        household__unit__building__compound__community=community
    ).order_by("pk"):
        residents_by_household.setdefault(r.household_id, []).append(r)
    households_by_cell: dict[int, list[int]] = {}
    for m in Membership.objects.filter(
        neighbour__in=by_level[GridLevel.NEIGHBOUR], end=None
    ).order_by("household_id"):
        households_by_cell.setdefault(m.neighbour_id, []).append(m.household_id)
    leaders = _assign_leaders(rng, cells, households_by_cell, residents_by_household, today)
    neighbour, logins = _leader_logins(community, by_level, leaders)
    _move_resident_login(neighbour, households_by_cell, residents_by_household)
    return GridLayer(
        community=community,
        rng=rng,
        today=today,
        by_level=by_level,
        households_by_cell=households_by_cell,
        residents_by_household=residents_by_household,
        leaders=leaders,
        neighbour=neighbour,
        logins=logins,
    )


def _assign_leaders(
    rng: random.Random,
    cells: list[Grid],
    households_by_cell: dict[int, list[int]],
    residents_by_household: dict[int, list[Resident]],
    today: dt.date,
) -> dict[int, Resident]:
    """Each of the 三长 is a different resident living inside the cell they lead."""
    taken: set[int] = set()
    leaders: dict[int, Resident] = {}
    for cell in sorted(cells, key=lambda c: (c.level, c.code)):
        neighbour_ids = (
            [cell.pk]
            if cell.level == GridLevel.NEIGHBOUR
            else [c.pk for c in cells if c.path.startswith(cell.path) and c.level == 3]
        )
        pool = [
            r
            for n in sorted(neighbour_ids)
            for h in households_by_cell.get(n, [])
            for r in residents_by_household.get(h, [])
            if r.pk not in taken
        ]
        leader = _pick_leader(rng, pool, today)
        if leader is None:
            continue
        taken.add(leader.pk)
        leaders[cell.pk] = leader
        services.post_assign(grid=cell, resident=leader, reason="居民推选", when=GRID_SET_UP)
    return leaders


def _leader_logins(
    community: Region, by_level: dict[int, list[Grid]], leaders: dict[int, Resident]
) -> tuple[Grid, list[tuple[str, str, str]]]:
    """Demo logins for the first 片, its 组 and that 组's first 邻, holding those posts;
    returns that 邻 and the logins."""
    logins = []
    area = min(by_level[GridLevel.AREA], key=lambda c: c.code)
    group = min(
        (c for c in by_level[GridLevel.GROUP] if c.parent_id == area.pk), key=lambda c: c.code
    )
    neighbour = min(
        (c for c in by_level[GridLevel.NEIGHBOUR] if c.parent_id == group.pk), key=lambda c: c.code
    )
    roles = (Role.AREA_LEADER, Role.GROUP_LEADER, Role.NEIGHBOUR_LEADER)
    for username, role, cell in zip(LEADER_USERNAMES, roles, (area, group, neighbour), strict=True):
        holder = leaders.get(cell.pk)
        user = ensure_login(
            username,
            LEADER_PASSWORD,
            profile={
                "role": role,
                "region": community,
                "grid": cell,
                "display_name": holder.name if holder else username,
            },
        )
        if holder is not None:
            cell.post.holdings.filter(end__isnull=True).update(user=user)
        logins.append((username, LEADER_PASSWORD, f"{cell.name}{cell.leader_title}"))
    return neighbour, logins


def _move_resident_login(
    neighbour: Grid,
    households_by_cell: dict[int, list[int]],
    residents_by_household: dict[int, list[Resident]],
) -> None:
    """The resident login becomes the head of an owner-occupied household in the demo 邻长's
    邻, so the resident → 邻长 flow can be followed with two demo logins."""
    user = get_user_model().objects.filter(username="resident").select_related("profile").first()
    if user is None:
        return
    for pk in households_by_cell.get(neighbour.pk, []):
        people = residents_by_household.get(pk, [])
        head = next((r for r in people if r.relation == Relation.HEAD), None)
        household = Household.objects.get(pk=pk)
        if head is None or household.use != HouseholdUse.OWNER_OCCUPIED or len(head.phone) != 11:
            continue
        profile = user.profile
        profile.display_name, profile.phone, profile.household = head.name, head.phone, household
        profile.save(update_fields=["display_name", "phone", "household"])
        return


def build_visits(layer: GridLayer) -> int:
    """The demo 邻长's visits; about half come with a photo taken at the door (generated,
    through the upload module, from a random stream of its own)."""
    rng, neighbour, today = layer.rng, layer.neighbour, layer.today
    user = get_user_model().objects.get(username=LEADER_USERNAMES[2])
    photo_rng = random.Random(f"visit-photos:{neighbour.name}")  # leaves rng untouched
    count = 0
    for h in layer.households_by_cell.get(neighbour.pk, []):
        if rng.random() < 0.6:
            people = layer.residents_by_household.get(h, [])
            visited_on = today - dt.timedelta(days=rng.randint(1, 60))
            raised = rng.choice(["", "楼道灯不亮", "想了解物业费标准", "邻居飞线充电", ""])
            scene = {"楼道灯不亮": "stairwell", "邻居飞线充电": "doorway"}.get(raised, "doorway")
            with_photo = bool(raised) or photo_rng.random() < 0.4
            services.visit_record(
                actor=user,
                household=Household.objects.get(pk=h),
                visited_on=visited_on,
                met=people[0].name if people else "无人在家",
                raised=raised,
                photos=[demo_photo(photo_rng, scene=scene)] if with_photo else (),
            )
            count += 1
    return count
