"""The demo's compounds (小区): 107 of them in 9 communities, planned in memory from a seed.

Each gets the facts the 2023 survey found — exactly 43 三无 across the town, 8 of 兴东社区's 11
— a layout of buildings, units and rooms, a position near its community, and what changed
after the survey (社区托管, 社会化物业, 一小区一对策 …) with the reason officials wrote down.
兴东's surveyed households add up to the article's 1,786. Nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

from linli.ledger.models import ConstructionBackground, PropertyService

from .names import (
    COMMUNITIES,
    PROPERTY_COMPANIES,
    SANWU_AT_SURVEY,
    SHANGHAI,
    SOCIAL_PROPERTY,
    TOWN_CENTRE,
    XINGDONG,
    XINGDONG_HOUSEHOLDS,
    CompoundNames,
)
from .people import HouseholdPlan


@dataclass
class ChangePlan:
    when: dt.datetime
    reason: str
    facts: dict


@dataclass
class CompoundPlan:
    community: str
    name: str
    kind: str
    sanwu: bool
    facts: dict
    slots: list[tuple[str, str, str, int]]  # (building, unit, room, floor) of the full layout
    changes: list[ChangePlan] = field(default_factory=list)
    households: list[HouseholdPlan] = field(default_factory=list)


def _random_when(rng: random.Random, start: dt.date, end: dt.date) -> dt.datetime:
    day = start + dt.timedelta(days=rng.randrange((end - start).days + 1))
    return dt.datetime(day.year, day.month, day.day, rng.randint(9, 17), tzinfo=SHANGHAI)


SANWU_KINDS = (
    (ConstructionBackground.WORK_UNIT_DORMITORY, 34),
    (ConstructionBackground.HOUSING_REFORM, 24),
    (ConstructionBackground.RESETTLEMENT, 20),
    (ConstructionBackground.SELF_BUILT, 12),
    (ConstructionBackground.COMMERCIAL, 10),
)
MANAGED_KINDS = (
    (ConstructionBackground.COMMERCIAL, 45),
    (ConstructionBackground.WORK_UNIT_DORMITORY, 25),
    (ConstructionBackground.HOUSING_REFORM, 15),
    (ConstructionBackground.RESETTLEMENT, 15),
)
HOUSEHOLD_RANGE: dict[str, tuple[int, int]] = {
    ConstructionBackground.WORK_UNIT_DORMITORY: (24, 120),
    ConstructionBackground.HOUSING_REFORM: (40, 160),
    ConstructionBackground.RESETTLEMENT: (80, 280),
    ConstructionBackground.COMMERCIAL: (96, 360),
    ConstructionBackground.SELF_BUILT: (20, 72),
}
YEAR_RANGE: dict[str, tuple[int, int]] = {
    ConstructionBackground.WORK_UNIT_DORMITORY: (1980, 1998),
    ConstructionBackground.HOUSING_REFORM: (1988, 2003),
    ConstructionBackground.RESETTLEMENT: (1996, 2015),
    ConstructionBackground.COMMERCIAL: (1998, 2019),
    ConstructionBackground.SELF_BUILT: (1980, 2000),
}


def _weighted(rng: random.Random, options) -> str:
    values, weights = zip(*options, strict=True)
    return rng.choices(values, weights=weights)[0]


def _layout(rng: random.Random, kind: str, year: int, households: int):
    """Buildings, units, floors (≤ 7) and rooms (x01, x02) holding ``households`` dwellings."""
    slots: list[tuple[str, str, str, int]] = []
    number = 0
    while len(slots) < households:
        number += 1
        floors = rng.randint(4, 6) if year < 1990 else rng.randint(5, 7) if year < 2000 else 7
        if kind == ConstructionBackground.SELF_BUILT:
            floors = rng.randint(3, 5)
        units = (
            rng.randint(1, 3) if kind != ConstructionBackground.COMMERCIAL else rng.randint(2, 4)
        )
        building = f"{number}栋"
        for u in range(1, units + 1):
            for floor in range(1, floors + 1):
                for r in (1, 2):
                    slots.append((building, f"{u}单元", f"{floor}{r:02d}", floor))
    return slots[:households], number


def _survey_facts(rng: random.Random, kind: str, sanwu: bool, unit: str | None) -> dict:
    """What the 2023 survey found: property, responsible unit, guards, security, party."""
    facts: dict = {
        "property_service": PropertyService.NONE,
        "property_company": "",
        "responsible_unit": "",
        "has_guards": False,
        "guards_note": "",
        "has_gate": False,
        "has_cameras": False,
        "has_fence": False,
        "has_lighting": False,
        "security_note": "",
        "party_organisation": "未建立",
        "note": "",
    }
    if sanwu:
        facts["guards_note"] = rng.choice(("无门卫、无专人值守", "无人值守", "原门卫室已废弃"))
        facts["security_note"] = rng.choice(
            (
                "无门禁、无监控、无围墙",
                "开放式小区，无门禁和监控",
                "围墙倒塌未修复，路灯损坏，无监控",
                "无物防设施",
            )
        )
        if kind == ConstructionBackground.WORK_UNIT_DORMITORY and unit:
            facts["note"] = f"原{unit}改制后无主管单位"
        elif kind == ConstructionBackground.HOUSING_REFORM and unit:
            facts["note"] = f"房改后原{unit}不再管理"
        elif kind == ConstructionBackground.COMMERCIAL:
            facts["note"] = "开发商撤场，前期物业退出"
        elif kind == ConstructionBackground.RESETTLEMENT:
            facts["note"] = "安置后未移交物业"
        else:
            facts["note"] = "居民自建，从未有物业"
        if rng.random() < 0.12:
            facts["party_organisation"] = "小区党小组"
        return facts
    if kind == ConstructionBackground.COMMERCIAL:
        facts.update(
            property_service=PropertyService.PROFESSIONAL,
            property_company=rng.choice(PROPERTY_COMPANIES),
            has_guards=True,
            guards_note=rng.choice(("物业24小时门岗", "物业门岗值守，夜间巡逻")),
            has_gate=True,
            has_cameras=True,
            has_fence=True,
            has_lighting=True,
            security_note="门禁、监控、围墙、路灯齐全",
        )
    elif kind in (
        ConstructionBackground.WORK_UNIT_DORMITORY,
        ConstructionBackground.HOUSING_REFORM,
    ):
        facts.update(
            responsible_unit=f"衡东县{unit}",
            has_guards=rng.random() < 0.6,
            has_gate=True,
            has_fence=True,
            has_lighting=True,
            has_cameras=rng.random() < 0.4,
        )
        facts["guards_note"] = "单位安排门卫值守" if facts["has_guards"] else "无专人值守"
        facts["security_note"] = "有大门、围墙、路灯" + ("、监控" if facts["has_cameras"] else "")
    else:  # resettlement looked after by the residents themselves
        facts.update(
            has_guards=True,
            guards_note="居民自聘门卫，白天值守",
            has_lighting=True,
            has_gate=rng.random() < 0.5,
            security_note="有路灯" + ("、大门" if rng.random() < 0.5 else ""),
        )
    facts["party_organisation"] = _weighted(
        rng, (("联建党支部", 35), ("小区党小组", 30), ("未建立", 35))
    )
    return facts


def plan_compounds(seed: int) -> list[CompoundPlan]:
    rng = random.Random(f"{seed}:compounds")
    names = CompoundNames(rng)
    plans: list[CompoundPlan] = []
    # Which of the 96 compounds outside 兴东 were 三无 at the survey.
    others = sum(n for _, _, n, fixed, _ in COMMUNITIES if fixed is None)
    fixed_sanwu = sum(fixed for _, _, _, fixed, _ in COMMUNITIES if fixed is not None)
    other_sanwu = set(rng.sample(range(others), SANWU_AT_SURVEY - fixed_sanwu))
    other_index = 0
    for community, _code, count, fixed, roads in COMMUNITIES:
        if fixed is not None:
            flags = [True] * fixed + [False] * (count - fixed)
            rng.shuffle(flags)
        else:
            flags = [other_index + i in other_sanwu for i in range(count)]
            other_index += count
        numbers = rng.sample(range(1, 300), count)
        for i, sanwu in enumerate(flags):
            kind = _weighted(rng, SANWU_KINDS if sanwu else MANAGED_KINDS)
            unit = None
            if kind == ConstructionBackground.COMMERCIAL:
                name = names.estate()
            elif kind == ConstructionBackground.RESETTLEMENT:
                name = names.resettlement(rng, community)
            elif kind == ConstructionBackground.SELF_BUILT:
                name = names.self_built_area()
            else:
                unit = names.unit(enterprise=sanwu)
                name = names.dormitory(unit, rng, kind == ConstructionBackground.HOUSING_REFORM)
            year = rng.randint(*YEAR_RANGE[kind])
            households = rng.randint(*HOUSEHOLD_RANGE[kind])
            facts = _survey_facts(rng, kind, sanwu, unit)
            facts.update(
                address=f"洣水镇{rng.choice(roads)}{numbers[i]}号",
                year_built=year,
                construction_background=kind,
                surveyed_households=households,
            )
            plans.append(
                CompoundPlan(
                    community=community, name=name, kind=kind, sanwu=sanwu, facts=facts, slots=[]
                )
            )
    _fit_xingdong(plans)
    for plan in plans:
        layout_rng = random.Random(f"{seed}:layout:{plan.community}:{plan.name}")
        plan.slots, buildings = _layout(
            layout_rng, plan.kind, plan.facts["year_built"], plan.facts["surveyed_households"]
        )
        plan.facts["surveyed_buildings"] = buildings
        plan.facts["surveyed_party_members"] = max(
            0, round(plan.facts["surveyed_households"] * layout_rng.uniform(0.12, 0.2))
        )
        plan.facts["latitude"], plan.facts["longitude"] = _position(seed, plan)
    _plan_changes(rng, plans)
    return plans


def _fit_xingdong(plans: list[CompoundPlan]) -> None:
    """Scale 兴东's surveyed households so they add up to the article's 1,786."""
    xingdong = [p for p in plans if p.community == XINGDONG]
    raw = [p.facts["surveyed_households"] for p in xingdong]
    total = sum(raw)
    sizes = [max(20, math.floor(n * XINGDONG_HOUSEHOLDS / total)) for n in raw]
    sizes[sizes.index(max(sizes))] += XINGDONG_HOUSEHOLDS - sum(sizes)
    for plan, size in zip(xingdong, sizes, strict=True):
        plan.facts["surveyed_households"] = size


def _plan_changes(rng: random.Random, plans: list[CompoundPlan]) -> None:
    """What changed after the survey, 2024–2026, with the reasons officials wrote down."""
    _xingdong_changes(rng, plans)
    _other_changes(rng, plans)


def _xingdong_changes(rng: random.Random, plans: list[CompoundPlan]) -> None:
    xingdong = [p for p in plans if p.community == XINGDONG]
    # 兴东: every compound ends with property or social property service (the article);
    # 7 end with a 小区党小组, the rest under a 联建党支部.
    party = ["小区党小组"] * 7 + ["联建党支部"] * (len(xingdong) - 7)
    rng.shuffle(party)
    for plan, organisation in zip(xingdong, party, strict=True):
        if plan.sanwu and rng.random() < 0.65:
            when = _random_when(rng, dt.date(2024, 1, 8), dt.date(2024, 9, 30))
            plan.changes.append(
                ChangePlan(
                    when,
                    f"{when.year}年起社区托管，建立{organisation}",
                    {
                        "property_service": PropertyService.COMMUNITY_CUSTODY,
                        "guards_note": "社区托管，楼栋长轮流值守",
                        "party_organisation": organisation,
                    },
                )
            )
        elif plan.facts["property_service"] == PropertyService.NONE:
            when = _random_when(rng, dt.date(2024, 3, 1), dt.date(2025, 6, 30))
            plan.changes.append(
                ChangePlan(
                    when,
                    f"{when.year}年经业主大会表决引入社会化物业服务",
                    {
                        "property_service": PropertyService.SOCIAL,
                        "property_company": rng.choice(SOCIAL_PROPERTY),
                        "has_guards": True,
                        "guards_note": "社会化物业门岗值守",
                        "party_organisation": organisation,
                    },
                )
            )
        elif plan.facts["party_organisation"] != organisation:
            when = _random_when(rng, dt.date(2024, 3, 1), dt.date(2024, 12, 31))
            plan.changes.append(
                ChangePlan(
                    when,
                    f"{when.year}年党建联建，建立{organisation}",
                    {"party_organisation": organisation},
                )
            )
        if plan.sanwu:
            when = _random_when(rng, dt.date(2025, 1, 6), dt.date(2026, 5, 29))
            plan.changes.append(
                ChangePlan(
                    when,
                    "一小区一对策：安装监控、增设路灯、修缮围墙",
                    {
                        "has_cameras": True,
                        "has_lighting": True,
                        "has_fence": True,
                        "security_note": "监控、路灯、围墙已改造到位",
                    },
                )
            )


def _other_changes(rng: random.Random, plans: list[CompoundPlan]) -> None:
    """Elsewhere about a third of the 三无小区 have been taken in hand so far."""
    for plan in plans:
        if plan.community == XINGDONG:
            continue
        if plan.sanwu and rng.random() < 0.34:
            how = rng.choice(("custody", "social", "fivefold"))
            facts: dict[str, object]
            if how == "custody":
                when = _random_when(rng, dt.date(2024, 4, 1), dt.date(2025, 12, 31))
                facts = {"property_service": PropertyService.COMMUNITY_CUSTODY}
                reason = f"{when.year}年起社区托管"
            elif how == "social":
                when = _random_when(rng, dt.date(2025, 1, 1), dt.date(2026, 6, 30))
                facts = {
                    "property_service": PropertyService.SOCIAL,
                    "property_company": rng.choice(SOCIAL_PROPERTY),
                }
                reason = f"{when.year}年引入社会化物业服务"
            else:
                when = _random_when(rng, dt.date(2024, 6, 1), dt.date(2026, 6, 30))
                facts = {
                    "has_guards": True,
                    "guards_note": "业委会聘请门卫",
                    "has_cameras": True,
                    "security_note": "五方联席会议定，安装监控",
                }
                reason = "五方联席会议定：聘请门卫、安装监控"
            plan.changes.append(ChangePlan(when, reason, facts))
        elif not plan.sanwu and rng.random() < 0.12:
            when = _random_when(rng, dt.date(2024, 1, 1), dt.date(2026, 6, 30))
            if plan.facts["property_service"] == PropertyService.PROFESSIONAL:
                company = rng.choice(
                    [c for c in PROPERTY_COMPANIES if c != plan.facts["property_company"]]
                )
                plan.changes.append(
                    ChangePlan(when, "业主大会续聘改选物业企业", {"property_company": company})
                )
            else:
                plan.changes.append(
                    ChangePlan(
                        when,
                        f"{when.year}年建立小区党小组",
                        {"party_organisation": "小区党小组"},
                    )
                )


def _position(seed: int, plan: CompoundPlan) -> tuple[Decimal, Decimal]:
    spot = random.Random(f"{seed}:spot:{plan.community}")
    lat = TOWN_CENTRE[0] + spot.uniform(-0.018, 0.018)
    lng = TOWN_CENTRE[1] + spot.uniform(-0.018, 0.018)
    gate = random.Random(f"{seed}:gate:{plan.community}:{plan.name}")
    lat += gate.uniform(-0.0027, 0.0027)
    lng += gate.uniform(-0.003, 0.003)
    six = Decimal("0.000001")
    return Decimal(str(lat)).quantize(six), Decimal(str(lng)).quantize(six)
