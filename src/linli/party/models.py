"""The party organisation: 社区党总支 → 联建党支部 → 小区党小组, members and theme days."""

from __future__ import annotations

from django.db import models

from linli.core.policy import RestrictedQuerySet


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", "党委"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"
    JOINT_BRANCH = "joint_branch", "联建党支部"
    SMALL_GROUP = "small_group", "党小组"


class Organisation(models.Model):
    """One party organisation in the tree (党委/党总支/党支部/联建党支部/党小组)."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上级组织",
    )
    kind = models.CharField("类型", max_length=20, choices=OrgKind.choices)
    name = models.CharField("名称", max_length=100)
    community = models.ForeignKey(
        "ledger.Region", on_delete=models.PROTECT, related_name="party_orgs", verbose_name="社区"
    )
    grid = models.ForeignKey(
        "grid.Grid",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="party_orgs",
        verbose_name="所在网格",
        help_text="联建党支部建在片上，党小组建在小区",
    )
    compound = models.ForeignKey(
        "ledger.Compound",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="party_orgs",
        verbose_name="小区",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = verbose_name
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name


class CoBuildingUnit(models.Model):
    """A unit inside the grid that builds a joint branch with the compounds (联建单位)."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", "企业"
        INSTITUTION = "institution", "事业单位"
        SCHOOL = "school", "学校"
        DEPARTMENT = "department", "机关部门"
        OTHER = "other", "其他"

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="co_building_units",
        verbose_name="联建党支部",
    )
    name = models.CharField("单位名称", max_length=100)
    kind = models.CharField("单位类型", max_length=20, choices=Kind.choices)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "联建单位"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A party member in one organisation: a resident, or someone from a co-building unit."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="members", verbose_name="所在组织"
    )
    resident = models.OneToOneField(
        "ledger.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="party_membership",
        verbose_name="居民",
    )
    name = models.CharField("姓名", max_length=50)
    unit = models.ForeignKey(
        CoBuildingUnit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name="所在联建单位",
    )
    shows_identity = models.BooleanField("亮身份", default=False)
    contact_households = models.ManyToManyField(
        "ledger.Household", blank=True, related_name="party_contacts", verbose_name="联系户"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.name


class ThemeDay(models.Model):
    """A monthly theme party day, 一月一课一片一实践: the lesson, the area served, the practice."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="theme_days", verbose_name="组织"
    )
    month = models.DateField("月份", help_text="该月第一天")
    lesson = models.CharField("一课", max_length=200)
    area = models.ForeignKey(
        "grid.Grid", on_delete=models.SET_NULL, null=True, blank=True, verbose_name="一片"
    )
    practice = models.CharField("一实践", max_length=300)
    attendees = models.ManyToManyField(Member, blank=True, verbose_name="参加党员")
    attendance = models.PositiveIntegerField("参加人数", default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "主题党日"
        verbose_name_plural = verbose_name
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "month"], name="theme_day_monthly")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.month:%Y-%m}"
