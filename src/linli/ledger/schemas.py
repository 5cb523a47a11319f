"""Ledger API schemas: ``XxxIn`` (create), ``XxxPatch`` (partial update), ``XxxOut``, ``XxxFilter``.

Areas travel as decimal strings (``"89.37"``), never floats. Personal data is masked here,
in the resolvers, unless the handler put the field in the object's ``unmasked_fields`` after
checking the role and writing the access log; vulnerable-person tags are dropped for roles
that may not see them (``Capability.SEE_TAGS`` in ``linli.core.policy``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from django.db.models import Q
from django.utils import timezone
from ninja import Field, FilterLookup, FilterSchema, Schema
from pydantic import ConfigDict

from linli.core.bounds import Id
from linli.core.policy import Capability, can
from linli.core.privacy import mask_id_number, mask_phone
from linli.core.schemas import ErrorOut  # noqa: F401 — re-exported

from .models import (
    SANWU_Q,
    SENSITIVE_TAGS,
    TAG_FIELDS,
    AreaSource,
    ConstructionBackground,
    HouseholdUse,
    PropertyService,
    Relation,
    ResidenceStatus,
    Sex,
)
from .validation import age_on

if TYPE_CHECKING:
    TagName = str  # mypy cannot evaluate a Literal built from TAG_FIELDS
else:
    TagName = Literal[tuple(name for name, _ in TAG_FIELDS)]  # the schema's enum
TAG_LABELS = dict(TAG_FIELDS)


def sees_sensitive_tags(user) -> bool:
    """Vulnerable-person tags and free notes: the one scoping policy decides."""
    return user is not None and can(user, Capability.SEE_TAGS)


def _request_user(context) -> Any:
    request = (context or {}).get("request")
    return getattr(request, "user", None)


def decimal_str(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


class Ref(Schema):
    """A named reference to another object."""

    id: int
    name: str


# --- Regions ---------------------------------------------------------------------------------


class RegionOut(Schema):
    id: int
    parent_id: int | None
    level: int = Field(description="1 省, 2 市, 3 县, 4 镇（街道）, 5 社区")
    level_label: str
    name: str
    code: str | None = Field(description="12位统计用区划代码（已知时）")

    @staticmethod
    def resolve_level_label(obj) -> str:
        return obj.get_level_display()


class RegionDetailOut(RegionOut):
    full_name: str

    @staticmethod
    def resolve_full_name(obj) -> str:
        return obj.full_name()


class RegionIn(Schema):
    name: str = Field(min_length=1, max_length=50)
    level: int = Field(ge=1, le=5, description="1 省, 2 市, 3 县, 4 镇（街道）, 5 社区")
    parent: Id | None = Field(None, description="上级区域 id；省级为空")
    code: str | None = Field(None, description="12位统计用区划代码")


class RegionFilter(FilterSchema):
    level: int | None = None
    parent: Annotated[Id | None, FilterLookup("parent_id")] = None
    q: Annotated[str | None, FilterLookup(["name__icontains", "code__startswith"])] = None


# --- Compounds -------------------------------------------------------------------------------


class CompoundFacts(Schema):
    """The facts the survey collected about one compound (all optional on PATCH)."""

    model_config = ConfigDict(use_enum_values=True)

    address: str = Field("", max_length=200)
    year_built: int | None = Field(None, ge=1900, le=2100)
    construction_background: ConstructionBackground = ConstructionBackground.OTHER
    surveyed_buildings: int | None = Field(None, ge=0)
    surveyed_households: int | None = Field(None, ge=0)
    property_service: PropertyService = PropertyService.NONE
    property_company: str = Field("", max_length=100)
    responsible_unit: str = Field("", max_length=100)
    has_guards: bool = False
    guards_note: str = Field("", max_length=200)
    has_gate: bool = False
    has_cameras: bool = False
    has_fence: bool = False
    has_lighting: bool = False
    security_note: str = Field("", max_length=200)
    surveyed_party_members: int | None = Field(None, ge=0)
    party_organisation: str = Field("", max_length=100)
    note: str = ""


class CompoundIn(CompoundFacts):
    community: Id = Field(description="社区 id")
    name: str = Field(min_length=1, max_length=100)


class CompoundPatch(Schema):
    """Only the fields sent are changed; ``reason`` goes into the change history."""

    model_config = ConfigDict(use_enum_values=True)

    name: str | None = Field(None, min_length=1, max_length=100)
    address: str | None = Field(None, max_length=200)
    year_built: int | None = Field(None, ge=1900, le=2100)
    construction_background: ConstructionBackground | None = None
    surveyed_buildings: int | None = Field(None, ge=0)
    surveyed_households: int | None = Field(None, ge=0)
    property_service: PropertyService | None = None
    property_company: str | None = Field(None, max_length=100)
    responsible_unit: str | None = Field(None, max_length=100)
    has_guards: bool | None = None
    guards_note: str | None = Field(None, max_length=200)
    has_gate: bool | None = None
    has_cameras: bool | None = None
    has_fence: bool | None = None
    has_lighting: bool | None = None
    security_note: str | None = Field(None, max_length=200)
    surveyed_party_members: int | None = Field(None, ge=0)
    party_organisation: str | None = Field(None, max_length=100)
    note: str | None = None
    reason: str = Field("", max_length=100, description="变更原因（记入变更记录）")


class Counts(Schema):
    buildings: int
    households: int
    residents: int


class CompoundOut(CompoundFacts):
    id: int
    community: Ref
    name: str
    construction_background_label: str
    property_service_label: str
    is_sanwu: bool = Field(description="三无：无物业、无主管单位、无人防物防（派生，不可填写）")
    counts: Counts = Field(description="台账中实际的楼栋、户、居民数")

    @staticmethod
    def resolve_construction_background_label(obj) -> str:
        return obj.get_construction_background_display()

    @staticmethod
    def resolve_property_service_label(obj) -> str:
        return obj.get_property_service_display()

    @staticmethod
    def resolve_counts(obj) -> dict[str, int]:
        return {
            "buildings": obj.building_count,
            "households": obj.household_count,
            "residents": obj.resident_count,
        }


class UnitSummary(Schema):
    id: int
    name: str
    household_count: int
    resident_count: int


class BuildingSummary(Schema):
    id: int
    name: str
    units: list[UnitSummary]
    household_count: int
    resident_count: int

    @staticmethod
    def resolve_units(obj) -> list:
        return list(obj.units.all())

    @staticmethod
    def resolve_household_count(obj) -> int:
        return sum(u.household_count for u in obj.units.all())

    @staticmethod
    def resolve_resident_count(obj) -> int:
        return sum(u.resident_count for u in obj.units.all())


class CompoundDetailOut(CompoundOut):
    buildings: list[BuildingSummary]

    @staticmethod
    def resolve_buildings(obj) -> list:
        return obj.building_summary


class CompoundFilter(FilterSchema):
    community: Annotated[Id | None, FilterLookup("community_id")] = None
    sanwu: bool | None = Field(None, description="true 只看三无小区，false 只看非三无")
    property_service: PropertyService | None = None
    construction_background: ConstructionBackground | None = None
    q: Annotated[str | None, FilterLookup(["name__icontains", "address__icontains"])] = Field(
        None, description="按名称或地址模糊查找"
    )

    def filter_sanwu(self, value: bool | None) -> Q:
        if value is None:
            return Q()
        return SANWU_Q if value else ~SANWU_Q


class FieldChange(Schema):
    field: str
    label: str
    old: Any
    new: Any


class HistoryUser(Schema):
    id: int
    username: str
    display_name: str


class CompoundHistoryOut(Schema):
    id: int = Field(description="变更记录 id")
    when: dt.datetime
    who: HistoryUser | None
    type: Literal["+", "~", "-"] = Field(description="+ 新建, ~ 修改, - 删除")
    type_label: str
    reason: str
    changes: list[FieldChange]


class SanwuCountOut(Schema):
    as_of: dt.datetime
    region: int | None
    count: int


# --- Households ------------------------------------------------------------------------------


class HouseholdPlace(Schema):
    """Where a household is: compound → building → unit → room."""

    id: int
    compound: Ref
    building: Ref
    unit: Ref
    room: str


class HouseholdOut(Schema):
    id: int
    compound: Ref
    building: Ref
    unit: Ref
    room: str
    floor: int | None
    area: str | None = Field(description="建筑面积（㎡），两位小数的十进制字符串")
    area_source: AreaSource
    use: HouseholdUse
    note: str
    resident_count: int

    @staticmethod
    def resolve_compound(obj) -> Any:
        return obj.unit.building.compound

    @staticmethod
    def resolve_building(obj) -> Any:
        return obj.unit.building

    @staticmethod
    def resolve_area(obj) -> str | None:
        return decimal_str(obj.area)


class HouseholdIn(Schema):
    model_config = ConfigDict(use_enum_values=True)

    compound: Id = Field(description="小区 id")
    building: str = Field(min_length=1, max_length=50, description="楼栋，如 1栋")
    unit: str = Field(min_length=1, max_length=50, description="单元，如 1单元")
    room: str = Field(min_length=1, max_length=20)
    floor: int | None = Field(None, description="不填时由房号推算（501 → 5）")
    area: str | None = Field(None, description='建筑面积，十进制字符串，如 "89.37"')
    area_source: AreaSource = AreaSource.REGISTERED
    use: HouseholdUse = HouseholdUse.OWNER_OCCUPIED
    note: str = Field("", max_length=200)


class HouseholdPatch(Schema):
    model_config = ConfigDict(use_enum_values=True)

    room: str | None = Field(None, min_length=1, max_length=20)
    floor: int | None = None
    area: str | None = Field(None, description="十进制字符串；null 清空")
    area_source: AreaSource | None = None
    use: HouseholdUse | None = None
    note: str | None = Field(None, max_length=200)


class HouseholdFilter(FilterSchema):
    compound: Annotated[Id | None, FilterLookup("unit__building__compound_id")] = None
    building: Annotated[Id | None, FilterLookup("unit__building_id")] = Field(
        None, description="楼栋 id"
    )
    unit: Annotated[Id | None, FilterLookup("unit_id")] = Field(None, description="单元 id")
    use: HouseholdUse | None = None
    q: Annotated[str | None, FilterLookup("room__icontains")] = Field(
        None, description="按房号查找"
    )


# --- Residents -------------------------------------------------------------------------------


class ResidentOut(Schema):
    """One resident. ``id_number`` and ``phone`` are masked unless ``unmasked`` is true."""

    id: int
    household: HouseholdPlace
    name: str
    sex: Sex | Literal[""]
    age: int | None
    id_number: str
    phone: str
    relation: Relation
    is_owner: bool
    residence: ResidenceStatus
    tags: list[TagName] = Field(
        description="固定标签；困难群体标签仅对可查看完整个人信息的角色显示"
    )
    tag_labels: list[str]
    other_tags: str
    note: str
    unmasked: list[Literal["id_number", "phone"]] = Field(
        description="本次显示完整值的字段（须 unmask 且角色允许，均记入访问日志）"
    )

    @staticmethod
    def resolve_household(obj) -> dict[str, Any]:
        household = obj.household
        unit = household.unit
        return {
            "id": household.pk,
            "compound": unit.building.compound,
            "building": unit.building,
            "unit": unit,
            "room": household.room,
        }

    @staticmethod
    def resolve_age(obj) -> int | None:
        return age_on(obj.birth_date, timezone.localdate()) if obj.birth_date else None

    @staticmethod
    def resolve_unmasked(obj) -> list[str]:
        return sorted(getattr(obj, "unmasked_fields", ()))

    @staticmethod
    def resolve_id_number(obj) -> str:
        if "id_number" in getattr(obj, "unmasked_fields", ()):
            return obj.id_number or ""
        return mask_id_number(obj.id_number)

    @staticmethod
    def resolve_phone(obj) -> str:
        if "phone" in getattr(obj, "unmasked_fields", ()):
            return obj.phone
        return mask_phone(obj.phone)

    @staticmethod
    def resolve_tags(obj, context) -> list[str]:
        sensitive_ok = sees_sensitive_tags(_request_user(context))
        return [
            name
            for name, _ in TAG_FIELDS
            if getattr(obj, name) and (sensitive_ok or name not in SENSITIVE_TAGS)
        ]

    @staticmethod
    def resolve_tag_labels(obj, context) -> list[str]:
        return [TAG_LABELS[name] for name in ResidentOut.resolve_tags(obj, context)]

    @staticmethod
    def resolve_other_tags(obj, context) -> str:
        # Free tags are typed by hand and may name a vulnerability; same rule as the fixed ones.
        return obj.other_tags if sees_sensitive_tags(_request_user(context)) else ""

    @staticmethod
    def resolve_note(obj, context) -> str:
        return obj.note if sees_sensitive_tags(_request_user(context)) else ""


class ResidentDetailOut(ResidentOut):
    birth_date: dt.date | None = Field(description="仅在身份证号显示完整值时给出")

    @staticmethod
    def resolve_birth_date(obj) -> dt.date | None:
        return obj.birth_date if "id_number" in getattr(obj, "unmasked_fields", ()) else None


class HouseholdDetailOut(HouseholdOut):
    residents: list[ResidentOut]

    @staticmethod
    def resolve_residents(obj) -> list:
        return obj.resident_list


class ResidentTags(Schema):
    is_party_member: bool = False
    is_empty_nest: bool = False
    lives_alone: bool = False
    is_left_behind_child: bool = False
    is_disabled: bool = False
    is_low_income: bool = False
    is_veteran: bool = False
    is_study_companion: bool = False


class ResidentIn(ResidentTags):
    model_config = ConfigDict(use_enum_values=True)

    household: Id = Field(description="户 id")
    name: str = Field(min_length=1, max_length=50)
    id_number: str | None = Field(None, description="18位公民身份号码；性别、出生日期由此推出")
    phone: str = Field("", max_length=30)
    relation: Relation = Relation.HEAD
    is_owner: bool = False
    residence: ResidenceStatus = ResidenceStatus.RESIDENT
    other_tags: str = Field("", max_length=200)
    note: str = Field("", max_length=200)


class ResidentPatch(Schema):
    model_config = ConfigDict(use_enum_values=True)

    household: Id | None = Field(None, description="迁入另一户（户 id）")
    name: str | None = Field(None, min_length=1, max_length=50)
    id_number: str | None = None
    phone: str | None = Field(None, max_length=30)
    relation: Relation | None = None
    is_owner: bool | None = None
    residence: ResidenceStatus | None = None
    is_party_member: bool | None = None
    is_empty_nest: bool | None = None
    lives_alone: bool | None = None
    is_left_behind_child: bool | None = None
    is_disabled: bool | None = None
    is_low_income: bool | None = None
    is_veteran: bool | None = None
    is_study_companion: bool | None = None
    other_tags: str | None = Field(None, max_length=200)
    note: str | None = Field(None, max_length=200)


class ResidentFilter(FilterSchema):
    compound: Annotated[Id | None, FilterLookup("household__unit__building__compound_id")] = None
    household: Annotated[Id | None, FilterLookup("household_id")] = None
    tag: TagName | None = Field(None, description="固定标签字段名，如 is_party_member")
    sex: Sex | None = None
    age_min: int | None = Field(None, ge=0, le=150, description="年龄下限（含）")
    age_max: int | None = Field(None, ge=0, le=150, description="年龄上限（含）")
    q: Annotated[str | None, FilterLookup("name__icontains")] = Field(
        None, description="按姓名查找"
    )

    def filter_tag(self, value: str | None) -> Q:
        return Q(**{value: True}) if value else Q()

    def filter_age_min(self, value: int | None) -> Q:
        if value is None:
            return Q()
        # age ≥ n ⇔ born on or before today n years ago
        return Q(birth_date__lte=_years_before(timezone.localdate(), value))

    def filter_age_max(self, value: int | None) -> Q:
        if value is None:
            return Q()
        # age ≤ n ⇔ born after today n+1 years ago
        return Q(birth_date__gt=_years_before(timezone.localdate(), value + 1))


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year: the birthday falls on 1 March
        return day.replace(year=day.year - years, month=3, day=1) - dt.timedelta(days=1)


# --- Import ----------------------------------------------------------------------------------


class ImportOut(Schema):
    ok: bool
    dry_run: bool
    batch_id: int | None
    counts: dict[str, dict[str, int]]
    errors: list[dict[str, Any]]
    warnings: list[Any]


class ExportRequestIn(Schema):
    community: Id | None = None
    reason: str


class ExportDecisionIn(Schema):
    approve: bool
    note: str = ""


class ExportRequestOut(Schema):
    id: int
    region: str
    community_id: int | None
    reason: str
    status: str
    requested_by: str
    decided_by: str | None
    created_at: dt.datetime
    decided_at: dt.datetime | None

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region.name

    @staticmethod
    def resolve_requested_by(obj) -> str:
        return obj.requested_by.get_username()

    @staticmethod
    def resolve_decided_by(obj) -> str | None:
        return obj.decided_by.get_username() if obj.decided_by else None
