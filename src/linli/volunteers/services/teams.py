"""Teams and volunteers: a team in a community, a volunteer registered from a resident or a
联建单位 person (a stable number per community).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from linli.core.errors import Conflict, Invalid
from linli.ledger.models import Region

from ..models import (
    IdType,
    Team,
    Volunteer,
)
from .rules import _require_community, _require_manager

# --- teams and volunteers ---------------------------------------------------------------------


@transaction.atomic
def team_create(*, actor, community: Region, name: str, kind: str, leader_name: str = "") -> Team:
    _require_community(community)
    _require_manager(actor, community.pk)
    name = (name or "").strip()
    if not name:
        raise Invalid("请填写队名", code="volunteers.missing_name", details=[{"field": "name"}])
    if Team.objects.filter(community=community, name=name).exists():
        raise Conflict(f"{community.name}已有“{name}”", code="volunteers.duplicate_team")
    return Team.objects.create(community=community, name=name, kind=kind, leader_name=leader_name)


@transaction.atomic
def volunteer_register(
    *,
    actor,
    community: Region,
    resident=None,
    unit=None,
    name: str = "",
    id_type: str = IdType.RESIDENT_ID,
    id_number: str = "",
    phone: str = "",
    is_party_member: bool | None = None,
    user=None,
    teams: Iterable[Team] = (),
    skills: str = "",
    when: dt.date | None = None,
) -> Volunteer:
    """Register a volunteer: a resident of the community's ledger, or a person from a party
    co-building unit. The number is given here, once (``ZY`` + community + serial)."""
    _require_community(community)
    _require_manager(actor, community.pk)
    if (resident is None) == (unit is None):
        raise Invalid(
            "志愿者须是本社区居民或联建单位人员（二选一）", code="volunteers.resident_or_unit"
        )
    if resident is not None:
        if not resident.household.unit.building.compound.community.path.startswith(community.path):
            raise Invalid(
                f"{resident.name}不是{community.name}的居民",
                code="volunteers.not_in_community",
                details=[{"field": "resident"}],
            )
        if Volunteer.objects.filter(resident=resident).exists():
            raise Conflict(f"{resident.name}已登记为志愿者", code="volunteers.already_registered")
        name = resident.name
        id_type, id_number = IdType.RESIDENT_ID, ""
        phone = phone or resident.phone
        if is_party_member is None:
            is_party_member = resident.is_party_member or hasattr(resident, "party_membership")
    else:
        if unit.organisation.community_id != community.pk:
            raise Invalid(
                f"“{unit.name}”不是{community.name}的联建单位",
                code="volunteers.not_in_community",
                details=[{"field": "unit"}],
            )
        name = (name or "").strip()
        if not name:
            raise Invalid("请填写姓名", code="volunteers.missing_name", details=[{"field": "name"}])
    teams = list(teams)
    for team in teams:
        if team.community_id != community.pk:
            raise Invalid(f"“{team.name}”不是本社区的队伍", code="volunteers.not_in_community")
    if user is not None and Volunteer.objects.filter(user=user).exists():
        raise Conflict("该账号已关联其他志愿者", code="volunteers.already_registered")
    volunteer = Volunteer.objects.create(
        community=community,
        number=f"tmp-{uuid.uuid4().hex[:16]}",
        resident=resident,
        unit=unit,
        name=name,
        id_type=id_type,
        id_number=(id_number or "").strip(),
        phone=phone,
        is_party_member=bool(is_party_member),
        user=user,
        skills=skills,
        registered_on=when or timezone.localdate(),
    )
    volunteer.number = f"ZY{community.pk:04d}{volunteer.pk:07d}"
    volunteer.save(update_fields=["number"])
    if teams:
        volunteer.teams.set(teams)
    return volunteer
