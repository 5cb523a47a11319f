"""Writes to the party organisation.

Each function takes the ``actor``: an official or community worker (``Capability.PARTY_EDIT``)
whose region holds the community; out of scope is :class:`NotFound`, a role that sees it but
may not edit is :class:`Forbidden`. ``actor=None`` is the system (the demo's scripts)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from linli.core.errors import Forbidden, Invalid, NotFound
from linli.core.policy import Capability, can
from linli.core.tree import child_path
from linli.ledger.models import Region, RegionLevel, Resident

from .models import CoBuildingUnit, Member, Organisation, OrgKind, ThemeDay

# Which kind may sit under which (社区党总支 → 联建党支部/党支部 → 党小组).
ALLOWED_CHILDREN = {
    OrgKind.COMMITTEE: {OrgKind.GENERAL_BRANCH, OrgKind.BRANCH, OrgKind.JOINT_BRANCH},
    OrgKind.GENERAL_BRANCH: {OrgKind.BRANCH, OrgKind.JOINT_BRANCH},
    OrgKind.BRANCH: {OrgKind.SMALL_GROUP},
    OrgKind.JOINT_BRANCH: {OrgKind.SMALL_GROUP},
    OrgKind.SMALL_GROUP: set(),
}


def _require_editor(actor, community_id: int) -> None:
    if actor is None:
        return
    if not Region.objects.restrict(actor).filter(pk=community_id).exists():
        raise NotFound("社区不存在或无权查看")
    if not can(actor, Capability.PARTY_EDIT):
        raise Forbidden("只有社区工作人员或干部可以维护党组织")


@transaction.atomic
def organisation_create(
    *,
    community: Region,
    actor=None,
    kind: str,
    name: str,
    parent: Organisation | None = None,
    grid=None,
    compound=None,
) -> Organisation:
    _require_editor(actor, community.pk)
    if community.level != RegionLevel.COMMUNITY:
        raise Invalid(f"“{community.name}”不是社区", code="party.not_a_community")
    if parent is not None and kind not in ALLOWED_CHILDREN[OrgKind(parent.kind)]:
        raise Invalid(
            f"{OrgKind(kind).label}不能设在{parent.get_kind_display()}之下",
            code="party.kind_under_parent",
        )
    org = Organisation.objects.create(
        community=community, kind=kind, name=name, parent=parent, grid=grid, compound=compound
    )
    org.path = child_path(parent, org.pk)
    org.save(update_fields=["path"])
    return org


def co_building_unit_add(
    *, organisation: Organisation, name: str, kind: str, actor=None
) -> CoBuildingUnit:
    _require_editor(actor, organisation.community_id)
    if organisation.kind != OrgKind.JOINT_BRANCH:
        raise Invalid("联建单位只能加入联建党支部", code="party.not_joint_branch")
    return CoBuildingUnit.objects.create(organisation=organisation, name=name, kind=kind)


@transaction.atomic
def member_add(
    *,
    organisation: Organisation,
    resident: Resident | None = None,
    name: str = "",
    unit: CoBuildingUnit | None = None,
    shows_identity: bool = True,
    contact_households=(),
    actor=None,
) -> Member:
    """A member is a resident (who then carries the 党员 tag) or someone of a co-building unit."""
    _require_editor(actor, organisation.community_id)
    if resident is None and unit is None:
        raise Invalid("党员须关联居民或联建单位", code="party.member_origin")
    if resident is not None:
        if Member.objects.filter(resident=resident).exists():
            raise Invalid(f"{resident.name}已在其他党组织登记", code="party.member_twice")
        if not resident.is_party_member:
            resident.is_party_member = True
            resident.save(update_fields=["is_party_member"])
    if not name:
        if resident is None:  # a unit's member is named (resident.name would fail)
            raise ValueError("a member of a co-building unit needs a name")
        name = resident.name
    member = Member.objects.create(
        organisation=organisation,
        resident=resident,
        name=name,
        unit=unit,
        shows_identity=shows_identity,
    )
    if contact_households:
        member.contact_households.set(contact_households)
    return member


@transaction.atomic
def theme_day_record(
    *,
    organisation: Organisation,
    month: dt.date,
    lesson: str,
    practice: str,
    area=None,
    attendees=(),
    actor=None,
) -> ThemeDay:
    """一月一课一片一实践: one record per organisation and month."""
    _require_editor(actor, organisation.community_id)
    month = month.replace(day=1)
    if ThemeDay.objects.filter(organisation=organisation, month=month).exists():
        raise Invalid(
            f"{organisation.name}{month:%Y年%m月}的主题党日已记录", code="party.theme_day_exists"
        )
    attendees = list(attendees)
    day = ThemeDay.objects.create(
        organisation=organisation,
        month=month,
        lesson=lesson,
        practice=practice,
        area=area,
        attendance=len(attendees),
    )
    day.attendees.set(attendees)
    return day
