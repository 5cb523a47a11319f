"""The demo's people: households and residents of one compound, planned in memory from seeded
streams (names and ID numbers from Faker zh_CN and ``random.Random``; ages at
``REFERENCE_DATE``, so a seed gives the same people on any day). Nothing here touches the
database.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from faker import Faker
from stdnum.cn import ric

from linli.ledger.models import (
    AreaSource,
    ConstructionBackground,
    HouseholdUse,
    Relation,
    ResidenceStatus,
)

from .names import HOME_REGION, MOBILE_PREFIXES, NEARBY_REGIONS, REFERENCE_DATE

if TYPE_CHECKING:
    from .compounds import CompoundPlan


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


class People:
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

    def __init__(self, people: People, rng: random.Random, fake: Faker):
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


def _young_family(fam: _Family) -> None:
    rng = fam.rng
    head, _, surname = _couple(fam, rng.randint(30, 45))
    for _ in range(1 if rng.random() < 0.65 else 2):
        fam.add(
            age=_child_age(rng, _age(head.birth_date)),
            sex=rng.choice("MF"),
            relation=Relation.CHILD,
            surname=surname,
            region=HOME_REGION,
        )


def _middle_aged_family(fam: _Family) -> None:
    rng = fam.rng
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


def _empty_nest(fam: _Family) -> None:
    _couple(fam, fam.rng.randint(62, 84), tags={"is_empty_nest"})


def _elder_alone(fam: _Family) -> None:
    rng = fam.rng
    fam.add(
        age=rng.randint(66, 90),
        sex="F" if rng.random() < 0.65 else "M",
        relation=Relation.HEAD,
        region=HOME_REGION,
        is_owner=True,
        tags={"lives_alone"},
    )


def _left_behind_family(fam: _Family) -> None:
    rng = fam.rng
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


def _couple_only(fam: _Family) -> None:
    _couple(fam, fam.rng.randint(25, 60))


def _single(fam: _Family) -> None:
    rng = fam.rng
    fam.add(
        age=rng.randint(28, 64),
        sex=rng.choice("MF"),
        relation=Relation.HEAD,
        region=HOME_REGION,
        is_owner=True,
    )


def _three_generations(fam: _Family) -> None:
    """Three generations under one roof."""
    rng = fam.rng
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


# The family shapes of a county town's owner-occupied households, with their weights.
OWNER_FAMILIES = (
    (_young_family, 22),
    (_middle_aged_family, 20),
    (_empty_nest, 7),
    (_elder_alone, 3.5),
    (_left_behind_family, 1.5),
    (_couple_only, 16),
    (_single, 14),
    (_three_generations, 9),
)


def _owner_family(fam: _Family) -> None:
    """An owner-occupied household: one of the family shapes of a county town."""
    shapes, weights = zip(*OWNER_FAMILIES, strict=True)
    fam.rng.choices(shapes, weights=weights)[0](fam)


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


AREA_RANGE: dict[str, tuple[int, int]] = {
    ConstructionBackground.WORK_UNIT_DORMITORY: (45, 78),
    ConstructionBackground.HOUSING_REFORM: (52, 92),
    ConstructionBackground.RESETTLEMENT: (68, 125),
    ConstructionBackground.COMMERCIAL: (82, 140),
    ConstructionBackground.SELF_BUILT: (55, 135),
}


def plan_households(
    seed: int, plan: CompoundPlan, count: int, people: People
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
    sources: dict[str, AreaSource] = {
        ConstructionBackground.SELF_BUILT: AreaSource.SURVEYED,
        ConstructionBackground.RESETTLEMENT: AreaSource.CONTRACT,
    }
    source = sources.get(plan.kind, AreaSource.REGISTERED)
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
