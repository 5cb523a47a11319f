"""Care for people in special difficulty (关爱): the registry, its log, events and reminders.

A care *visit* is not here: it is the grid's one :class:`linli.grid.models.Visit` (mode,
findings, follow-up case), linked to the registry entries it covered (``Visit.care_recipients``).
The categories and tiers are sensitive personal information (PIPL art. 28): only the roles with
``Capability.CARE_VIEW`` see them, each view logged (docs/care.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from linli.core.policy import RestrictedQuerySet


class Category(models.TextChoices):
    LIVES_ALONE = "lives_alone", "独居老人"
    EMPTY_NEST = "empty_nest", "空巢老人"
    LEFT_BEHIND_ELDER = "left_behind_elder", "留守老人"
    DISABLED = "disabled", "失能"
    SEMI_DISABLED = "semi_disabled", "半失能"
    SEVERE_DISABILITY = "severe_disability", "重度残疾"
    DISABILITY = "disability", "残疾"
    FAMILY_PLANNING = "family_planning", "计生特殊家庭"
    LOW_INCOME = "low_income", "低保"
    EXTREME_POVERTY = "extreme_poverty", "特困"
    LEFT_BEHIND_CHILD = "left_behind_child", "留守儿童"
    CHILD_IN_DIFFICULTY = "child_in_difficulty", "困境儿童"


# The ledger's vulnerable-person tags (ledger.models.SENSITIVE_TAGS) and the categories they
# suggest when a resident is registered without categories being named.
TAG_CATEGORIES = {
    "lives_alone": Category.LIVES_ALONE,
    "is_empty_nest": Category.EMPTY_NEST,
    "is_left_behind_child": Category.LEFT_BEHIND_CHILD,
    "is_disabled": Category.DISABILITY,
    "is_low_income": Category.LOW_INCOME,
}


class Tier(models.TextChoices):
    HIGH = "high", "高风险"
    KEY = "key", "重点"
    GENERAL = "general", "一般"


class PartnerKind(models.TextChoices):
    PARTY_MEMBER = "party_member", "党员结对"
    VOLUNTEER = "volunteer", "志愿者结对"


class Recipient(models.Model):
    """One person in the care registry (关爱对象): a ledger resident, the categories that put
    them there, their tier (derived by the rules, or overridden with a reason) and, when
    paired, the party member or volunteer responsible for visiting them (结对); otherwise
    their 邻长 is."""

    resident = models.OneToOneField(
        "ledger.Resident", on_delete=models.PROTECT, related_name="care", verbose_name="居民"
    )
    categories = models.JSONField("关爱类别", default=list)
    serious_illness = models.BooleanField("患危及生命的疾病", default=False)
    derived_tier = models.CharField("规则分级", max_length=10, choices=Tier.choices)
    tier = models.CharField("探访分级", max_length=10, choices=Tier.choices, db_index=True)
    tier_override_reason = models.CharField(
        "调整分级理由", max_length=200, blank=True, help_text="留空 = 按规则分级"
    )
    partner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="care_pairings",
        verbose_name="结对人",
    )
    partner_kind = models.CharField(
        "结对类型", max_length=20, choices=PartnerKind.choices, blank=True
    )
    registered_on = models.DateField("登记日期")
    ended_on = models.DateField("退出日期", null=True, blank=True)
    end_reason = models.CharField("退出原因", max_length=100, blank=True)
    note = models.CharField("情况说明", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "关爱对象"
        verbose_name_plural = verbose_name
        ordering = ["resident__household_id", "id"]
        indexes = [models.Index(fields=["tier", "ended_on"])]

    def __str__(self) -> str:
        return f"关爱对象#{self.pk}"

    @property
    def overridden(self) -> bool:
        return self.tier != self.derived_tier or bool(self.tier_override_reason)

    def category_labels(self) -> list[str]:
        labels = dict(Category.choices)
        return [labels.get(c, c) for c in self.categories]


class RecipientLog(models.Model):
    """One change to a registry entry: who, when, what from and to, and why (append-only)."""

    class Action(models.TextChoices):
        REGISTER = "register", "登记"
        CHANGE = "change", "修改"
        OVERRIDE = "override", "调整分级"
        CLEAR_OVERRIDE = "clear_override", "恢复规则分级"
        PAIR = "pair", "结对"
        END = "end", "退出"

    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="log")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    before = models.CharField("原值", max_length=200, blank=True)
    after = models.CharField("新值", max_length=200, blank=True)
    reason = models.CharField("理由", max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "关爱对象变更记录"
        verbose_name_plural = verbose_name
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d}"


class EventKind(models.TextChoices):
    COLD_WAVE = "cold_wave", "寒潮"
    HEAT = "heat", "高温"
    RAINSTORM = "rainstorm", "暴雨"
    TYPHOON = "typhoon", "台风"
    FESTIVAL = "festival", "节日"
    OTHER = "other", "其他"


class Event(models.Model):
    """An event an official declares for a region (寒潮, 高温, 暴雨, 节日 …): every 高风险 person
    in it is due a visit within ``LINLI_CARE_EVENT_HOURS`` (24) of ``declared_at``."""

    region = models.ForeignKey(
        "ledger.Region", on_delete=models.PROTECT, related_name="care_events", verbose_name="区域"
    )
    kind = models.CharField("类型", max_length=20, choices=EventKind.choices)
    title = models.CharField("标题", max_length=100)
    note = models.CharField("说明", max_length=300, blank=True)
    declared_at = models.DateTimeField("发布时间", db_index=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="发布人",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "关爱事件"
        verbose_name_plural = verbose_name
        ordering = ["-declared_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"


class Reminder(models.Model):
    """The reminder job's note to one visitor on one day: how many are due and overdue, and
    which (ids; a gateway may send it on as a text message). One per visitor per day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="care_reminders",
        verbose_name="探访人",
    )
    day = models.DateField("日期")
    due = models.PositiveIntegerField("应探访", default=0)
    overdue = models.PositiveIntegerField("已逾期", default=0)
    recipient_ids = models.JSONField("关爱对象", default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "探访提醒"
        verbose_name_plural = verbose_name
        ordering = ["-day", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="care_reminder_one_per_day"),
            models.CheckConstraint(
                condition=Q(due__gte=0) & Q(overdue__gte=0), name="care_reminder_counts"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} 提醒"
