"""The ledger (台账): region tree → compound → building → unit → household → resident."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from linli.core.fields import EncryptedTextField, PiiHashesMixin, PiiHashField
from linli.core.policy import RestrictedQuerySet
from linli.core.tree import path_ids

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, "省"
    CITY = 2, "市"
    COUNTY = 3, "县"
    TOWN = 4, "镇（街道）"
    COMMUNITY = 5, "社区"


class RegionQuerySet(RestrictedQuerySet):
    def subtree(self, region: Region) -> RegionQuerySet:
        return self.filter(path__startswith=region.path)


class Region(models.Model):
    """One administrative area: a province, city, county, town (street) or community (社区).

    ``path`` is the materialised path of ids (``/1/4/9/``) so that "this region and below"
    is one indexed prefix filter.
    """

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上级",
    )
    level = models.PositiveSmallIntegerField("层级", choices=RegionLevel.choices)
    name = models.CharField("名称", max_length=50)
    code = models.CharField(
        "统计用区划代码",
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        help_text="12位统计用区划代码（已知时填写）",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "行政区域"
        verbose_name_plural = verbose_name
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name_in_parent")
        ]

    def __str__(self) -> str:
        return self.name

    def full_name(self) -> str:
        names = [r.name for r in self.ancestors()] + [self.name]
        return "".join(names)

    def ancestors(self) -> list[Region]:
        ids = path_ids(self.path)[:-1]
        by_id = Region.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]


class ConstructionBackground(models.TextChoices):
    WORK_UNIT_DORMITORY = "work_unit_dormitory", "单位宿舍"
    HOUSING_REFORM = "housing_reform", "房改房"
    RESETTLEMENT = "resettlement", "拆迁安置"
    COMMERCIAL = "commercial", "商品房"
    SELF_BUILT = "self_built", "自建房"
    OTHER = "other", "其他"


class PropertyService(models.TextChoices):
    NONE = "none", "无"
    COMMUNITY_CUSTODY = "community_custody", "社区托管"
    SOCIAL = "social", "社会化物业"
    PROFESSIONAL = "professional", "专业物业公司"


# A compound is 三无 when it has no property service, no responsible unit and neither guards
# nor physical security. The flag is derived from those facts, in the database and in Python.
SANWU_Q = (
    Q(property_service=PropertyService.NONE)
    & Q(responsible_unit="")
    & Q(has_guards=False)
    & Q(has_gate=False)
    & Q(has_cameras=False)
    & Q(has_fence=False)
    & Q(has_lighting=False)
)


class CompoundQuerySet(RestrictedQuerySet):
    def sanwu(self) -> CompoundQuerySet:
        return self.filter(SANWU_Q)


class Compound(models.Model):
    """One residential compound (小区) with the facts the survey collected.

    The row of the 三无小区基础信息台账.
    """

    community = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="compounds",
        verbose_name="社区",
        limit_choices_to={"level": RegionLevel.COMMUNITY},
    )
    name = models.CharField("小区名称", max_length=100)
    address = models.CharField("地址", max_length=200, blank=True)
    year_built = models.PositiveSmallIntegerField("建成年份", null=True, blank=True)
    construction_background = models.CharField(
        "建设背景",
        max_length=30,
        choices=ConstructionBackground.choices,
        default=ConstructionBackground.OTHER,
    )
    surveyed_buildings = models.PositiveIntegerField("楼栋数（摸底）", null=True, blank=True)
    surveyed_households = models.PositiveIntegerField("户数（摸底）", null=True, blank=True)
    property_service = models.CharField(
        "物业服务", max_length=30, choices=PropertyService.choices, default=PropertyService.NONE
    )
    property_company = models.CharField("物业企业", max_length=100, blank=True)
    responsible_unit = models.CharField(
        "主管单位", max_length=100, blank=True, help_text="无主管单位时留空"
    )
    has_guards = models.BooleanField("有人防（门卫/值守）", default=False)
    guards_note = models.CharField("人防情况", max_length=200, blank=True)
    has_gate = models.BooleanField("有门禁/大门", default=False)
    has_cameras = models.BooleanField("有监控", default=False)
    has_fence = models.BooleanField("有围墙/围栏", default=False)
    has_lighting = models.BooleanField("有照明", default=False)
    security_note = models.CharField("物防情况", max_length=200, blank=True)
    surveyed_party_members = models.PositiveIntegerField(
        "住户党员数（摸底）", null=True, blank=True
    )
    party_organisation = models.CharField(
        "党组织建设情况",
        max_length=100,
        blank=True,
        help_text="如 未建立 / 小区党小组 / 联建党支部",
    )
    latitude = models.DecimalField(
        "纬度",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text="小区大门的 WGS-84（GPS）坐标；国内地图软件的 GCJ-02 坐标须先换算",
    )
    longitude = models.DecimalField(
        "经度",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    note = models.TextField("备注", blank=True)
    history = HistoricalRecords(verbose_name="小区变更记录")
    # Read by django-simple-history on save (set by the services before saving).
    _history_user: AbstractBaseUser | None
    _history_date: dt.datetime
    _change_reason: str
    # Set on a loaded instance, never stored: selectors.compound_detail_for's buildings → units,
    # views.community_detail's counts actually in the ledger.
    building_summary: list[Building]
    actual: dict[str, int]

    objects = CompoundQuerySet.as_manager()

    class Meta:
        verbose_name = "小区"
        verbose_name_plural = verbose_name
        ordering = ["community_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="compound_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_physical_security(self) -> bool:
        return self.has_gate or self.has_cameras or self.has_fence or self.has_lighting

    @property
    def is_sanwu(self) -> bool:
        """三无: no property service, no responsible unit, no guards and no physical security."""
        return (
            self.property_service == PropertyService.NONE
            and not self.responsible_unit
            and not self.has_guards
            and not self.has_physical_security
        )


class Building(models.Model):
    """One building (楼栋) in a compound."""

    compound = models.ForeignKey(
        Compound, on_delete=models.CASCADE, related_name="buildings", verbose_name="小区"
    )
    name = models.CharField("楼栋", max_length=50)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "楼栋"
        verbose_name_plural = verbose_name
        ordering = ["compound_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "name"], name="building_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.compound.name}{self.name}"


class Unit(models.Model):
    """One stairwell entrance (单元) of a building."""

    building = models.ForeignKey(
        Building, on_delete=models.CASCADE, related_name="units", verbose_name="楼栋"
    )
    name = models.CharField("单元", max_length=50)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "单元"
        verbose_name_plural = verbose_name
        ordering = ["building_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["building", "name"], name="unit_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.building}{self.name}"


class AreaSource(models.TextChoices):
    REGISTERED = "registered", "不动产登记"
    SURVEYED = "surveyed", "测绘"
    CONTRACT = "contract", "合同约定"


class HouseholdUse(models.TextChoices):
    OWNER_OCCUPIED = "owner_occupied", "自住"
    RENTED = "rented", "出租"
    VACANT = "vacant", "空置"
    COMMERCIAL = "commercial", "商用"


class Household(models.Model):
    """One dwelling (户) — a room in a stairwell unit — whoever lives there."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="households", verbose_name="单元"
    )
    room = models.CharField("房号", max_length=20)
    floor = models.SmallIntegerField("楼层", null=True, blank=True)
    area = models.DecimalField(
        "建筑面积（㎡）", max_digits=7, decimal_places=2, null=True, blank=True
    )
    area_source = models.CharField(
        "面积来源", max_length=20, choices=AreaSource.choices, default=AreaSource.REGISTERED
    )
    use = models.CharField(
        "房屋用途", max_length=20, choices=HouseholdUse.choices, default=HouseholdUse.OWNER_OCCUPIED
    )
    developer_unsold = models.BooleanField(
        "开发商未售",
        default=False,
        help_text="已竣工未出售（或未交付）的房屋：产权在开发建设单位，物业费由其交纳",
    )
    note = models.CharField("备注", max_length=200, blank=True)
    history = HistoricalRecords(verbose_name="户变更记录")
    _history_user: AbstractBaseUser | None  # read by django-simple-history on save
    # Set on a loaded instance, never stored: selectors.household_detail_for's residents.
    resident_list: list[Resident]

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "户"
        verbose_name_plural = verbose_name
        ordering = ["unit_id", "room"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "room"], name="household_unique_room")
        ]

    def __str__(self) -> str:
        return f"{self.unit}{self.room}"


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Relation(models.TextChoices):
    HEAD = "head", "户主"
    SPOUSE = "spouse", "配偶"
    CHILD = "child", "子女"
    PARENT = "parent", "父母"
    GRANDCHILD = "grandchild", "孙子女"
    GRANDPARENT = "grandparent", "祖父母"
    SIBLING = "sibling", "兄弟姐妹"
    CHILD_IN_LAW = "child_in_law", "儿媳/女婿"
    TENANT = "tenant", "租户"
    OTHER = "other", "其他"


class ResidenceStatus(models.TextChoices):
    RESIDENT = "resident", "常住"
    REGISTERED_ONLY = "registered_only", "户在人不在"
    LIVING_ONLY = "living_only", "人在户不在"


# The fixed tags officials use, as boolean columns so that counts and filters are cheap.
# (field name, Chinese label); vulnerable-person tags are sensitive personal data.
TAG_FIELDS: tuple[tuple[str, str], ...] = (
    ("is_party_member", "党员"),
    ("is_empty_nest", "空巢老人"),
    ("lives_alone", "独居老人"),
    ("is_left_behind_child", "留守儿童"),
    ("is_disabled", "残疾"),
    ("is_low_income", "低保"),
    ("is_veteran", "退役军人"),
    ("is_study_companion", "陪读家庭"),
)
SENSITIVE_TAGS = {
    "is_empty_nest",
    "lives_alone",
    "is_left_behind_child",
    "is_disabled",
    "is_low_income",
}


class Resident(PiiHashesMixin, models.Model):
    """One person in the ledger (居民), living in (or registered at) one household.

    The identity number is unique: the same person in another household has moved.
    Sex and birth date are derived from it. ID number and phone are stored encrypted
    (:mod:`linli.core.crypto`); their keyed hashes beside them serve look-ups and uniqueness:
    ``Resident.objects.filter(id_number_hash=crypto.id_number_hash(number))``.
    """

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="residents", verbose_name="户"
    )
    name = models.CharField("姓名", max_length=50)
    id_number = EncryptedTextField("身份证号", max_length=18, null=True, blank=True)
    id_number_hash = PiiHashField(source="id_number", kind="id", unique=True, null=True)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    phone = EncryptedTextField("联系电话", max_length=20, blank=True)
    phone_hash = PiiHashField(source="phone", kind="phone", blank=True, db_index=True)
    relation = models.CharField(
        "与户主关系", max_length=20, choices=Relation.choices, default=Relation.HEAD
    )
    is_owner = models.BooleanField("产权人", default=False)
    residence = models.CharField(
        "居住状态", max_length=20, choices=ResidenceStatus.choices, default=ResidenceStatus.RESIDENT
    )
    is_party_member = models.BooleanField("党员", default=False)
    is_empty_nest = models.BooleanField("空巢老人", default=False)
    lives_alone = models.BooleanField("独居老人", default=False)
    is_left_behind_child = models.BooleanField("留守儿童", default=False)
    is_disabled = models.BooleanField("残疾", default=False)
    is_low_income = models.BooleanField("低保", default=False)
    is_veteran = models.BooleanField("退役军人", default=False)
    is_study_companion = models.BooleanField("陪读家庭", default=False)
    other_tags = models.CharField("其他标签", max_length=200, blank=True, help_text="以顿号分隔")
    note = models.CharField("备注", max_length=200, blank=True)
    # The history keeps the encrypted values, not their hashes: it is read by resident, never
    # searched by number, and two fewer indexed columns keep the import fast.
    history = HistoricalRecords(
        verbose_name="居民变更记录", excluded_fields=["id_number_hash", "phone_hash"]
    )
    _history_user: AbstractBaseUser | None  # read by django-simple-history on save
    # Set by api.resident_detail after an audited unmask: the fields shown in full.
    unmasked_fields: set[str]

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "居民"
        verbose_name_plural = verbose_name
        ordering = ["household_id", "id"]

    def __str__(self) -> str:
        return self.name

    def tag_labels(self) -> list[str]:
        labels = [label for name, label in TAG_FIELDS if getattr(self, name)]
        if self.other_tags:
            labels += [t for t in self.other_tags.split("、") if t]
        return labels


class ImportBatch(models.Model):
    """One Excel import run: the file, who ran it, dry-run or not, and every row's outcome."""

    class Status(models.TextChoices):
        RUNNING = "running", "进行中"
        APPLIED = "applied", "已导入"
        DRY_RUN = "dry_run", "试导入"
        REJECTED = "rejected", "有错误，未导入"

    file_name = models.CharField("文件", max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name="导入人",
    )
    dry_run = models.BooleanField("试导入", default=False)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.RUNNING)
    rows = models.PositiveIntegerField("数据行数", default=0)
    summary = models.JSONField("结果汇总", default=dict)
    errors = models.JSONField("错误", default=list)
    warnings = models.JSONField("提示", default=list)
    started_at = models.DateTimeField("开始时间", auto_now_add=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "导入记录"
        verbose_name_plural = verbose_name
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.get_status_display()}）"


class ExportRequest(models.Model):
    """A request to export the ledger with personal data, and a second person's decision.

    PIPL / shared/domain-rules.md §3: a bulk export of personal data needs a second person's
    approval. The requester downloads once, within a day of the approval.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "已驳回"
        DOWNLOADED = "downloaded", "已下载"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="申请人"
    )
    community = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="社区",
        help_text="留空 = 申请人范围内全部",
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="导出范围",
        help_text="所导出的区域（社区，或申请人的全部范围）",
    )
    reason = models.CharField("事由", max_length=200)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审批人",
    )
    decision_note = models.CharField("审批意见", max_length=200, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    downloaded_at = models.DateTimeField("下载时间", null=True, blank=True)

    class Meta:
        verbose_name = "台账导出申请"
        verbose_name_plural = verbose_name
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.region.name} 导出（{self.get_status_display()}）"
