"""五方联席会: joint meetings of the five parties, their agenda, and the actions they decide.

The article: the county organisation department (县委组织部) leads; county departments, the
town, the community, the owners' committee (and the property service or the compound's
manager) meet about a compound's problems and split the work as 县直部门指导、镇组织、社区落实、
小区自治. Each decision becomes an :class:`Action` followed to done with progress notes; actions
past their deadline are carried over to the next meeting of the same place.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from linli.core.policy import RestrictedQuerySet


class Party(models.TextChoices):
    """The five parties of the joint meeting."""

    COUNTY_DEPARTMENT = "county_department", "县直部门"
    TOWN = "town", "镇"
    COMMUNITY = "community", "社区"
    COMMITTEE = "committee", "业委会"
    PROPERTY = "property", "物业或管理人"


class ModeRole(models.TextChoices):
    """A party's role in the mode 县直部门指导、镇组织、社区落实、小区自治."""

    GUIDE = "guide", "指导"
    ORGANISE = "organise", "组织"
    IMPLEMENT = "implement", "落实"
    SELF_GOVERN = "self_govern", "自治"


# The role each party usually takes; an action may set another.
MODE_BY_PARTY = {
    Party.COUNTY_DEPARTMENT: ModeRole.GUIDE,
    Party.TOWN: ModeRole.ORGANISE,
    Party.COMMUNITY: ModeRole.IMPLEMENT,
    Party.COMMITTEE: ModeRole.SELF_GOVERN,
    Party.PROPERTY: ModeRole.SELF_GOVERN,
}


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未开始"
    IN_PROGRESS = "in_progress", "进行中"
    DONE = "done", "已完成"
    CANCELLED = "cancelled", "已取消"


OPEN_STATUSES = (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)
CLOSED_STATUSES = (ActionStatus.DONE, ActionStatus.CANCELLED)

DEFAULT_CONVENER = "县委组织部"


class Meeting(models.Model):
    """One five-party joint meeting held for a community (or a town) about its compounds."""

    region = models.ForeignKey(
        "ledger.Region",
        on_delete=models.PROTECT,
        related_name="joint_meetings",
        verbose_name="召开区域",
        help_text="社区（或镇）；会议所议小区须在该区域内",
    )
    title = models.CharField("会议名称", max_length=120)
    held_on = models.DateField("会议日期")
    place = models.CharField("地点", max_length=120)
    convener = models.CharField(
        "召集单位", max_length=60, default=DEFAULT_CONVENER, help_text="由县委组织部牵头"
    )
    chair = models.CharField("主持人", max_length=60, blank=True)
    compounds = models.ManyToManyField(
        "ledger.Compound", related_name="joint_meetings", blank=True, verbose_name="涉及小区"
    )
    note = models.TextField("备注", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="登记人",
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "五方联席会"
        verbose_name_plural = verbose_name
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["region", "held_on"])]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    @property
    def number(self) -> str:
        if not self.pk:
            return "LXH-新"
        return f"LXH{self.held_on:%Y%m%d}-{self.pk:03d}"


class Attendee(models.Model):
    """One person present at a meeting, with the party and unit they came for."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendees", verbose_name="会议"
    )
    party = models.CharField("参会方", max_length=20, choices=Party.choices)
    name = models.CharField("姓名", max_length=40)
    unit = models.CharField("单位/职务", max_length=80, blank=True)
    department = models.ForeignKey(
        "cases.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="joint_meeting_attendances",
        verbose_name="职能部门",
        help_text="县直部门参会时选择",
    )
    is_resident = models.BooleanField(
        "居民身份",
        default=False,
        help_text="业委会成员、居民代表等：公开的会议纪要中隐去姓名",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "参会人员"
        verbose_name_plural = verbose_name
        ordering = ["meeting_id", "id"]

    def __str__(self) -> str:
        return f"{self.get_party_display()} {self.name}"


class AgendaItem(models.Model):
    """One topic put to a meeting: about a compound, about residents' cases, or about an
    infrastructure problem described in words (or several of these)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda", verbose_name="会议"
    )
    position = models.PositiveSmallIntegerField("序号")
    title = models.CharField("议题", max_length=120)
    compound = models.ForeignKey(
        "ledger.Compound",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="joint_meeting_items",
        verbose_name="小区",
    )
    cases = models.ManyToManyField(
        "cases.Case", related_name="joint_meeting_items", blank=True, verbose_name="关联诉求"
    )
    problem = models.TextField("问题描述", blank=True, help_text="基础设施等问题的文字描述")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "会议议题"
        verbose_name_plural = verbose_name
        ordering = ["meeting_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_position_once")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Action(models.Model):
    """One decision of a meeting as a piece of work: who answers for it, by when, in which
    role of 县直部门指导、镇组织、社区落实、小区自治, and where it stands (议定事项)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="actions", verbose_name="会议"
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name="所属议题",
    )
    decision = models.TextField("议定事项")
    responsible_party = models.CharField("责任方", max_length=20, choices=Party.choices)
    responsible_unit = models.CharField("责任单位", max_length=80, blank=True)
    department = models.ForeignKey(
        "cases.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="joint_meeting_actions",
        verbose_name="责任部门",
    )
    responsible_person = models.CharField("责任人", max_length=40)
    responsible_is_resident = models.BooleanField(
        "责任人为居民", default=False, help_text="公开的会议纪要中隐去姓名"
    )
    mode_role = models.CharField(
        "履职方式",
        max_length=12,
        choices=ModeRole.choices,
        help_text="县直部门指导、镇组织、社区落实、小区自治",
    )
    deadline = models.DateField("完成时限")
    status = models.CharField(
        "状态", max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    closing_note = models.TextField("办结说明", blank=True)
    closed_at = models.DateTimeField("办结/取消时间", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    #: the day overdue is judged against, set on instances by the API (not a field)
    today: dt.date

    class Meta:
        verbose_name = "议定事项"
        verbose_name_plural = verbose_name
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["department", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.decision[:30]}（{self.get_status_display()}）"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today) -> bool:
        """Deadline passed (the deadline day itself is still in time) and not done."""
        return self.is_open and self.deadline < today

    @property
    def number(self) -> str:
        return f"YD-{self.pk:04d}" if self.pk else "YD-新"

    @property
    def holder(self) -> str:
        unit = self.responsible_unit or (
            self.department.name if self.department_id and self.department is not None else ""
        )
        party = self.get_responsible_party_display()
        return f"{party}·{unit}" if unit else party


class ActionProgress(models.Model):
    """One entry in an action's log: recorded, progress, done, cancelled. Append-only."""

    class Kind(models.TextChoices):
        RECORDED = "recorded", "会议议定"
        PROGRESS = "progress", "进展"
        DONE = "done", "完成"
        CANCELLED = "cancelled", "取消"

    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="progress", verbose_name="议定事项"
    )
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="记录人",
    )
    actor_label = models.CharField("记录人", max_length=60)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    note = models.TextField("内容")
    status_after = models.CharField(
        "记录后状态", max_length=12, choices=ActionStatus.choices, blank=True
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "事项进展"
        verbose_name_plural = verbose_name
        ordering = ["action_id", "at", "id"]
        indexes = [models.Index(fields=["action", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("事项进展只能追加，不能修改")
        super().save(*args, **kwargs)
