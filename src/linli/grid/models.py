"""The 片组邻 grid: 片 ⊃ 组 ⊃ 邻 under a community, their leader posts and who held them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from linli.core.policy import RestrictedQuerySet
from linli.core.uploads import StoredName


class GridLevel(models.IntegerChoices):
    AREA = 1, "片"
    GROUP = 2, "组"
    NEIGHBOUR = 3, "邻"


LEADER_TITLES = {GridLevel.AREA: "片长", GridLevel.GROUP: "组长", GridLevel.NEIGHBOUR: "邻长"}


class GridQuerySet(RestrictedQuerySet):
    def subtree(self, grid: Grid) -> GridQuerySet:
        return self.filter(path__startswith=grid.path)

    def current(self) -> GridQuerySet:
        return self.filter(dissolved_at__isnull=True)


class Grid(models.Model):
    """One cell of the grid: a 片 (area), 组 (group) or 邻 (neighbour unit) in one community.

    A 邻's boundary is the set of households assigned to it (see :class:`Membership`); a 组's and
    a 片's are the union of their children's. ``path`` is the materialised path of ids.
    """

    community = models.ForeignKey(
        "ledger.Region", on_delete=models.PROTECT, related_name="grids", verbose_name="社区"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上级网格",
    )
    level = models.PositiveSmallIntegerField("层级", choices=GridLevel.choices)
    name = models.CharField("名称", max_length=100)
    code = models.CharField(
        "网格编码",
        max_length=24,
        unique=True,
        help_text="参照 DB11/T 2157：社区统计代码 + 层级 + 序号",
    )
    sequence = models.PositiveIntegerField("序号")
    boundary_note = models.CharField("范围说明", max_length=300, blank=True)
    complaint_phone = models.CharField("监督电话", max_length=20, blank=True)
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    created_at = models.DateTimeField("建立时间", auto_now_add=True)
    dissolved_at = models.DateTimeField("撤销时间", null=True, blank=True)

    objects = GridQuerySet.as_manager()

    # Set on instances by a query or a page, never stored (not fields):
    #: whether the cell's leader post is held (cases' routing reads it from raw SQL)
    held: bool
    #: the cell's current holding, for the grid tree page
    holder: Holding | None
    #: how many households the cell has, for the grid tree page
    households: int

    class Meta:
        verbose_name = "网格"
        verbose_name_plural = verbose_name
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def leader_title(self) -> str:
        return LEADER_TITLES[GridLevel(self.level)]


class Membership(models.Model):
    """A household's place in one 邻 over a period; at most one open membership per household."""

    household = models.ForeignKey(
        "ledger.Household",
        on_delete=models.CASCADE,
        related_name="grid_memberships",
        verbose_name="户",
    )
    neighbour = models.ForeignKey(
        Grid,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name="邻",
        limit_choices_to={"level": GridLevel.NEIGHBOUR},
    )
    start = models.DateTimeField("起")
    end = models.DateTimeField("止", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "户所属邻"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(end__isnull=True),
                name="membership_one_open_per_household",
            )
        ]
        indexes = [models.Index(fields=["neighbour", "end"])]

    def __str__(self) -> str:
        return f"{self.household} → {self.neighbour}"


class Post(models.Model):
    """The one leader post of a grid cell (片长 / 组长 / 邻长)."""

    grid = models.OneToOneField(Grid, on_delete=models.CASCADE, related_name="post")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "三长岗位"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.grid.name}{self.grid.leader_title}"


class Holding(models.Model):
    """Who held a post, from when to when, and why it began or ended."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="holdings")
    resident = models.ForeignKey(
        "ledger.Resident",
        on_delete=models.PROTECT,
        related_name="grid_holdings",
        verbose_name="担任人",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grid_holdings",
        verbose_name="账号",
    )
    start = models.DateTimeField("任职起")
    end = models.DateTimeField("任职止", null=True, blank=True)
    reason = models.CharField("事由", max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "任职记录"
        verbose_name_plural = verbose_name
        ordering = ["post_id", "-start"]
        constraints = [
            models.UniqueConstraint(
                fields=["post"], condition=Q(end__isnull=True), name="holding_one_open_per_post"
            )
        ]

    def __str__(self) -> str:
        return f"{self.post}：{self.resident}"


class VisitMode(models.TextChoices):
    HOME = "home", "上门"
    PHONE = "phone", "电话"
    VIDEO = "video", "视频"


class Visit(models.Model):
    """One 走访: a grid leader's visit to a household — and, with ``care_recipients``, a care
    visit (关爱探访) to the registry's people in it, by their 邻长 or paired visitor.

    The one visit model for both (docs/care.md): mode, findings (health, living conditions,
    needs) and follow-up; a need becomes a case in the case loop (``follow_up_case``).
    """

    household = models.ForeignKey(
        "ledger.Household", on_delete=models.CASCADE, related_name="visits", verbose_name="户"
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name="走访人",
    )
    visited_on = models.DateField("走访日期")
    met = models.CharField("见到的人", max_length=100)
    raised = models.TextField("反映的事项", blank=True)
    mode = models.CharField(
        "方式", max_length=10, choices=VisitMode.choices, default=VisitMode.HOME
    )
    care_recipients = models.ManyToManyField(
        "care.Recipient", blank=True, related_name="visits", verbose_name="探访的关爱对象"
    )
    health = models.TextField("身体状况", blank=True)
    living = models.TextField("生活状况", blank=True)
    needs = models.TextField("需求", blank=True)
    follow_up = models.TextField("跟进措施", blank=True)
    follow_up_case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name="转办诉求",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "走访记录"
        verbose_name_plural = verbose_name
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["household", "-visited_on"])]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.household}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField("照片", upload_to=StoredName("visits/%Y/%m/"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "走访照片"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.image.name or ""

    def get_absolute_url(self) -> str:
        """The scoped view that serves it (nothing is served from ``MEDIA_URL``)."""
        return reverse("grid:visit_photo", args=[self.pk])
