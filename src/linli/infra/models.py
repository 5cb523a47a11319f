"""一小区一对策: one infrastructure plan per compound, its problems, their money and stages.

A :class:`Problem` is found by a survey, a resident's case or a five-party meeting; it gets a
measure, a responsible department, a budget and its funding shares (:class:`Funding`), and
moves one stage at a time 提出 → 论证 → 立项 → 实施 → 验收 → 完成 (:class:`ProblemEvent` keeps
every step). Money follows the law: a 维修资金 share waits for the owners' vote under 民法典
art. 278 item (五) (a ``selfgov.Proposal`` the plan opened), a 公共收益 share for the
committee's approval of its spending entry in the compound's public account
(``commons.Entry``); neither reaches 实施 before. Photos go through ``core.uploads``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from linli.core.policy import RestrictedQuerySet
from linli.core.uploads import StoredName


class Kind(models.TextChoices):
    FIRE = "fire", "消防"
    WATER = "water", "供水"
    DRAINAGE = "drainage", "排水·化粪池"
    STREET_LIGHT = "street_light", "路灯"
    ROOF_LEAK = "roof_leak", "屋面漏水"
    FACADE = "facade", "外墙"
    WIRING = "wiring", "线路"
    GREENING = "greening", "绿化"
    PARKING = "parking", "停车"
    CHARGING = "charging", "充电"
    ROAD = "road", "道路"
    SECURITY = "security", "安防·门禁"
    OTHER = "other", "其他"


class FoundBy(models.TextChoices):
    SURVEY = "survey", "摸排"
    CASE = "case", "居民诉求"
    MEETING = "meeting", "五方联席会"


class Stage(models.TextChoices):
    PROPOSED = "proposed", "提出"
    ARGUED = "argued", "论证"
    APPROVED = "approved", "立项"
    IMPLEMENTING = "implementing", "实施"
    INSPECTING = "inspecting", "验收"
    DONE = "done", "完成"


STAGES: tuple[str, ...] = tuple(Stage.values)


class Source(models.TextChoices):
    FISCAL = "fiscal", "财政专项"
    MAINTENANCE_FUND = "maintenance_fund", "维修资金"
    PUBLIC_INCOME = "public_income", "公共收益"
    CO_BUILDER = "co_builder", "共建单位"
    RESIDENTS = "residents", "居民自筹"


class Plan(models.Model):
    """One compound's plan (一小区一对策): the list of its problems and what is done about them."""

    compound = models.OneToOneField(
        "ledger.Compound", on_delete=models.PROTECT, related_name="infra_plan", verbose_name="小区"
    )
    title = models.CharField("对策名称", max_length=100)
    note = models.CharField("说明", max_length=500, blank=True)
    created_at = models.DateTimeField("建立时间")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="建立人",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "小区对策"
        verbose_name_plural = verbose_name
        ordering = ["compound_id"]

    def __str__(self) -> str:
        return self.title


class Problem(models.Model):
    """One infrastructure problem of a compound: what, how found, the measure, who answers for
    it, the money, and the stage it has reached (``version`` guards concurrent steps)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="problems")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    title = models.CharField("问题", max_length=100)
    description = models.TextField("情况", blank=True)
    location = models.CharField("位置", max_length=100, blank=True)
    found_by = models.CharField("发现途径", max_length=10, choices=FoundBy.choices)
    found_on = models.DateField("发现日期")
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="infra_problems",
        verbose_name="来源诉求",
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="infra_problems",
        verbose_name="来源联席会",
    )
    measure = models.TextField("对策措施", blank=True)
    department = models.ForeignKey(
        "cases.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="infra_problems",
        verbose_name="责任部门",
    )
    budget = models.DecimalField(
        "预算（元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    actual = models.DecimalField(
        "实际支出（元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    stage = models.CharField(
        "阶段", max_length=20, choices=Stage.choices, default=Stage.PROPOSED, db_index=True
    )
    stage_at = models.DateTimeField("进入本阶段时间")
    representatives = models.CharField("验收居民代表", max_length=200, blank=True)
    acceptance_opinion = models.CharField("验收意见", max_length=500, blank=True)
    accepted_on = models.DateField("验收日期", null=True, blank=True)
    created_at = models.DateTimeField("登记时间")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="登记人",
    )
    version = models.PositiveIntegerField(default=1)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "基础设施问题"
        verbose_name_plural = verbose_name
        ordering = ["plan_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gt=0), name="infra_budget_positive"
            ),
            models.CheckConstraint(
                condition=Q(actual__isnull=True) | Q(actual__gte=0),
                name="infra_actual_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("infra:problem", args=[self.pk])

    @property
    def stage_index(self) -> int:
        return STAGES.index(self.stage)


class Funding(models.Model):
    """One funding share of a problem (a source and its amount). A 维修资金 share carries the
    owners' proposal the plan opened; a 公共收益 share the spending entry it posted."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="fundings")
    source = models.CharField("资金来源", max_length=20, choices=Source.choices)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    proposal = models.ForeignKey(
        "selfgov.Proposal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="infra_fundings",
        verbose_name="业主表决议题",
    )
    entry = models.ForeignKey(
        "commons.Entry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="infra_fundings",
        verbose_name="公共收益支出记录",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "资金来源"
        verbose_name_plural = verbose_name
        ordering = ["problem_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem", "source"], name="infra_one_share_per_source"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="infra_share_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.amount}"


class ProblemEvent(models.Model):
    """One step in a problem's history (append-only): a stage change, money, a vote, an entry,
    the actual spending, the acceptance."""

    class Action(models.TextChoices):
        CREATE = "create", "登记"
        DETAILS = "details", "修改对策"
        FUNDING = "funding", "资金来源"
        STAGE = "stage", "阶段"
        VOTE = "vote", "提请业主表决"
        ENTRY = "entry", "公共收益支出"
        ACTUAL = "actual", "实际支出"
        ACCEPT = "accept", "居民代表验收"
        PHOTO = "photo", "照片"

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    from_stage = models.CharField("原阶段", max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField("新阶段", max_length=20, choices=Stage.choices, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "问题进展记录"
        verbose_name_plural = verbose_name
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d}"


class PhotoPhase(models.TextChoices):
    PROBLEM = "problem", "问题"
    BEFORE = "before", "施工前"
    AFTER = "after", "完工后"


class Photo(models.Model):
    """A photo of a problem: as found, before the work, after it."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="photos")
    phase = models.CharField("类型", max_length=10, choices=PhotoPhase.choices)
    image = models.ImageField("照片", upload_to=StoredName("infra/%Y/%m/"))
    taken_at = models.DateTimeField("上传时间")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "问题照片"
        verbose_name_plural = verbose_name
        ordering = ["problem_id", "id"]

    def __str__(self) -> str:
        return self.image.name or ""

    def get_absolute_url(self) -> str:
        return reverse("infra:photo", args=[self.pk])
