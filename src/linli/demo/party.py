"""The demo's party organisation for 兴东社区: 社区党总支 → 5 联建党支部 (one per 片, each with a
co-building unit and three of its members) → 7 小区党小组 in the largest compounds; the party
members among the residents, most of whom 亮身份; six months of 主题党日. Written through the
party services, on the grid the grid layer has just built, from the same random stream.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count

from linli.grid.models import Grid, GridLevel
from linli.ledger.models import Compound, Region, Resident
from linli.party import services as party_services
from linli.party.models import Member, Organisation, OrgKind, ThemeDay

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
SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱胡郭何罗谭彭曾"
GIVEN_NAMES = ["建华", "志强", "海燕", "丽君", "卫东", "晓明", "红梅", "国庆", "文军", "春兰"]


def clear_party(town: Region | None) -> None:
    """Remove the demo's party rows below ``town`` (members protect residents)."""
    if town is None:
        return
    communities = Region.objects.filter(path__startswith=town.path)
    orgs = Organisation.objects.filter(community__in=communities)
    ThemeDay.objects.filter(organisation__in=orgs).delete()
    Member.objects.filter(organisation__in=orgs).delete()
    for org in orgs.order_by("-path"):  # children first: parents are protected
        org.delete()


def build_party(*, rng, community, areas, households_by_cell, today) -> dict:
    """The party tree of ``community`` over its 片 (``areas``); ``rng`` is the grid layer's
    stream, continued (so the figures stay those of the seed)."""
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
        parent = (
            next(o for o in joint if o.pk == max(votes, key=votes.__getitem__))
            if votes
            else joint[0]
        )
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
