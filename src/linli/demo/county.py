"""The demo county: 衡东县洣水镇 as the article describes it, reproducible from a seed.

``build_demo(seed=2026)`` (re)builds:

* the region tree 湖南省 → 衡阳市 → 衡东县 → 洣水镇 → 9 communities (兴东社区 first);
* 107 compounds, created as of the survey (2023-06-30, Asia/Shanghai) with facts that make
  exactly 43 of them 三无, then changed 2024–2026 (社区托管, 社会化物业, 一小区一对策 …) through
  ``compound_update(when=..., reason=...)`` so the history answers "43 then, fewer now";
  兴东社区's 11 compounds all end with property or social property service, as the article says;
* households and residents — 兴东社区 complete (1,786 households), the other communities
  populated to ``scale`` of their surveyed households — written as a ledger workbook and loaded
  with the Excel importer, the same path officials use;
* the demo logins (``DEMO_USERS``).

Everything random comes from ``random.Random`` and Faker zh_CN seeded from ``seed``; each compound
has its own streams, so 兴东社区's residents do not depend on ``scale``. Ages are reckoned at
``REFERENCE_DATE`` (not today) so the same seed gives the same ID numbers on any day.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from faker import Faker
from stdnum.cn import ric

from linli.accounts.models import Profile, Role

from . import services
from .columns import RESIDENT_ALL_COLUMNS, RESIDENT_EXPORT, RESIDENT_SHEET
from .models import (
    TAG_FIELDS,
    AreaSource,
    Compound,
    ConstructionBackground,
    Household,
    HouseholdUse,
    PropertyService,
    Region,
    RegionLevel,
    Relation,
    ResidenceStatus,
    Resident,
)
from .selectors import sanwu_count_as_of

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_SEED = 2026
# The survey (摸底) that found 43 三无小区; compounds are created as of this moment.
SURVEY_AT = dt.datetime(2023, 6, 30, tzinfo=SHANGHAI)
# Ages are reckoned at this date, so a seed gives the same people whatever the day.
REFERENCE_DATE = dt.date(2026, 6, 30)
DEFAULT_SCALE = 1.0
SANWU_AT_SURVEY = 43
XINGDONG = "兴东社区"
XINGDONG_HOUSEHOLDS = 1786
DEMO_URL = "http://127.0.0.1:8000/"

PROVINCE = ("湖南省", "430000000000")
CITY = ("衡阳市", "430400000000")
COUNTY = ("衡东县", "430424000000")
TOWN = ("洣水镇", "430424100000")

# name, 12-digit code, compounds, 三无 at the survey (None: drawn at random), roads
COMMUNITIES: tuple[tuple[str, str, int, int | None, tuple[str, ...]], ...] = (
    ("兴东社区", "430424100001", 11, 8, ("兴东路", "东正街", "迎宾大道")),
    ("新塘社区", "430424100002", 14, None, ("新塘路", "衡岳北路", "白莲路")),
    ("城西社区", "430424100003", 13, None, ("城西路", "人民路", "文化路")),
    ("洣江社区", "430424100004", 12, None, ("洣江路", "滨江路", "沿河路")),
    ("草市社区", "430424100005", 12, None, ("草市路", "老街", "河街")),
    ("东风社区", "430424100006", 12, None, ("东风路", "城东路", "大浦路")),
    ("南湾社区", "430424100007", 11, None, ("南湾路", "滨江路", "杨林路")),
    ("红卫社区", "430424100008", 11, None, ("红卫路", "人民路", "建设路")),
    ("建设社区", "430424100009", 11, None, ("建设路", "文化路", "迎宾大道")),
)

# username, password, role (None: superuser), region key, what the login shows
DEMO_USERS: tuple[tuple[str, str, str, str | None, str], ...] = (
    ("admin", "linli-admin", "", "county", "超级管理员，全部数据与后台"),
    ("county", "linli-county", Role.COUNTY_OFFICIAL, "county", "县干部，衡东县"),
    ("town", "linli-town", Role.TOWN_OFFICIAL, "town", "镇干部，洣水镇"),
    ("xingdong", "linli-xingdong", Role.COMMUNITY_WORKER, "xingdong", "社区工作人员，兴东社区"),
    ("resident", "linli-resident", Role.RESIDENT, None, "居民，无管辖区域"),
)

# Units of the county whose staff housing became compounds. Enterprises were restructured
# (改制) and left their dormitories without a responsible unit; institutions still look after
# theirs.
ENTERPRISES = (
    "供销社", "农机厂", "氮肥厂", "化肥厂", "棉纺厂", "丝绸厂", "酒厂", "食品公司", "五金公司",
    "百货公司", "糖酒公司", "药材公司", "建筑公司", "搬运公司", "印刷厂", "机械厂", "陶瓷厂",
    "水泥厂", "木材公司", "蔬菜公司", "运输公司", "棉麻公司", "土产公司", "粮油公司", "茶厂",
    "造纸厂", "农药厂", "纺织厂", "砖瓦厂", "被服厂", "电影公司", "饮食服务公司", "化工厂",
    "冶炼厂", "竹木器厂", "二轻公司",
)  # fmt: skip
INSTITUTIONS = (
    "粮食局", "物资局", "交通局", "水利局", "林业局", "税务局", "邮电局", "电力局",
    "自来水公司", "人民医院", "中医医院", "妇幼保健院", "第一中学", "城关中学", "洣水中学",
    "实验小学", "农业银行", "工商银行", "农村信用社", "公路局", "气象局", "广播电视局",
    "文化馆", "新华书店", "烟草公司", "石油公司", "卫生防疫站", "城建局", "房产局",
    "人武部", "财政局", "教育局", "农业局", "畜牧水产局", "民政局", "司法局",
)  # fmt: skip
ESTATES = (
    "洣江花园", "锦绣华庭", "阳光新城", "滨江苑", "金色家园", "富康小区", "幸福家园", "书香苑",
    "兴隆小区", "东方明珠花园", "华府名城", "金桂苑", "翠竹园", "御景湾", "世纪花园",
    "龙腾小区", "状元府", "鑫源小区", "福星小区", "和谐家园", "江南名居", "湘江明珠",
    "盛世华庭", "天润城", "金都花园", "碧水蓝天", "建华小区", "东湖苑", "丽景华庭",
    "荣华小区", "丰泽园", "美景花园", "嘉和园", "润泽小区", "泰和家园", "聚福园", "富丽花园",
    "春晖小区", "宏达小区", "博雅苑", "怡景园", "长乐苑", "祥和小区", "紫薇苑", "桂花园",
    "清水湾", "万福苑", "康乐小区", "金湘小区", "银河小区",
)  # fmt: skip
# Places for resettlement compounds besides the community's own name (兴东安置小区 …).
RESETTLEMENT_PLACES = (
    "城东", "大桥", "滨江", "油麻田", "白莲", "杨林", "新街", "高湖", "码头", "河堤", "大浦",
    "霞流", "沙湾", "莫井", "吴集", "石湾", "荣桓", "三樟",
)  # fmt: skip
SELF_BUILT = (
    "东正街民居片", "老街民居片", "河街居民区", "米行巷", "打铁巷", "油行巷", "竹器巷",
    "盐码头居民点", "谢家巷", "刘家湾", "李家大屋", "周家坪", "彭家巷", "肖家湾", "罗家冲",
)  # fmt: skip
PROPERTY_COMPANIES = (
    "衡东县洣水物业服务有限公司", "衡东县安居物业管理有限公司", "湖南湘衡物业服务有限公司",
    "衡阳市宏远物业管理有限公司", "衡东县金盾物业服务有限公司",
)  # fmt: skip
SOCIAL_PROPERTY = (
    "衡东县邻里社会化物业服务中心", "洣水镇居民服务合作社", "衡东县惠民社会化物业服务有限公司",
)  # fmt: skip

# Mobile prefixes of the three carriers; 衡东 landlines are 0734-5xxxxxx.
MOBILE_PREFIXES = (
    "139", "138", "137", "136", "135", "150", "151", "152", "158", "159", "182", "187", "188",
    "130", "131", "132", "155", "156", "185", "186", "133", "153", "180", "181", "189", "177",
)  # fmt: skip
HOME_REGION = "430424"  # 衡东县
NEARBY_REGIONS = ("430421", "430422", "430423", "430426", "430481", "430482", "430405")

USE_LABELS = dict(HouseholdUse.choices)
RELATION_LABELS = dict(Relation.choices)
RESIDENCE_LABELS = dict(ResidenceStatus.choices)
AREA_SOURCE_LABELS = dict(AreaSource.choices)
TAG_LABELS = dict(TAG_FIELDS)


# ---------------------------------------------------------------------------------------------
# The plan: everything the demo will write, computed in memory from the seed.


@dataclass
class PersonPlan:
    name: str
    surname: str
    id_number: str
    sex: str
    birth_date: dt.date
    relation: str
    phone: str = ""
    is_owner: bool = False
    residence: str = ResidenceStatus.RESIDENT
    tags: set[str] = field(default_factory=set)
    note: str = ""


@dataclass
class HouseholdPlan:
    building: str
    unit: str
    room: str
    floor: int
    area: Decimal
    area_source: str
    use: str
    note: str = ""
    people: list[PersonPlan] = field(default_factory=list)


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


@dataclass
class DemoSummary:
    seed: int
    scale: float
    communities: int = 0
    compounds: int = 0
    sanwu_at_survey: int = 0
    sanwu_today: int = 0
    households: int = 0
    residents: int = 0
    xingdong_compounds: int = 0
    xingdong_households: int = 0
    xingdong_residents: int = 0
    xingdong_sanwu_at_survey: int = 0
    xingdong_sanwu_today: int = 0
    seconds: float = 0.0
    import_warnings: int = 0
    users: list[tuple[str, str, str, str]] = field(default_factory=list)


class _People:
    """Makes people: names, valid unique ID numbers and phones, from seeded streams."""

    def __init__(self, used_ids: set[str], used_phones: set[str]):
        self.used_ids = used_ids
        self.used_phones = used_phones

    def id_number(self, rng: random.Random, region: str, birth: dt.date, sex: str) -> str:
        while True:
            seq = rng.randrange(0, 500) * 2 + (1 if sex == "M" else 0)
            body = f"{region}{birth:%Y%m%d}{seq:03d}"
            number = body + ric.calc_check_digit(body + "?")  # it ignores the last character
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def mobile(self, rng: random.Random) -> str:
        while True:
            number = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number

    def landline(self, rng: random.Random) -> str:
        return f"0734-5{rng.randrange(10**6):06d}"

    def phone_for(self, rng: random.Random, age: int) -> str:
        if age < 18:
            return ""
        if age < 70:
            return self.mobile(rng) if rng.random() < 0.97 else ""
        roll = rng.random()
        if roll < (0.75 if age < 80 else 0.45):
            return self.mobile(rng)
        if roll < 0.9:
            return self.landline(rng)
        return ""


def _birth(rng: random.Random, age: int) -> dt.date:
    """A birth date giving ``age`` full years at REFERENCE_DATE."""
    latest = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - age)
    return latest - dt.timedelta(days=rng.randrange(0, 365))


def _age(birth: dt.date) -> int:
    ref = REFERENCE_DATE
    return ref.year - birth.year - ((ref.month, ref.day) < (birth.month, birth.day))


class _Family:
    """One household's people, sharing the family surname where they should."""

    def __init__(self, people: _People, rng: random.Random, fake: Faker):
        self.people, self.rng, self.fake = people, rng, fake
        self.members: list[PersonPlan] = []

    def add(
        self,
        *,
        age: int,
        sex: str,
        relation: str,
        surname: str | None = None,
        region: str | None = None,
        **extra,
    ) -> PersonPlan:
        rng, fake = self.rng, self.fake
        surname = surname or fake.last_name()
        given = fake.first_name_male() if sex == "M" else fake.first_name_female()
        if region is None:
            region = HOME_REGION if rng.random() < 0.88 else rng.choice(NEARBY_REGIONS)
        birth = _birth(rng, age)
        extra["tags"] = set(extra.get("tags", ()))  # never share one set between people
        person = PersonPlan(
            name=surname + given,
            surname=surname,
            id_number=self.people.id_number(rng, region, birth, sex),
            sex=sex,
            birth_date=birth,
            relation=relation,
            phone=self.people.phone_for(rng, age),
            **extra,
        )
        self.members.append(person)
        return person


def _other(sex: str) -> str:
    return "F" if sex == "M" else "M"


def _couple(fam: _Family, head_age: int, head_sex: str | None = None, **extra):
    """户主 and 配偶; returns (head, spouse, the husband's surname for the children)."""
    rng = fam.rng
    head_sex = head_sex or ("M" if rng.random() < 0.72 else "F")
    head = fam.add(
        age=head_age,
        sex=head_sex,
        relation=Relation.HEAD,
        region=HOME_REGION,
        is_owner=True,
        **extra,
    )
    gap = rng.randint(-2, 4)
    spouse_age = max(20, head_age - gap if head_sex == "M" else head_age + gap)
    spouse = fam.add(age=spouse_age, sex=_other(head_sex), relation=Relation.SPOUSE, **extra)
    return head, spouse, (head if head_sex == "M" else spouse).surname


def _child_age(rng: random.Random, parent_age: int, low: int = 0, high: int = 17) -> int:
    return max(low, min(high, parent_age - rng.randint(23, 36)))


def _owner_family(fam: _Family) -> None:
    """An owner-occupied household: one of the family shapes of a county town."""
    rng = fam.rng
    shape = rng.choices(
        ("young", "middle", "empty_nest", "alone", "left_behind", "couple", "single", "three_gen"),
        weights=(22, 20, 7, 3.5, 1.5, 16, 14, 9),
    )[0]
    if shape == "young":
        head, _, surname = _couple(fam, rng.randint(30, 45))
        for _ in range(1 if rng.random() < 0.65 else 2):
            fam.add(
                age=_child_age(rng, _age(head.birth_date)),
                sex=rng.choice("MF"),
                relation=Relation.CHILD,
                surname=surname,
                region=HOME_REGION,
            )
    elif shape == "middle":
        head, _, surname = _couple(fam, rng.randint(45, 62))
        child_age = _child_age(rng, _age(head.birth_date), low=12, high=36)
        away = child_age >= 20 and rng.random() < 0.3
        child = fam.add(
            age=child_age,
            sex=rng.choice("MF"),
            relation=Relation.CHILD,
            surname=surname,
            region=HOME_REGION,
            residence=ResidenceStatus.REGISTERED_ONLY if away else ResidenceStatus.RESIDENT,
            note="在外务工" if away else "",
        )
        if child_age >= 26 and not away and rng.random() < 0.35:
            fam.add(
                age=child_age + rng.randint(-3, 2),
                sex=_other(child.sex),
                relation=Relation.CHILD_IN_LAW,
            )
            fam.add(
                age=rng.randint(0, max(0, min(10, child_age - 24))),
                sex=rng.choice("MF"),
                relation=Relation.GRANDCHILD,
                surname=surname,
                region=HOME_REGION,
            )
    elif shape == "empty_nest":
        _couple(fam, rng.randint(62, 84), tags={"is_empty_nest"})
    elif shape == "alone":
        fam.add(
            age=rng.randint(66, 90),
            sex="F" if rng.random() < 0.65 else "M",
            relation=Relation.HEAD,
            region=HOME_REGION,
            is_owner=True,
            tags={"lives_alone"},
        )
    elif shape == "left_behind":
        head, _, surname = _couple(fam, rng.randint(55, 72), head_sex="M")
        child = fam.add(
            age=_child_age(rng, _age(head.birth_date), low=24, high=42),
            sex="M",
            relation=Relation.CHILD,
            surname=surname,
            region=HOME_REGION,
            residence=ResidenceStatus.REGISTERED_ONLY,
            note="在外务工",
        )
        if rng.random() < 0.7:
            fam.add(
                age=_age(child.birth_date) + rng.randint(-3, 1),
                sex="F",
                relation=Relation.CHILD_IN_LAW,
                residence=ResidenceStatus.REGISTERED_ONLY,
                note="在外务工",
            )
        for _ in range(1 if rng.random() < 0.6 else 2):
            fam.add(
                age=rng.randint(3, min(15, max(3, _age(child.birth_date) - 20))),
                sex=rng.choice("MF"),
                relation=Relation.GRANDCHILD,
                surname=surname,
                region=HOME_REGION,
                tags={"is_left_behind_child"},
            )
    elif shape == "couple":
        _couple(fam, rng.randint(25, 60))
    elif shape == "single":
        fam.add(
            age=rng.randint(28, 64),
            sex=rng.choice("MF"),
            relation=Relation.HEAD,
            region=HOME_REGION,
            is_owner=True,
        )
    else:  # three generations under one roof
        head, _, surname = _couple(fam, rng.randint(35, 52), head_sex="M")
        fam.add(
            age=_child_age(rng, _age(head.birth_date)),
            sex=rng.choice("MF"),
            relation=Relation.CHILD,
            surname=surname,
            region=HOME_REGION,
        )
        parent_age = min(92, _age(head.birth_date) + rng.randint(24, 33))
        if rng.random() < 0.5:
            fam.add(
                age=parent_age,
                sex="M",
                relation=Relation.PARENT,
                surname=surname,
                region=HOME_REGION,
            )
        fam.add(age=parent_age - rng.randint(0, 4), sex="F", relation=Relation.PARENT)


def _tenant_family(fam: _Family, near_school: bool) -> None:
    rng = fam.rng
    study = rng.random() < (0.3 if near_school else 0.1)
    living = {"residence": ResidenceStatus.LIVING_ONLY}
    if study:  # 陪读妈妈 from the countryside renting near the schools
        mother = fam.add(
            age=rng.randint(34, 46),
            sex="F",
            relation=Relation.TENANT,
            region=HOME_REGION,
            tags={"is_study_companion"},
            note="陪读",
            **living,
        )
        for _ in range(1 if rng.random() < 0.8 else 2):
            fam.add(
                age=rng.randint(12, min(18, _age(mother.birth_date) - 20)),
                sex=rng.choice("MF"),
                relation=Relation.TENANT,
                tags={"is_study_companion"},
                note="就读县城学校",
                **living,
            )
        return
    count = rng.choices((1, 2, 3), weights=(45, 35, 20))[0]
    base = rng.randint(22, 45)
    first_sex = rng.choice("MF")
    for i in range(count):
        age = base + rng.randint(-2, 3) if i < 2 else _child_age(rng, base)
        sex = first_sex if i == 0 else (_other(first_sex) if i == 1 else rng.choice("MF"))
        fam.add(age=age, sex=sex, relation=Relation.TENANT, **living)


def _absent_owner(fam: _Family, note: str) -> None:
    fam.add(
        age=fam.rng.randint(32, 70),
        sex="M" if fam.rng.random() < 0.6 else "F",
        relation=Relation.HEAD,
        region=HOME_REGION,
        is_owner=True,
        residence=ResidenceStatus.REGISTERED_ONLY,
        note=note,
    )


def _tag_people(rng: random.Random, members: list[PersonPlan], party_rate: float) -> None:
    """Party members, veterans, disability and 低保 in realistic proportions."""
    low_income = rng.random() < 0.025
    for person in members:
        age = _age(person.birth_date)
        if age >= 18:
            if rng.random() < party_rate * (1.4 if age >= 55 else 1.0):
                person.tags.add("is_party_member")
            if person.sex == "M" and age >= 24 and rng.random() < 0.04:
                person.tags.add("is_veteran")
        if rng.random() < 0.02:
            person.tags.add("is_disabled")
        if low_income and person.residence != ResidenceStatus.LIVING_ONLY:
            person.tags.add("is_low_income")


# ---------------------------------------------------------------------------------------------
# Compounds


def _random_when(rng: random.Random, start: dt.date, end: dt.date) -> dt.datetime:
    day = start + dt.timedelta(days=rng.randrange((end - start).days + 1))
    return dt.datetime(day.year, day.month, day.day, rng.randint(9, 17), tzinfo=SHANGHAI)


class _Names:
    """Compound names drawn without repeats from the pools above."""

    def __init__(self, rng: random.Random):
        self.enterprises = rng.sample(ENTERPRISES, len(ENTERPRISES))
        self.institutions = rng.sample(INSTITUTIONS, len(INSTITUTIONS))
        self.estates = rng.sample(ESTATES, len(ESTATES))
        self.places = rng.sample(RESETTLEMENT_PLACES, len(RESETTLEMENT_PLACES))
        self.self_built = rng.sample(SELF_BUILT, len(SELF_BUILT))
        self.taken: set[str] = set()

    def _unique(self, name: str) -> str:
        for suffix in ("", "二期", "三期", "四期", "五期"):
            if name + suffix not in self.taken:
                self.taken.add(name + suffix)
                return name + suffix
        raise AssertionError(name)

    def unit(self, enterprise: bool) -> str:
        pool = self.enterprises if enterprise else self.institutions
        unit = pool.pop() if pool else (ENTERPRISES if enterprise else INSTITUTIONS)[0]
        return unit

    def estate(self) -> str:
        return self._unique(self.estates.pop() if self.estates else ESTATES[0])

    def resettlement(self, rng: random.Random, community: str) -> str:
        own = community.removesuffix("社区")
        if not any(name.startswith(own) for name in self.taken):
            place = own
        else:
            place = self.places.pop() if self.places else RESETTLEMENT_PLACES[0]
        return self._unique(place + rng.choice(("安置小区", "安置小区", "还建小区", "安置区")))

    def self_built_area(self) -> str:
        return self._unique(self.self_built.pop() if self.self_built else SELF_BUILT[0])

    def dormitory(self, unit: str, rng: random.Random, reform: bool) -> str:
        suffixes = ("房改小区", "宿舍", "职工宿舍") if reform else ("宿舍", "家属区", "生活区")
        return self._unique(unit + rng.choice(suffixes))


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
HOUSEHOLD_RANGE = {
    ConstructionBackground.WORK_UNIT_DORMITORY: (24, 120),
    ConstructionBackground.HOUSING_REFORM: (40, 160),
    ConstructionBackground.RESETTLEMENT: (80, 280),
    ConstructionBackground.COMMERCIAL: (96, 360),
    ConstructionBackground.SELF_BUILT: (20, 72),
}
YEAR_RANGE = {
    ConstructionBackground.WORK_UNIT_DORMITORY: (1980, 1998),
    ConstructionBackground.HOUSING_REFORM: (1988, 2003),
    ConstructionBackground.RESETTLEMENT: (1996, 2015),
    ConstructionBackground.COMMERCIAL: (1998, 2019),
    ConstructionBackground.SELF_BUILT: (1980, 2000),
}
AREA_RANGE = {
    ConstructionBackground.WORK_UNIT_DORMITORY: (45, 78),
    ConstructionBackground.HOUSING_REFORM: (52, 92),
    ConstructionBackground.RESETTLEMENT: (68, 125),
    ConstructionBackground.COMMERCIAL: (82, 140),
    ConstructionBackground.SELF_BUILT: (55, 135),
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


def _plan_compounds(seed: int) -> list[CompoundPlan]:
    rng = random.Random(f"{seed}:compounds")
    names = _Names(rng)
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
    # Elsewhere about a third of the 三无小区 have been taken in hand so far.
    for plan in plans:
        if plan.community == XINGDONG:
            continue
        if plan.sanwu and rng.random() < 0.34:
            how = rng.choice(("custody", "social", "fivefold"))
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


# ---------------------------------------------------------------------------------------------
# Households and residents


def _plan_households(
    seed: int, plan: CompoundPlan, count: int, people: _People
) -> list[HouseholdPlan]:
    key = f"{seed}:people:{plan.community}:{plan.name}"
    rng = random.Random(key)
    fake = Faker("zh_CN")
    fake.seed_instance(key)
    lo, hi = AREA_RANGE[plan.kind]
    base_area: dict[tuple[str, str, str], Decimal] = {}
    street = plan.kind in (
        ConstructionBackground.COMMERCIAL,
        ConstructionBackground.RESETTLEMENT,
        ConstructionBackground.SELF_BUILT,
    )
    near_school = rng.random() < 0.4
    party_rate = 0.11 if plan.kind == ConstructionBackground.WORK_UNIT_DORMITORY else 0.07
    source = {
        ConstructionBackground.SELF_BUILT: AreaSource.SURVEYED,
        ConstructionBackground.RESETTLEMENT: AreaSource.CONTRACT,
    }.get(plan.kind, AreaSource.REGISTERED)
    households = []
    for building, unit, room, floor in plan.slots[:count]:
        column = (building, unit, room[-2:])
        if column not in base_area:
            base_area[column] = Decimal(f"{rng.uniform(lo, hi):.2f}")
        roll = rng.random()
        if floor == 1 and street and roll < 0.2:
            use = HouseholdUse.COMMERCIAL
        elif roll < 0.05 + (0.2 if floor == 1 and street else 0):
            use = HouseholdUse.VACANT
        elif roll < (0.26 if near_school else 0.15) + (0.2 if floor == 1 and street else 0):
            use = HouseholdUse.RENTED
        else:
            use = HouseholdUse.OWNER_OCCUPIED
        area_source = source if rng.random() < 0.9 else AreaSource.SURVEYED
        fam = _Family(people, rng, fake)
        note = ""
        if use == HouseholdUse.OWNER_OCCUPIED:
            _owner_family(fam)
        elif use == HouseholdUse.RENTED:
            _absent_owner(fam, "房屋出租")
            _tenant_family(fam, near_school)
        elif use == HouseholdUse.VACANT:
            _absent_owner(fam, "房屋空置")
            note = "空置"
        else:
            _absent_owner(fam, "临街门面")
            note = rng.choice(("小卖部", "理发店", "早餐店", "五金店", "药店", "快递驿站"))
        _tag_people(rng, fam.members, party_rate)
        households.append(
            HouseholdPlan(
                building=building,
                unit=unit,
                room=room,
                floor=floor,
                area=base_area[column],
                area_source=area_source,
                use=use,
                note=note,
                people=fam.members,
            )
        )
    return households


def plan_demo(*, seed: int = DEFAULT_SEED, scale: float = DEFAULT_SCALE) -> list[CompoundPlan]:
    """Everything the demo writes, in memory. Pure: the same arguments give the same plan."""
    plans = _plan_compounds(seed)
    people = _People(set(), set())
    # 兴东 first, so its people never depend on how much of the rest is populated.
    for plan in sorted(plans, key=lambda p: p.community != XINGDONG):
        surveyed = plan.facts["surveyed_households"]
        count = (
            surveyed if plan.community == XINGDONG else min(surveyed, math.ceil(surveyed * scale))
        )
        plan.households = _plan_households(seed, plan, count, people)
        if plan.community == XINGDONG:
            plan.facts["surveyed_party_members"] = sum(
                "is_party_member" in p.tags for h in plan.households for p in h.people
            )
    return plans


# ---------------------------------------------------------------------------------------------
# Writing


def _regions() -> dict[str, Region]:
    province = services.region_ensure(
        name=PROVINCE[0], level=RegionLevel.PROVINCE, code=PROVINCE[1]
    )
    city = services.region_ensure(
        name=CITY[0], level=RegionLevel.CITY, parent=province, code=CITY[1]
    )
    county = services.region_ensure(
        name=COUNTY[0], level=RegionLevel.COUNTY, parent=city, code=COUNTY[1]
    )
    town = services.region_ensure(name=TOWN[0], level=RegionLevel.TOWN, parent=county, code=TOWN[1])
    regions = {"province": province, "city": city, "county": county, "town": town}
    for name, code, *_ in COMMUNITIES:
        regions[name] = services.region_ensure(
            name=name, level=RegionLevel.COMMUNITY, parent=town, code=code
        )
    regions["xingdong"] = regions[XINGDONG]
    return regions


@contextmanager
def _history_paused():
    """No "deleted" history row per object while the old demo goes; its history goes too."""
    missing = object()
    previous = getattr(settings, "SIMPLE_HISTORY_ENABLED", missing)
    settings.SIMPLE_HISTORY_ENABLED = False
    try:
        yield
    finally:
        if previous is missing:
            del settings.SIMPLE_HISTORY_ENABLED
        else:
            settings.SIMPLE_HISTORY_ENABLED = previous


def clear_demo(town: Region | None = None) -> None:
    """Delete the ledger below 洣水镇 — compounds, households, residents and their history.

    Regions and users stay (they are ensured, not duplicated). The change history of the
    deleted rows goes too: otherwise "三无 as of the survey" would count the previous demo.
    Rows that hang off households (grid memberships, visits …) go by their own CASCADE /
    SET_NULL; the grid and party rows that protect residents (a 三长 post, a party member) are
    cleared first by :func:`linli.grid.demo.clear_grid_and_party`.
    """
    town = town or Region.objects.filter(code=TOWN[1]).first()
    if town is None:
        return
    from linli.cases.demo import clear_cases
    from linli.commons.demo import clear_demo as clear_commons
    from linli.finance.demo import clear_demo as clear_finance
    from linli.grid.demo import clear_grid_and_party
    from linli.meetings.demo import clear_demo as clear_meetings
    from linli.selfgov.demo import clear_demo as clear_selfgov

    # the later apps first: their rows protect households, cases and residents
    for clear in (clear_commons, clear_finance, clear_meetings, clear_selfgov):
        clear(town)
    clear_cases(town)  # cases protect households and grid cells
    clear_grid_and_party(town)  # its posts and party members protect residents
    compounds = Compound.objects.filter(community__path__startswith=town.path)
    compound_ids = list(compounds.values_list("id", flat=True))
    if not compound_ids:
        return
    households = Household.objects.filter(unit__building__compound_id__in=compound_ids)
    household_ids = list(households.values_list("id", flat=True))
    residents = Resident.objects.filter(household_id__in=household_ids)
    resident_ids = list(residents.values_list("id", flat=True))
    with _history_paused():
        residents.delete()
        compounds.delete()  # buildings, units and households cascade
    for model, ids in (
        (Resident, resident_ids),
        (Household, household_ids),
        (Compound, compound_ids),
    ):
        history = model.history.model.objects
        for start in range(0, len(ids), 5000):
            history.filter(id__in=ids[start : start + 5000]).delete()


def _users(regions: dict[str, Region], fake: Faker) -> dict[str, object]:
    User = get_user_model()
    users = {}
    for username, password, role, region_key, _ in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        user.set_password(password)
        user.is_superuser = user.is_staff = role == ""
        user.is_active = True
        user.save()
        Profile.objects.update_or_create(
            user=user,
            defaults={
                "role": role or Role.COUNTY_OFFICIAL,
                "region": regions[region_key] if region_key else None,
                "display_name": "系统管理员" if role == "" else fake.name(),
            },
        )
        users[username] = user
    return users


# 洣水镇 (衡东县城) lies around 27.083° N, 112.948° E. Each community gets a spot within about
# 2 km of it and each compound a gate within about 300 m of its community's spot (WGS-84,
# made up for the demo, so that Open311 reports by lat/long find a compound).
TOWN_CENTRE = (27.0830, 112.9480)


def _position(seed: int, plan: CompoundPlan) -> tuple[Decimal, Decimal]:
    spot = random.Random(f"{seed}:spot:{plan.community}")
    lat = TOWN_CENTRE[0] + spot.uniform(-0.018, 0.018)
    lng = TOWN_CENTRE[1] + spot.uniform(-0.018, 0.018)
    gate = random.Random(f"{seed}:gate:{plan.community}:{plan.name}")
    lat += gate.uniform(-0.0027, 0.0027)
    lng += gate.uniform(-0.003, 0.003)
    six = Decimal("0.000001")
    return Decimal(str(lat)).quantize(six), Decimal(str(lng)).quantize(six)


def _write_compounds(plans, regions, users) -> None:
    for plan in plans:
        actor = users["xingdong"] if plan.community == XINGDONG else users["town"]
        compound = services.compound_create(
            actor=users["town"],
            community=regions[plan.community],
            name=plan.name,
            when=SURVEY_AT,
            **plan.facts,
        )
        assert compound.is_sanwu == plan.sanwu, plan.name
        for change in sorted(plan.changes, key=lambda c: c.when):
            services.compound_update(
                actor=actor,
                compound=compound,
                reason=change.reason,
                when=change.when,
                **change.facts,
            )


# The columns the export writes (so the demo file looks like one), less the derived 出生日期.
RESIDENT_KEYS = [key for key in RESIDENT_EXPORT if key != "birth_date"]
RESIDENT_HEADERS = [RESIDENT_ALL_COLUMNS[key][0] for key in RESIDENT_KEYS]


def _resident_rows(plans):
    seq = 0
    for plan in plans:
        for h in plan.households:
            for person in h.people:
                seq += 1
                values = {
                    "seq": seq,
                    "community": plan.community,
                    "compound": plan.name,
                    "building": h.building,
                    "unit": h.unit,
                    "room": h.room,
                    "floor": h.floor,
                    "area": h.area,
                    "area_source": AREA_SOURCE_LABELS[h.area_source],
                    "use": USE_LABELS[h.use],
                    "house_note": h.note,
                    "name": person.name,
                    "sex": "男" if person.sex == "M" else "女",
                    "id_number": person.id_number,
                    "phone": person.phone,
                    "relation": RELATION_LABELS[person.relation],
                    "is_owner": "是" if person.is_owner else "否",
                    "residence": RESIDENCE_LABELS[person.residence],
                    "tags": "、".join(TAG_LABELS[f] for f, _ in TAG_FIELDS if f in person.tags),
                    "note": person.note,
                }
                yield [values[key] for key in RESIDENT_KEYS]


def write_workbook(plans: list[CompoundPlan], path: Path) -> int:
    """The households and residents as the flat 居民台账 sheet; returns the number of rows."""
    from openpyxl import Workbook

    from linli.core.exports import xlsx_row

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(RESIDENT_SHEET)
    ws.append(RESIDENT_HEADERS)
    rows = 0
    for row in _resident_rows(plans):
        ws.append(xlsx_row(row, ws))
        rows += 1
    wb.save(path)
    return rows


def _import_households(plans: list[CompoundPlan]) -> int:
    from .io import ledger_import

    with tempfile.TemporaryDirectory(prefix="linli-demo-") as folder:
        path = Path(folder) / "衡东县洣水镇居民台账（演示）.xlsx"
        write_workbook(plans, path)
        with path.open("rb") as source:
            result = ledger_import(source=source, file_name=path.name, actor=None)
    if not result.ok:
        first = "\n".join(str(e) for e in list(result.errors)[:10])
        raise RuntimeError(f"演示数据导入失败（共{len(result.errors)}处错误）：\n{first}")
    return len(result.warnings)


def build_demo(
    *,
    seed: int = DEFAULT_SEED,
    scale: float = DEFAULT_SCALE,
    log: Callable[[str], None] | None = None,
) -> DemoSummary:
    """(Re)build the demo county. The same seed gives the same data; nothing is duplicated."""
    started = time.monotonic()
    say = log or (lambda _msg: None)
    plans = plan_demo(seed=seed, scale=scale)
    say(f"已生成计划：{len(plans)}个小区，用时{time.monotonic() - started:.1f}秒")
    fake = Faker("zh_CN")
    fake.seed_instance(f"{seed}:users")
    with transaction.atomic():
        regions = _regions()
        clear_demo(regions["town"])
        users = _users(regions, fake)
        _write_compounds(plans, regions, users)
        say(f"已写入小区及变更记录，用时{time.monotonic() - started:.1f}秒")
        warnings = _import_households(plans)
        say(f"已导入户和居民，用时{time.monotonic() - started:.1f}秒")
        _link_resident_login(plans, users["resident"], regions)
    summary = summarise(seed=seed, scale=scale, superuser=users["admin"], regions=regions)
    summary.import_warnings = warnings
    summary.seconds = time.monotonic() - started
    return summary


def _link_resident_login(plans: list[CompoundPlan], user, regions) -> None:
    """The resident login is the head of a real (demo) 兴东 household and sees that household."""
    for plan in plans:
        if plan.community != XINGDONG:
            continue
        for h in plan.households:
            head = h.people[0]
            if h.use == HouseholdUse.OWNER_OCCUPIED and len(head.phone) == 11:
                profile = user.profile
                profile.display_name, profile.phone = head.name, head.phone
                profile.household = Household.objects.get(
                    unit__building__compound__community=regions[XINGDONG],
                    unit__building__compound__name=plan.name,
                    unit__building__name=h.building,
                    unit__name=h.unit,
                    room=h.room,
                )
                profile.save(update_fields=["display_name", "phone", "household"])
                return


def summarise(*, seed: int, scale: float, superuser, regions: dict[str, Region]) -> DemoSummary:
    town, xingdong = regions["town"], regions["xingdong"]
    now = timezone.now()

    def counts(region: Region) -> tuple[int, int, int]:
        compounds = Compound.objects.filter(community__path__startswith=region.path)
        households = Household.objects.filter(unit__building__compound__in=compounds)
        residents = Resident.objects.filter(household__in=households)
        return compounds.count(), households.count(), residents.count()

    s = DemoSummary(seed=seed, scale=scale)
    s.communities = Region.objects.filter(
        level=RegionLevel.COMMUNITY, path__startswith=town.path
    ).count()
    s.compounds, s.households, s.residents = counts(town)
    s.xingdong_compounds, s.xingdong_households, s.xingdong_residents = counts(xingdong)
    s.sanwu_at_survey = sanwu_count_as_of(actor=superuser, when=SURVEY_AT, region=town)
    s.sanwu_today = sanwu_count_as_of(actor=superuser, when=now, region=town)
    s.xingdong_sanwu_at_survey = sanwu_count_as_of(actor=superuser, when=SURVEY_AT, region=xingdong)
    s.xingdong_sanwu_today = sanwu_count_as_of(actor=superuser, when=now, region=xingdong)
    s.users = [(u, p, r, note) for u, p, r, _, note in DEMO_USERS]
    return s
