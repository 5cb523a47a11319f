"""Service points and service items (便民服务网点与服务事项, "就近办"), on Open Referral HSDS 3.

- HSDS ``organization`` → :class:`Organization`: 实施机构 (县人社局, 县民政局 …), with its
  office address and phone;
- ``service`` → :class:`Item`: 服务事项 — name and code (GB/T 39554.1-2020), 受理范围,
  受理条件, 办理程序, 办理时限, 收费, 到现场次数, 咨询/监督电话;
- ``required_document`` → :class:`RequiredDocument`: 所需材料 (原件/复印件, 份数);
- ``location`` (+ address, phone) → :class:`Point`: 服务网点 — 政务服务中心, 便民服务中心,
  社区服务站, 自助终端, 代办点 — at WGS-84 coordinates;
- ``service_at_location`` → :class:`PointItem`: which point handles which item;
- ``schedule`` → :class:`Schedule`: a point's opening hours, an RFC 5545 rule and the hours
  of the day, closed on the holidays and open on the make-up working days of
  ``linli.core.calendar``.

Everything here is public (anyone, anonymous included, may read it); county, town and community
officials edit what belongs to their region (``scopes.py``). Every row carries a stable UUID:
the HSDS export's ids (``hsds.py``).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from linli.core.policy import RestrictedQuerySet


class ApplicantScope(models.TextChoices):
    PERSON = "person", "个人"
    LEGAL = "legal", "法人"
    BOTH = "both", "个人和法人"


class PointKind(models.TextChoices):
    HALL = "hall", "政务服务中心"
    TOWN_CENTRE = "town_centre", "便民服务中心"
    STATION = "station", "社区服务站"
    SELF_SERVICE = "self_service", "自助服务终端"
    AGENCY = "agency", "代办点"


class DocumentForm(models.TextChoices):
    ORIGINAL = "original", "原件"
    COPY = "copy", "复印件"
    BOTH = "both", "原件和复印件"


class CalendarRule(models.TextChoices):
    WORKDAYS = "workdays", "按工作日历（法定节假日休息，调休上班日照常办公）"
    RULE_ONLY = "rule_only", "只按规则（节假日照常）"


class Organization(models.Model):
    """One body that carries out service items (实施机构, HSDS ``organization``): a county
    department or a town/community office, with its office address and phone."""

    uuid = models.UUIDField("标识", default=uuid.uuid4, unique=True, editable=False)
    region = models.ForeignKey(
        "ledger.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所属行政区"
    )
    name = models.CharField("名称", max_length=100)
    description = models.TextField("简介", blank=True)
    address = models.CharField("办公地址", max_length=200, blank=True)
    phone = models.CharField("咨询电话", max_length=30, blank=True)
    website = models.URLField("网址", blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "实施机构"
        verbose_name_plural = verbose_name
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="services_org_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    """One service item (服务事项, HSDS ``service``) with its 办事指南: who may apply, on what
    conditions, with which documents, by which steps, in how long, for what fee, with how many
    visits. ``time_limit_days`` 0 is 当场办结; otherwise the promise in working days."""

    uuid = models.UUIDField("标识", default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="items", verbose_name="实施机构"
    )
    name = models.CharField("事项名称", max_length=100)
    code = models.CharField(
        "事项编码", max_length=40, unique=True, help_text="GB/T 39554.1-2020 政务服务事项编码"
    )
    description = models.TextField("事项说明", blank=True)
    applicant_scope = models.CharField(
        "受理范围", max_length=10, choices=ApplicantScope.choices, default=ApplicantScope.PERSON
    )
    eligibility = models.TextField("受理条件", blank=True)
    steps = models.JSONField("办理程序", default=list, blank=True, help_text="每一步一句话，按顺序")
    time_limit_days = models.PositiveSmallIntegerField(
        "办理时限（工作日）", default=0, help_text="0 = 当场办结"
    )
    fee = models.DecimalField(
        "收费标准（元）",
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    fee_basis = models.CharField("收费依据", max_length=200, blank=True)
    visits_needed = models.PositiveSmallIntegerField(
        "到现场次数", default=1, validators=[MaxValueValidator(9)]
    )
    legal_basis = models.TextField("设定依据", blank=True)
    consult_phone = models.CharField("咨询电话", max_length=30, blank=True)
    complaint_phone = models.CharField("监督电话", max_length=30, blank=True)
    active = models.BooleanField("在办", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "服务事项"
        verbose_name_plural = verbose_name
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def time_limit_label(self) -> str:
        if self.time_limit_days == 0:
            return "当场办结"
        return f"承诺 {self.time_limit_days} 个工作日"

    @property
    def fee_label(self) -> str:
        return "不收费" if self.fee == 0 else f"{self.fee} 元"


class RequiredDocument(models.Model):
    """One document an applicant brings (所需材料): original or copy, how many copies."""

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="documents", verbose_name="事项"
    )
    position = models.PositiveSmallIntegerField("序号", default=0)
    name = models.CharField("材料名称", max_length=120)
    form = models.CharField(
        "材料形式", max_length=10, choices=DocumentForm.choices, default=DocumentForm.ORIGINAL
    )
    copies = models.PositiveSmallIntegerField(
        "份数", default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    note = models.CharField("说明", max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "所需材料"
        verbose_name_plural = verbose_name
        ordering = ["item", "position", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        text = f"{self.name}（{self.get_form_display()} {self.copies} 份）"
        return f"{text}：{self.note}" if self.note else text


class Point(models.Model):
    """One service point (服务网点, HSDS ``location`` with its address and phone): where a
    resident goes to get items done. ``region`` is whose office runs it (and may edit it)."""

    uuid = models.UUIDField("标识", default=uuid.uuid4, unique=True, editable=False)
    region = models.ForeignKey(
        "ledger.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所属行政区"
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="points",
        verbose_name="运营机构",
    )
    name = models.CharField("网点名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=PointKind.choices)
    description = models.TextField("简介", blank=True)
    address = models.CharField("地址", max_length=200)
    district = models.CharField("区县", max_length=40, blank=True)
    city = models.CharField("市", max_length=40)
    province = models.CharField("省", max_length=40)
    postal_code = models.CharField("邮编", max_length=10)
    latitude = models.DecimalField(
        "纬度",
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text="WGS-84（GPS）坐标",
    )
    longitude = models.DecimalField(
        "经度",
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    phone = models.CharField("电话", max_length=30, blank=True)
    transport = models.CharField("交通", max_length=200, blank=True)
    active = models.BooleanField("开放", default=True)
    items = models.ManyToManyField(
        Item, through="PointItem", related_name="points", verbose_name="可办事项"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "服务网点"
        verbose_name_plural = verbose_name
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="services_point_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class PointItem(models.Model):
    """One item handled at one point (HSDS ``service_at_location``)."""

    uuid = models.UUIDField("标识", default=uuid.uuid4, unique=True, editable=False)
    point = models.ForeignKey(
        Point, on_delete=models.CASCADE, related_name="offers", verbose_name="网点"
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="offers", verbose_name="事项"
    )
    note = models.CharField("说明", max_length=200, blank=True, help_text="如：代办，次日送达")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "网点可办事项"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["point", "item"], name="services_point_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.point} · {self.item.name}"


class Schedule(models.Model):
    """One line of a point's opening hours (HSDS ``schedule``): the days by an RFC 5545 rule
    (``FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR``) from ``valid_from``, open from ``opens_at`` to
    ``closes_at`` (local time) on those days. With ``calendar`` = workdays the working-day
    calendar has the last word: closed on a public holiday, open on a make-up working day."""

    uuid = models.UUIDField("标识", default=uuid.uuid4, unique=True, editable=False)
    point = models.ForeignKey(
        Point, on_delete=models.CASCADE, related_name="schedules", verbose_name="网点"
    )
    rrule = models.CharField("重复规则（RFC 5545）", max_length=200)
    valid_from = models.DateField("起始日期")
    opens_at = models.TimeField("开始")
    closes_at = models.TimeField("结束")
    calendar = models.CharField(
        "节假日", max_length=10, choices=CalendarRule.choices, default=CalendarRule.WORKDAYS
    )
    description = models.CharField("说明", max_length=100, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "开放时间"
        verbose_name_plural = verbose_name
        ordering = ["point", "opens_at", "pk"]

    def __str__(self) -> str:
        return f"{self.point} {self.rrule} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"
