"""The demo county's grid and party organisation for 兴东社区, with the article's numbers.

5 片, 5 组 and about 133 邻 for 1,786 households (the plan is the real planner's, so the 邻
count is what "地域相邻、类型相近、规模适当" gives on the demo ledger — the closest to 133 among a
few size settings); a leader for every cell; 社区党总支 → 5 联建党支部 → 7 小区党小组 with the
party members among the residents, most of whom 亮身份; monthly theme days; some visits.
Everything is written through the services, from a seed.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from linli.accounts.models import Profile, Role
from linli.core.demo_photos import demo_photo
from linli.ledger.models import Compound, Household, Region, Resident
from linli.ledger.validation import age_on
from linli.party import services as party_services
from linli.party.models import OrgKind

from . import services
from .models import Grid, GridLevel, Membership
from .planning import PlanSettings, load_keys, plan_households

ARTICLE_NEIGHBOURS = 133
ARTICLE_AREAS = 5
CO_BUILDING_UNITS = [
    ("国网衡东县供电公司", "enterprise"),
    ("衡东县第一中学", "school"),
    ("衡东县人民医院", "institution"),
    ("衡东县住房和城乡建设局", "department"),
    ("洣水镇中心小学", "school"),
]
LESSONS = [
    ("学习《民法典》物业服务合同篇", "清理楼道堆积物"),
    ("学习党的二十届三中全会精神", "走访独居老人"),
    ("“小区是我家”主题党课", "整治飞线充电"),
    ("学习《消防法》", "检查小区消防通道"),
    ("学习《衡阳市文明行为促进条例》", "劝导乱停乱放"),
    ("学习“四下基层”工作方法", "收集居民诉求"),
]
DEMO_LEADER_PASSWORD = "linli-demo"
SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱胡郭何罗谭彭曾"
GIVEN_NAMES = ["建华", "志强", "海燕", "丽君", "卫东", "晓明", "红梅", "国庆", "文军", "春兰"]


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


DEMO_LEADER_USERNAMES = ("pianzhang", "zuzhang", "linzhang")


def _demo_user(username: str, role: str, community: Region, grid: Grid, name: str):
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.set_password(DEMO_LEADER_PASSWORD)
    user.save()
    Profile.objects.update_or_create(
        user=user,
        defaults={"role": role, "region": community, "grid": grid, "display_name": name},
    )
    return user


@transaction.atomic
def clear_grid_and_party(town: Region | None) -> None:
    """Remove the demo's grid and party rows below ``town`` (they protect residents)."""
    if town is None:
        return
    communities = Region.objects.filter(path__startswith=town.path)
    from linli.party.models import Member, Organisation, ThemeDay

    orgs = Organisation.objects.filter(community__in=communities)
    ThemeDay.objects.filter(organisation__in=orgs).delete()
    Member.objects.filter(organisation__in=orgs).delete()
    for org in orgs.order_by("-path"):  # children first: parents are protected
        org.delete()
    grids = Grid.objects.filter(community__in=communities)
    from .models import Holding, Visit, VisitPhoto

    Holding.objects.filter(post__grid__in=grids).delete()
    Membership.objects.filter(neighbour__in=grids).delete()
    visits = Visit.objects.filter(household__unit__building__compound__community__in=communities)
    for photo in VisitPhoto.objects.filter(visit__in=visits):
        photo.image.delete(save=False)
    visits.delete()
    Profile.objects.filter(grid__in=grids).update(grid=None)
    for grid in grids.order_by("-path"):
        grid.delete()


@transaction.atomic
def build_grid_and_party(*, community: Region, seed: int) -> dict:
    rng = random.Random(seed)
    today = timezone.localdate()
    plan = _best_plan(community)
    when = dt.datetime(2024, 3, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    services.plan_apply(community=community, plan=plan)
    Membership.objects.filter(neighbour__community=community, end__isnull=True).update(start=when)
    cells = list(Grid.objects.filter(community=community, dissolved_at__isnull=True))
    by_level = {lvl: [c for c in cells if c.level == lvl] for lvl in GridLevel.values}
    households_by_cell = {}
    residents_by_household: dict[int, list[Resident]] = {}
    for r in Resident.objects.filter(
        household__unit__building__compound__community=community
    ).order_by("pk"):
        residents_by_household.setdefault(r.household_id, []).append(r)
    for m in Membership.objects.filter(
        neighbour__in=by_level[GridLevel.NEIGHBOUR], end=None
    ).order_by("household_id"):
        households_by_cell.setdefault(m.neighbour_id, []).append(m.household_id)
    taken: set[int] = set()
    leaders: dict[int, Resident] = {}
    for cell in sorted(cells, key=lambda c: (c.level, c.code)):
        # Each of the 三长 is a different resident living inside the cell they lead.
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
        services.post_assign(grid=cell, resident=leader, reason="居民推选", when=when)
    # Demo logins for the first 片, its 组 and that 组's first 邻.
    area = min(by_level[GridLevel.AREA], key=lambda c: c.code)
    group = min(
        (c for c in by_level[GridLevel.GROUP] if c.parent_id == area.pk), key=lambda c: c.code
    )
    neighbour = min(
        (c for c in by_level[GridLevel.NEIGHBOUR] if c.parent_id == group.pk), key=lambda c: c.code
    )
    logins = []
    for username, role, cell in (
        ("pianzhang", Role.AREA_LEADER, area),
        ("zuzhang", Role.GROUP_LEADER, group),
        ("linzhang", Role.NEIGHBOUR_LEADER, neighbour),
    ):
        holder = leaders.get(cell.pk)
        user = _demo_user(username, role, community, cell, holder.name if holder else username)
        if holder is not None:
            cell.post.holdings.filter(end__isnull=True).update(user=user)
        logins.append((username, DEMO_LEADER_PASSWORD, f"{cell.name}{cell.leader_title}"))
    party = _build_party(rng, community, by_level[GridLevel.AREA], households_by_cell, today)
    visits = _visits(rng, neighbour, households_by_cell, residents_by_household, today)
    return {
        "areas": len(by_level[GridLevel.AREA]),
        "groups": len(by_level[GridLevel.GROUP]),
        "neighbours": len(by_level[GridLevel.NEIGHBOUR]),
        "leaders": len(leaders),
        **party,
        "visits": visits,
        "logins": logins,
    }


def _build_party(rng, community, areas, households_by_cell, today) -> dict:
    top = party_services.organisation_create(
        community=community, kind=OrgKind.GENERAL_BRANCH, name=f"{community.name}党总支"
    )
    areas = sorted(areas, key=lambda c: c.code)
    joint = []
    for i, area in enumerate(areas):
        unit_name, kind = CO_BUILDING_UNITS[i % len(CO_BUILDING_UNITS)]
        org = party_services.organisation_create(
            community=community,
            kind=OrgKind.JOINT_BRANCH,
            parent=top,
            grid=area,
            name=f"{area.name}联建党支部（{unit_name}）",
        )
        unit = party_services.co_building_unit_add(organisation=org, name=unit_name, kind=kind)
        for _ in range(3):  # members from the co-building unit, serving in the 片
            name = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
            party_services.member_add(organisation=org, name=name, unit=unit)
        joint.append(org)
    # 7 党小组 in the 7 largest compounds, under the joint branch of the 片 most of it is in.
    compounds = list(
        Compound.objects.filter(community=community)
        .annotate(n=Count("buildings__units__households"))
        .order_by("-n", "name")[:7]
    )
    area_of_household = {}
    for area, org in zip(areas, joint, strict=True):
        for cell in Grid.objects.filter(path__startswith=area.path, level=GridLevel.NEIGHBOUR):
            for h in households_by_cell.get(cell.pk, []):
                area_of_household[h] = org
    groups = {}
    for compound in compounds:
        hh = compound.buildings.values_list("units__households", flat=True)
        votes: dict[int, int] = {}
        for h in hh:
            if h in area_of_household:
                votes[area_of_household[h].pk] = votes.get(area_of_household[h].pk, 0) + 1
        parent = next(o for o in joint if o.pk == max(votes, key=votes.get)) if votes else joint[0]
        groups[compound.pk] = party_services.organisation_create(
            community=community,
            kind=OrgKind.SMALL_GROUP,
            parent=parent,
            compound=compound,
            name=f"{compound.name}党小组",
        )
    members = 0
    shown = 0
    for r in (
        Resident.objects.filter(
            household__unit__building__compound__community=community, is_party_member=True
        )
        .select_related("household__unit__building")
        .order_by("pk")
    ):
        org = groups.get(r.household.unit.building.compound_id) or area_of_household.get(
            r.household_id, joint[0]
        )
        neighbours = [h for hs in households_by_cell.values() if r.household_id in hs for h in hs][
            :5
        ]
        show = rng.random() < 0.85
        party_services.member_add(
            organisation=org, resident=r, shows_identity=show, contact_households=neighbours
        )
        members += 1
        shown += show
    month = today.replace(day=1)
    for back in range(6):
        first = (month - dt.timedelta(days=31 * back)).replace(day=1)
        for i, org in enumerate(joint):
            lesson, practice = LESSONS[(back + i) % len(LESSONS)]
            attendees = list(org.members.order_by("pk")) + [
                m for g in org.children.order_by("pk") for m in g.members.order_by("pk")
            ]
            attendees = rng.sample(attendees, k=int(len(attendees) * rng.uniform(0.6, 0.9)))
            party_services.theme_day_record(
                organisation=org,
                month=first,
                lesson=lesson,
                practice=practice,
                area=org.grid,
                attendees=attendees,
            )
    return {
        "joint_branches": len(joint),
        "party_groups": len(groups),
        "members": members,
        "members_shown": shown,
    }


def _visits(rng, neighbour, households_by_cell, residents_by_household, today) -> int:
    """The demo 邻长's visits; about half come with a photo taken at the door (generated,
    through the upload module, from a random stream of its own)."""
    user = get_user_model().objects.get(username="linzhang")
    photo_rng = random.Random(f"visit-photos:{neighbour.name}")  # leaves rng untouched
    count = 0
    for h in households_by_cell.get(neighbour.pk, []):
        if rng.random() < 0.6:
            people = residents_by_household.get(h, [])
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
