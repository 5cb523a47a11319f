"""Writes to the ledger. Views, API handlers, the importer, commands and the demo call these."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from linli.core import crypto
from linli.core.errors import DomainError
from linli.core.tree import child_path

from .models import (
    Building,
    Compound,
    Household,
    Region,
    RegionLevel,
    Resident,
    Unit,
)
from .validation import InvalidValue, normalise_phone, parse_id_number

COMPOUND_FIELDS = (
    "name",
    "address",
    "year_built",
    "construction_background",
    "surveyed_buildings",
    "surveyed_households",
    "property_service",
    "property_company",
    "responsible_unit",
    "has_guards",
    "guards_note",
    "has_gate",
    "has_cameras",
    "has_fence",
    "has_lighting",
    "security_note",
    "surveyed_party_members",
    "party_organisation",
    "latitude",
    "longitude",
    "note",
)


def _invalid(field: str, exc: InvalidValue) -> DomainError:
    return DomainError(code=f"ledger.invalid_{field}", message=str(exc), details=[{"field": field}])


@transaction.atomic
def region_create(
    *, name: str, level: int, parent: Region | None = None, code: str | None = None
) -> Region:
    if parent is None and level != RegionLevel.PROVINCE:
        raise DomainError(code="ledger.region_parent_required", message="除省级外，区域须有上级")
    if parent is not None and parent.level >= level:
        raise DomainError(code="ledger.region_level", message="下级区域的层级须低于上级")
    if code is not None and (len(code) != 12 or not code.isdigit()):
        raise DomainError(
            code="ledger.region_code",
            message=f"统计用区划代码“{code}”应为12位数字",
            details=[{"field": "code", "value": code}],
        )
    region = Region.objects.create(parent=parent, level=level, name=name, code=code)
    region.path = child_path(parent, region.pk)
    region.save(update_fields=["path"])
    return region


def region_ensure(
    *, name: str, level: int, parent: Region | None = None, code: str | None = None
) -> Region:
    existing = Region.objects.filter(parent=parent, name=name).first()
    return existing or region_create(name=name, level=level, parent=parent, code=code)


def _check_community(community: Region) -> None:
    if community.level != RegionLevel.COMMUNITY:
        raise DomainError(code="ledger.not_a_community", message=f"“{community.name}”不是社区")


@transaction.atomic
def compound_create(
    *, actor=None, community: Region, name: str, when: dt.datetime | None = None, **facts
) -> Compound:
    _check_community(community)
    if Compound.objects.filter(community=community, name=name).exists():
        raise DomainError(
            code="ledger.duplicate_compound",
            message=f"{community.name}已有小区“{name}”",
            details=[{"field": "name", "value": name}],
        )
    unknown = set(facts) - set(COMPOUND_FIELDS)
    if unknown:
        raise TypeError(f"unknown compound fields: {sorted(unknown)}")
    compound = Compound(community=community, name=name, **facts)
    compound.full_clean(exclude=["community"])
    compound._history_user = actor
    if when is not None:
        compound._history_date = when
    compound.save()
    return compound


@transaction.atomic
def compound_update(
    *, actor=None, compound: Compound, reason: str = "", when: dt.datetime | None = None, **facts
) -> Compound:
    """Change a compound's facts; the history keeps who, when, what and why."""
    unknown = set(facts) - set(COMPOUND_FIELDS)
    if unknown:
        raise TypeError(f"unknown compound fields: {sorted(unknown)}")
    changed = [k for k, v in facts.items() if getattr(compound, k) != v]
    if not changed:
        return compound
    for key in changed:
        setattr(compound, key, facts[key])
    compound.full_clean(exclude=["community"])
    compound._history_user = actor
    compound._change_reason = reason
    if when is not None:
        compound._history_date = when
    compound.save()
    return compound


@transaction.atomic
def household_ensure(
    *,
    compound: Compound,
    building: str,
    unit: str,
    room: str,
    area: Decimal | None = None,
    **facts,
) -> Household:
    b, _ = Building.objects.get_or_create(compound=compound, name=building)
    u, _ = Unit.objects.get_or_create(building=b, name=unit)
    household, created = Household.objects.get_or_create(
        unit=u, room=room, defaults={"area": area, "floor": floor_from_room(room), **facts}
    )
    if not created:
        changed = {k: v for k, v in {"area": area, **facts}.items() if getattr(household, k) != v}
        if changed:
            for k, v in changed.items():
                setattr(household, k, v)
            household.save()
    return household


def floor_from_room(room: str) -> int | None:
    """``501`` → 5, ``1203`` → 12, ``B1`` → None."""
    digits = room.strip()
    if digits.isdigit() and len(digits) >= 3:
        return int(digits[:-2]) or None
    return None


@transaction.atomic
def resident_save(
    *,
    actor=None,
    household: Household,
    name: str,
    id_number: str | None = None,
    phone: str = "",
    resident: Resident | None = None,
    **facts,
) -> Resident:
    """Create or update a resident. A known ID number in another household means a move."""
    info = None
    if id_number:
        try:
            info = parse_id_number(id_number)
        except InvalidValue as exc:
            raise _invalid("id_number", exc) from None
    try:
        phone = normalise_phone(phone)
    except InvalidValue as exc:
        raise _invalid("phone", exc) from None
    if resident is None and info is not None:
        resident = Resident.objects.filter(
            id_number_hash=crypto.id_number_hash(info.number)
        ).first()
    elif info is not None and resident is not None:
        clash = (
            Resident.objects.filter(id_number_hash=crypto.id_number_hash(info.number))
            .exclude(pk=resident.pk)
            .first()
        )
        if clash:
            raise DomainError(
                code="ledger.duplicate_id_number",
                message=f"身份证号已属于居民“{clash.name}”（{clash.household}）",
                details=[{"field": "id_number"}],
            )
    if resident is None:
        resident = Resident()
    resident.household = household
    resident.name = name
    resident.phone = phone
    if info is not None:
        resident.id_number, resident.sex, resident.birth_date = (
            info.number,
            info.sex,
            info.birth_date,
        )
    for key, value in facts.items():
        setattr(resident, key, value)
    resident._history_user = actor
    resident.full_clean(exclude=["household"])
    resident.save()
    return resident


HOUSEHOLD_FIELDS = ("room", "floor", "area", "area_source", "use", "note")


def _check_room_free(*, unit: Unit, room: str, exclude_pk: int | None = None) -> None:
    clash = Household.objects.filter(unit=unit, room=room)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise DomainError(
            code="ledger.duplicate_room",
            message=f"{unit}已有房号“{room}”",
            details=[{"field": "room", "value": room}],
        )


@transaction.atomic
def household_create(
    *,
    actor=None,
    compound: Compound,
    building: str,
    unit: str,
    room: str,
    area: Decimal | None = None,
    **facts,
) -> Household:
    """Add one household; unlike :func:`household_ensure`, a room that exists is an error.

    The building and unit are created when new; the history records ``actor``.
    """
    unknown = set(facts) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise TypeError(f"unknown household fields: {sorted(unknown)}")
    b, _ = Building.objects.get_or_create(compound=compound, name=building)
    u, _ = Unit.objects.get_or_create(building=b, name=unit)
    _check_room_free(unit=u, room=room)
    facts.setdefault("floor", floor_from_room(room))
    household = Household(unit=u, room=room, area=area, **facts)
    household.full_clean(exclude=["unit"], validate_unique=False)
    household._history_user = actor
    household.save()
    return household


@transaction.atomic
def household_update(*, actor=None, household: Household, **facts) -> Household:
    """Change a household's room, floor, area, area source, use or note (the history keeps who)."""
    unknown = set(facts) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise TypeError(f"unknown household fields: {sorted(unknown)}")
    changed = [k for k, v in facts.items() if getattr(household, k) != v]
    if not changed:
        return household
    if "room" in changed:
        _check_room_free(unit=household.unit, room=facts["room"], exclude_pk=household.pk)
    for key in changed:
        setattr(household, key, facts[key])
    household.full_clean(exclude=["unit"])
    household._history_user = actor
    household.save()
    return household
