"""Volunteer service (志愿服务) after 民政部令第67号《志愿服务记录与证明出具办法（试行）》.

Teams and volunteers of a community; activities with shifts; sign-ups; one service record per
volunteer and shift holding the *actual* service time (check-in/check-out, capped by the
shift, approved by the organiser — 谁组织谁记录、谁记录谁证明); corrections a volunteer asks
for; trainings, awards and evaluations (the other parts of the record); certificates
(志愿服务记录证明) numbered per issuer and year; points (志愿积分) as an append-only ledger
spent at the community's 积分超市.

Time is kept as whole **minutes** (``ServiceRecord.minutes``) and turned into hours only when
summed, so 100 records of 1 h 40 min are 166.67 h, not 100 × 1.67.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from linli.core.policy import RestrictedQuerySet

HUNDREDTH = Decimal("0.01")


def minutes_to_hours(minutes: int | None) -> Decimal:
    """``105`` → ``Decimal("1.75")`` (half-up to the hundredth of an hour)."""
    return (Decimal(minutes or 0) / 60).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


class TeamKind(models.TextChoices):
    PARTY_VANGUARD = "party_vanguard", "党员先锋队"
    WOMEN = "women", "巾帼志愿服务队"
    YOUTH = "youth", "青年志愿服务队"
    SILVER = "silver", "银龄志愿服务队"
    OTHER = "other", "其他"


class Team(models.Model):
    """One volunteer team (志愿服务队) of a community."""

    community = models.ForeignKey(
        "ledger.Region",
        on_delete=models.PROTECT,
        related_name="volunteer_teams",
        verbose_name="社区",
    )
    name = models.CharField("队名", max_length=60)
    kind = models.CharField("类型", max_length=20, choices=TeamKind.choices)
    leader_name = models.CharField("队长", max_length=50, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "志愿服务队"
        verbose_name_plural = verbose_name
        ordering = ["community_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="team_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", "居民身份证"
    PASSPORT = "passport", "护照"
    HK_MACAO_TAIWAN = "hmt_permit", "港澳台居民居住证/通行证"
    OTHER = "other", "其他"


class Volunteer(models.Model):
    """One registered volunteer (志愿者) of a community: a resident of the ledger, or a person
    from a party co-building unit (联建单位). Part one of the record, 个人基本信息.

    ``number`` (志愿者编号) is given once at registration and never changes.
    """

    community = models.ForeignKey(
        "ledger.Region", on_delete=models.PROTECT, related_name="volunteers", verbose_name="社区"
    )
    number = models.CharField("志愿者编号", max_length=20, unique=True)
    resident = models.OneToOneField(
        "ledger.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteer",
        verbose_name="居民",
    )
    unit = models.ForeignKey(
        "party.CoBuildingUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteers",
        verbose_name="联建单位",
    )
    name = models.CharField("姓名", max_length=50)
    id_type = models.CharField(
        "证件类型", max_length=20, choices=IdType.choices, default=IdType.RESIDENT_ID
    )
    id_number = models.CharField(
        "证件号码", max_length=30, blank=True, help_text="居民志愿者取台账身份证号，此处留空"
    )
    phone = models.CharField("联系电话", max_length=20, blank=True)
    is_party_member = models.BooleanField("党员", default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer",
        verbose_name="账号",
    )
    teams = models.ManyToManyField(
        Team, blank=True, related_name="volunteers", verbose_name="所在队伍"
    )
    skills = models.CharField("服务特长", max_length=200, blank=True)
    registered_on = models.DateField("注册日期")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "志愿者"
        verbose_name_plural = verbose_name
        ordering = ["community_id", "number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resident__isnull=False, unit__isnull=True)
                | Q(resident__isnull=True, unit__isnull=False),
                name="volunteer_resident_or_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.number}）"

    @property
    def identity_number(self) -> str:
        if self.resident_id and self.resident is not None:
            return self.resident.id_number or ""
        return self.id_number


class ActivityKind(models.TextChoices):
    POLICY_TALK = "policy_talk", "政策宣讲"
    CLEANING = "cleaning", "环境清洁"
    PATROL = "patrol", "安全巡逻"
    CIVILITY = "civility", "文明劝导"
    CARE = "care", "关爱帮扶"
    OTHER = "other", "其他"


class Activity(models.Model):
    """One volunteer activity (志愿服务活动): what, where, by whom; held in one or more shifts
    (a recurring activity: the shifts its RFC 5545 rule gives)."""

    community = models.ForeignKey(
        "ledger.Region",
        on_delete=models.PROTECT,
        related_name="volunteer_activities",
        verbose_name="社区",
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name="组织队伍",
    )
    title = models.CharField("活动名称", max_length=100)
    kind = models.CharField("服务类型", max_length=20, choices=ActivityKind.choices)
    place = models.CharField("地点", max_length=100)
    description = models.TextField("服务内容", blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="organised_activities",
        verbose_name="组织人（记录人）",
    )
    rrule = models.CharField("重复规则", max_length=300, blank=True, help_text="RFC 5545 RRULE")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "志愿服务活动"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Shift(models.Model):
    """One session of an activity (班次): from when to when, how many places, which role."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="shifts", verbose_name="活动"
    )
    start = models.DateTimeField("开始")
    end = models.DateTimeField("结束")
    places = models.PositiveIntegerField("名额")
    role = models.CharField("岗位", max_length=50, default="志愿者")
    cancelled = models.BooleanField("已取消", default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "班次"
        verbose_name_plural = verbose_name
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["start"])]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="shift_ends_after")
        ]

    def __str__(self) -> str:
        return f"{self.activity} {self.start:%Y-%m-%d %H:%M}"

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


class SignUpStatus(models.TextChoices):
    SIGNED_UP = "signed_up", "已报名"
    CONFIRMED = "confirmed", "已确认"
    DECLINED = "declined", "已婉拒"
    WITHDRAWN = "withdrawn", "已取消"
    SUBSTITUTED = "substituted", "已由他人替补"
    NO_SHOW = "no_show", "未到"


ACTIVE_SIGNUPS = (SignUpStatus.SIGNED_UP, SignUpStatus.CONFIRMED)


class SignUp(models.Model):
    """A volunteer's sign-up for a shift (报名), and what became of it."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="signups")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="signups")
    status = models.CharField(
        "状态", max_length=20, choices=SignUpStatus.choices, default=SignUpStatus.SIGNED_UP
    )
    substitute_for = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="substitutes",
        verbose_name="替补",
    )
    created_at = models.DateTimeField("报名时间")

    objects = RestrictedQuerySet.as_manager()

    #: the volunteer's record for the shift, set by the roll-call page (not a field)
    record: ServiceRecord | None

    class Meta:
        verbose_name = "报名"
        verbose_name_plural = verbose_name
        ordering = ["shift_id", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["shift", "volunteer"], name="signup_once_per_shift")
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.shift}"


class RecordStatus(models.TextChoices):
    CHECKED_IN = "checked_in", "已签到"
    PENDING = "pending", "待确认"
    APPROVED = "approved", "已确认"
    REJECTED = "rejected", "不予确认"


class Method(models.TextChoices):
    QR = "qr", "扫码签到"
    ROLL = "roll", "组织人点名"


class ServiceRecord(models.Model):
    """One volunteer's service in one shift (志愿服务情况): actual time in and out, the minutes
    counted (the overlap with the shift: never travel, never beyond it), and the organiser's
    approval. Once approved it changes only through a :class:`Correction`; every change is
    kept in its history."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="records")
    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="records")
    check_in = models.DateTimeField("签到时间", null=True, blank=True)
    check_out = models.DateTimeField("签退时间", null=True, blank=True)
    minutes = models.PositiveIntegerField("服务时长（分钟）", default=0)
    method = models.CharField("记录方式", max_length=10, choices=Method.choices)
    status = models.CharField("状态", max_length=20, choices=RecordStatus.choices)
    content = models.CharField("服务内容", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="记录人",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="确认人",
    )
    approved_at = models.DateTimeField("确认时间", null=True, blank=True)
    reject_reason = models.CharField("不予确认理由", max_length=200, blank=True)
    history = HistoricalRecords(verbose_name="服务记录变更")

    objects = RestrictedQuerySet.as_manager()

    # read by django-simple-history when the record is saved (set by the services):
    _history_user: Any
    _change_reason: str

    class Meta:
        verbose_name = "志愿服务记录"
        verbose_name_plural = verbose_name
        ordering = ["-shift__start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "shift"], name="record_once_per_shift")
        ]
        indexes = [models.Index(fields=["volunteer", "status"])]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.shift}"

    @property
    def hours(self) -> Decimal:
        return minutes_to_hours(self.minutes)


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", "待处理"
    ACCEPTED = "accepted", "已更正"
    REJECTED = "rejected", "不予更正"


class Correction(models.Model):
    """A volunteer's request to correct their record (申请更正), with a reason; the organiser
    checks it and decides."""

    record = models.ForeignKey(ServiceRecord, on_delete=models.CASCADE, related_name="corrections")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="申请人",
    )
    requested_at = models.DateTimeField("申请时间")
    reason = models.CharField("理由", max_length=300)
    check_in = models.DateTimeField("更正签到时间", null=True, blank=True)
    check_out = models.DateTimeField("更正签退时间", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="处理人",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decision_note = models.CharField("处理意见", max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "更正申请"
        verbose_name_plural = verbose_name
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.record} · {self.get_status_display()}"


class Training(models.Model):
    """培训情况: a training the volunteer took."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="trainings")
    title = models.CharField("培训名称", max_length=100)
    date = models.DateField("日期")
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1, default=Decimal("0"))
    provider = models.CharField("培训单位", max_length=100, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "培训情况"
        verbose_name_plural = verbose_name
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.volunteer_id}: {self.title}"


class Award(models.Model):
    """表彰奖励: an award the volunteer received (worth points, once)."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="awards")
    title = models.CharField("表彰名称", max_length=100)
    date = models.DateField("日期")
    issuer = models.CharField("授予单位", max_length=100)
    points = models.PositiveIntegerField("奖励积分", default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "表彰奖励"
        verbose_name_plural = verbose_name
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.volunteer_id}: {self.title}"


class Rating(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


class Evaluation(models.Model):
    """评价: the organisation's evaluation of the volunteer for a year."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="evaluations")
    year = models.PositiveSmallIntegerField("年度")
    rating = models.CharField("评价等次", max_length=10, choices=Rating.choices)
    comment = models.CharField("评语", max_length=300, blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "评价"
        verbose_name_plural = verbose_name
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "year"], name="evaluation_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id}: {self.year} {self.get_rating_display()}"


class CertificateSequence(models.Model):
    """The last certificate serial an issuer used in a year (locked while a number is taken)."""

    community = models.ForeignKey("ledger.Region", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "year"], name="certseq_once")]

    def __str__(self) -> str:
        return f"{self.community_id}/{self.year}: {self.last}"


class Certificate(models.Model):
    """One 志愿服务记录证明 issued by a community to a volunteer for a period: the figures as
    issued (frozen), the number unique per issuer and year, a token for the public check."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="certificates")
    community = models.ForeignKey(
        "ledger.Region", on_delete=models.PROTECT, related_name="+", verbose_name="出具单位"
    )
    year = models.PositiveSmallIntegerField("年度")
    serial = models.PositiveIntegerField("序号")
    number = models.CharField("证明编号", max_length=60, unique=True)
    period_start = models.DateField("起")
    period_end = models.DateField("止")
    minutes = models.PositiveIntegerField("服务时长（分钟）")
    activities = models.JSONField("服务情况", default=list)
    person_in_charge = models.CharField("负责人", max_length=50)
    handler = models.CharField("经办人", max_length=50)
    contact = models.CharField("联系电话", max_length=30)
    full_id_number = models.BooleanField("显示完整证件号", default=False)
    issued_on = models.DateField("出具日期")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="经办账号",
    )
    token = models.CharField(max_length=40, unique=True, editable=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "志愿服务记录证明"
        verbose_name_plural = verbose_name
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "year", "serial"], name="cert_serial_once")
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def hours(self) -> Decimal:
        return minutes_to_hours(self.minutes)


class RewardItem(models.Model):
    """One item of the community's 积分超市: what it costs in points, how many are left."""

    community = models.ForeignKey(
        "ledger.Region", on_delete=models.PROTECT, related_name="+", verbose_name="社区"
    )
    name = models.CharField("物品", max_length=60)
    points = models.PositiveIntegerField("所需积分")
    stock = models.PositiveIntegerField("库存")
    active = models.BooleanField("上架", default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "积分超市物品"
        verbose_name_plural = verbose_name
        ordering = ["points", "name"]

    def __str__(self) -> str:
        return self.name


class PointKind(models.TextChoices):
    SERVICE = "service", "服务时长"
    CORRECTION = "correction", "时长更正"
    AWARD = "award", "表彰奖励"
    REDEEM = "redeem", "积分兑换"


class PointEntryQuerySet(RestrictedQuerySet):
    def update(self, **kwargs):
        raise TypeError("积分流水只能追加，不能修改")

    def delete(self):
        raise TypeError("积分流水只能追加，不能删除")


class PointEntry(models.Model):
    """One line of a volunteer's points ledger (志愿积分). Append-only: a balance is the sum of
    the lines; a mistake is put right by a new line, never by changing one."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="points")
    points = models.IntegerField("积分", help_text="获得为正，兑换为负")
    kind = models.CharField("类型", max_length=12, choices=PointKind.choices)
    record = models.ForeignKey(
        ServiceRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    award = models.OneToOneField(
        Award, on_delete=models.PROTECT, null=True, blank=True, related_name="point_entry"
    )
    item = models.ForeignKey(
        RewardItem, on_delete=models.PROTECT, null=True, blank=True, related_name="redemptions"
    )
    quantity = models.PositiveIntegerField("数量", default=0)
    note = models.CharField("说明", max_length=200, blank=True)
    at = models.DateTimeField("时间")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="经办人",
    )

    objects = PointEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "积分流水"
        verbose_name_plural = verbose_name
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["volunteer", "at"])]

    def __str__(self) -> str:
        return f"{self.volunteer_id}: {self.points:+d} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("积分流水只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("积分流水只能追加，不能删除")
