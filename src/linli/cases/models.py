"""Residents' cases (诉求/事件): from report to resolution, with the working-day calendar.

The loop follows the seven steps of digital urban management — 采集 → 立案 → 派遣 → 处理 →
反馈 → 核查结案 → 评价 — and the handler climbs 邻长 → 组长 → 片长 → 社区 → 部门 / 五方联席会.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from linli.core.fields import EncryptedTextField
from linli.core.policy import RestrictedQuerySet
from linli.core.uploads import StoredName
from linli.grid.models import LEADER_TITLES, GridLevel


class HandlerLevel(models.IntegerChoices):
    """Who holds a case now. Ordered: escalation goes one step up."""

    NEIGHBOUR = 1, "邻长"
    GROUP = 2, "组长"
    AREA = 3, "片长"
    COMMUNITY = 4, "社区"
    DEPARTMENT = 5, "部门"
    JOINT_MEETING = 6, "五方联席会"


# The levels at which a grid cell's leader (邻长, 组长, 片长) holds the case.
GRID_HANDLER_LEVELS = (HandlerLevel.NEIGHBOUR, HandlerLevel.GROUP, HandlerLevel.AREA)


def holder_name(
    level: int,
    *,
    grid_name: str | None = None,
    grid_level: int | None = None,
    department_name: str | None = None,
    community_name: str = "",
) -> str:
    """Who holds a case at ``level``, in words (第1邻邻长, 消防, 新塘社区（社区）, 五方联席会):
    the one wording of a holder for pages, API rows, timelines and Open311. The names are
    those of the case's grid cell, department and community (only the one its level names is
    read)."""
    level = HandlerLevel(level)
    if level in GRID_HANDLER_LEVELS and grid_name is not None:
        if grid_level is None:
            raise ValueError("a grid cell's holder needs the cell's level")
        return f"{grid_name}{LEADER_TITLES[GridLevel(grid_level)]}"
    if level == HandlerLevel.DEPARTMENT and department_name is not None:
        return department_name
    if level == HandlerLevel.COMMUNITY:
        return f"{community_name}（社区）"
    return str(level.label)


def case_number(pk: int, reported_at) -> str:
    """诉求编号: ``SQ<local report date>-<id, five digits>``."""
    return f"SQ{timezone.localtime(reported_at):%Y%m%d}-{pk:05d}"


class Stage(models.TextChoices):
    COLLECTED = "collected", "采集"
    ACCEPTED = "accepted", "立案"
    DISPATCHED = "dispatched", "派遣"
    HANDLING = "handling", "处理"
    FEEDBACK = "feedback", "反馈"
    VERIFIED = "verified", "核查结案"
    RATED = "rated", "评价"


# Stages in which someone still has to act on the case (the clock runs).
WORKING_STAGES = (Stage.COLLECTED, Stage.ACCEPTED, Stage.DISPATCHED, Stage.HANDLING)
RESOLVED_STAGES = (Stage.FEEDBACK, Stage.VERIFIED, Stage.RATED)


class Status(models.TextChoices):
    OPEN = "open", "办理中"
    CLOSED = "closed", "已办结"


class CloseReason(models.TextChoices):
    RESOLVED = "resolved", "已解决"
    RETURNED = "returned", "退回诉求人"
    MERGED = "merged", "合并为重复件"
    DISMISSED = "dismissed", "核实为无效反映"


class Channel(models.TextChoices):
    RESIDENT = "resident", "居民自报"
    LEADER = "leader", "三长代报"
    DESK = "desk", "窗口登记"
    OPEN311 = "open311", "Open311 接口"
    STAIRWELL = "stairwell", "楼道码"


class Urgency(models.TextChoices):
    NORMAL = "normal", "一般"
    URGENT = "urgent", "紧急"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY = "basically", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class Department(models.Model):
    """One functional department that receives dispatched cases (消防, 城管, 住建 …)."""

    code = models.SlugField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=50)
    region = models.ForeignKey(
        "ledger.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="所属区域",
        help_text="通常为县；留空表示通用",
    )
    phone = models.CharField("联系电话", max_length=20, blank=True)
    active = models.BooleanField("启用", default=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="DepartmentMember",
        related_name="case_departments",
        blank=True,
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "职能部门"
        verbose_name_plural = verbose_name
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class DepartmentMember(models.Model):
    """A department staff user (Profile role 部门工作人员) who answers for one department."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "部门人员"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["department", "user"], name="department_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.department}：{self.user}"


class Category(models.Model):
    """One kind of case in the configurable taxonomy, with its handler level and time limit.

    ``extra_attributes`` holds Open311 service-definition attributes (a list of
    ``{code, datatype, required, description, values}``).
    """

    code = models.SlugField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=30, unique=True)
    description = models.CharField("说明", max_length=200, blank=True)
    default_level = models.PositiveSmallIntegerField(
        "默认处理层级",
        choices=[(c.value, c.label) for c in HandlerLevel if c <= HandlerLevel.COMMUNITY],
        default=HandlerLevel.NEIGHBOUR,
        help_text="立案后直接交由该层级处理",
    )
    default_department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="建议派遣部门",
    )
    time_limit_days = models.PositiveSmallIntegerField("办理时限（工作日）", default=5)
    extra_attributes = models.JSONField("附加属性（Open311）", default=list, blank=True)
    sort = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "诉求类别"
        verbose_name_plural = verbose_name
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return self.name


class WorkCalendarDay(models.Model):
    """One day of the working-day calendar: working or not, and why (节假日、调休上班).

    Days missing from the table fall back to Monday–Friday and the ``holidays`` library.
    """

    date = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("工作日")
    note = models.CharField("说明", max_length=60, blank=True)
    source = models.CharField(
        "来源", max_length=20, default="library", help_text="library：节假日库；manual：人工维护"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "工作日历"
        verbose_name_plural = verbose_name
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_working_day else '休息'}"


class Case(models.Model):
    """One resident's case (诉求): where it is in the loop, who holds it, by when."""

    community = models.ForeignKey(
        "ledger.Region", on_delete=models.PROTECT, related_name="cases", verbose_name="社区"
    )
    household = models.ForeignKey(
        "ledger.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name="户",
    )
    compound = models.ForeignKey(
        "ledger.Compound",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name="小区",
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="cases", verbose_name="类别"
    )
    description = models.TextField("诉求内容")
    urgency = models.CharField(
        "紧急程度", max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    channel = models.CharField("来源渠道", max_length=10, choices=Channel.choices)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reported_cases",
        verbose_name="登记人",
    )
    on_behalf_of = models.ForeignKey(
        "ledger.Resident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name="诉求人",
    )
    unit = models.ForeignKey(
        "ledger.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name="单元",
        help_text="楼道码反映：扫码所在的单元（楼道）",
    )
    unverified = models.BooleanField(
        "待核实",
        default=False,
        help_text="未登录的楼道码反映：须由该单元的邻长核实属实后才进入办理流程（时限自核实起算）",
    )
    client_key = models.CharField("提交标识", max_length=64, null=True, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    stage = models.CharField("环节", max_length=12, choices=Stage.choices, default=Stage.COLLECTED)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.OPEN)
    close_reason = models.CharField(
        "办结方式", max_length=10, choices=CloseReason.choices, blank=True
    )
    level = models.PositiveSmallIntegerField(
        "当前处理层级", choices=HandlerLevel.choices, default=HandlerLevel.NEIGHBOUR
    )
    grid = models.ForeignKey(
        "grid.Grid",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="held_cases",
        verbose_name="当前网格",
    )
    origin_grid = models.ForeignKey(
        "grid.Grid",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="origin_cases",
        verbose_name="所属网格",
        help_text="登记时诉求所在的邻（小区诉求为覆盖该小区的最小网格）",
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name="派遣部门",
    )
    route = models.JSONField(
        "上报路径",
        default=list,
        blank=True,
        help_text="逐级上报/派遣前的处理方，退回时回到上一处理方",
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name="合并至",
    )
    satisfaction = models.CharField(
        "满意度", max_length=12, choices=Satisfaction.choices, blank=True
    )
    reported_at = models.DateTimeField("登记时间")
    accepted_at = models.DateTimeField("立案时间", null=True, blank=True)
    resolved_at = models.DateTimeField("办结时间", null=True, blank=True)
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)
    deadline = models.DateField("当前时限", help_text="当前层级须在该日（含）前办结")
    original_deadline = models.DateField("承诺时限", help_text="按类别时限从登记日起算")
    warned_for = models.DateField("已提醒的时限", null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField("重办次数", default=0)
    escalations = models.PositiveSmallIntegerField("上报次数", default=0)
    version = models.PositiveIntegerField("版本", default=1)

    objects = RestrictedQuerySet.as_manager()

    # Set by the services on the instance they return, never stored (not fields):
    #: whether the report was a replay of an earlier one with the same client key
    replayed: bool
    #: the one event of a case just reported (the API answers from it)
    report_event: CaseEvent
    #: the Open311 submission behind the case, attached for a page of service requests
    _open311: Open311Submission | None

    class Meta:
        verbose_name = "居民诉求"
        verbose_name_plural = verbose_name
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "client_key"],
                condition=Q(client_key__isnull=False),
                name="case_client_key_once_per_reporter",
            )
        ]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["household", "-reported_at"]),
            models.Index(fields=["community", "-reported_at"]),
            models.Index(fields=["grid", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.category}"

    @property
    def number(self) -> str:
        if not self.pk:
            return "SQ-新"
        return case_number(self.pk, self.reported_at)

    @property
    def holder(self) -> str:
        """:func:`holder_name` of this case; loads only the relation its level names."""
        level = HandlerLevel(self.level)
        grid = self.grid if level in GRID_HANDLER_LEVELS else None
        department = self.department if level == HandlerLevel.DEPARTMENT else None
        return holder_name(
            level,
            grid_name=grid.name if grid else None,
            grid_level=grid.level if grid else None,
            department_name=department.name if department else None,
            community_name=self.community.name if level == HandlerLevel.COMMUNITY else "",
        )

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    @property
    def is_resolved(self) -> bool:
        return self.stage in RESOLVED_STAGES and self.close_reason != CloseReason.MERGED


class CaseEvent(models.Model):
    """One step of a case: who did what, when, from where to where, why; shown as a timeline."""

    class Action(models.TextChoices):
        REPORT = "report", "登记诉求"
        ACCEPT = "accept", "立案受理"
        FORWARD = "forward", "按类别转交"
        PROGRESS = "progress", "办理进展"
        RESOLVE = "resolve", "办理完毕"
        RETURN = "return", "退回"
        ESCALATE = "escalate", "上报"
        DISPATCH = "dispatch", "派遣部门"
        REPLY = "reply", "部门回复"
        CONFIRM = "confirm", "确认评价"
        REOPEN = "reopen", "不满意，重新办理"
        MERGE = "merge", "合并重复件"
        CLOSE = "close", "核查结案"
        WARN = "warn", "临期提醒"
        OVERDUE = "overdue", "超期自动上报"
        VERIFY = "verify", "核实属实"
        DISMISS = "dismiss", "核实为无效"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    actor_label = models.CharField("操作人", max_length=60, blank=True)
    action = models.CharField("动作", max_length=10, choices=Action.choices)
    from_stage = models.CharField(max_length=12, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=12, choices=Stage.choices, blank=True)
    from_holder = models.CharField("原处理方", max_length=60, blank=True)
    to_holder = models.CharField("现处理方", max_length=60, blank=True)
    note = models.TextField("说明", blank=True)

    objects = RestrictedQuerySet.as_manager()

    #: the URLs of the photos stored with a just-written event (set by the services)
    photo_urls: list[str]

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = verbose_name
        ordering = ["case_id", "at", "id"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"


class CasePhoto(models.Model):
    """A photo on a case: with the report, or attached to a later step (e.g. the fix)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(
        CaseEvent, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    image = models.ImageField("照片", upload_to=StoredName("cases/%Y/%m/"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "诉求照片"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.image.name or ""

    def get_absolute_url(self) -> str:
        """The scoped view that serves it (nothing is served from ``MEDIA_URL``)."""
        return reverse("cases:photo", args=[self.pk])


class Open311ApiKey(models.Model):
    """A key an official issued to an app for Open311 ``POST requests`` (only its hash is kept).

    ``region`` limits the places the app may report for (None: anywhere).
    """

    name = models.CharField("名称", max_length=60)
    prefix = models.CharField("前缀", max_length=12, help_text="密钥开头几位，便于辨认")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    region = models.ForeignKey(
        "ledger.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="限定区域",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="签发人",
    )
    created = models.DateTimeField("签发时间", default=timezone.now)
    revoked = models.DateTimeField("吊销时间", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "Open311 接口密钥"
        verbose_name_plural = verbose_name
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(revoked__isnull=True),
                name="open311_key_name_once_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"


class Open311Submission(models.Model):
    """What an Open311 ``POST requests`` carried besides the case itself.

    The contact fields are personal data: kept for the handlers, never output by Open311.
    ``dedupe_key`` (api key + device/client key + body) makes a replayed POST return the
    first case, also when two copies race in.
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="open311")
    api_key = models.ForeignKey(Open311ApiKey, on_delete=models.PROTECT, related_name="submissions")
    token = models.CharField(max_length=32, unique=True)
    dedupe_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)
    first_name = models.CharField(max_length=50, blank=True)
    last_name = models.CharField(max_length=50, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone = EncryptedTextField(max_length=30, blank=True)  # linli.core.crypto
    media_url = models.URLField(max_length=500, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "Open311 提交"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.case_id} via {self.api_key_id}"
