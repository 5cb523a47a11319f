"""Civility awards (文明评选): 最美家庭, 文明户, 社区好人 and 星级楼栋.

A :class:`Campaign` is one year's selection of one kind in one community (nominations until a
date, optionally a residents' vote in a window). A :class:`Nomination` names a household (or,
for 星级楼栋, a building); the 组长/片长 of its grid cell scores it on the kind's
:class:`Criterion` checklist (:class:`Score` rows); a worker puts it on a 7-day 公示, during
which anyone of the community may object with a reason (:class:`Objection`, which suspends it
until a worker decides); after the 公示 the worker awards it, and the award is recorded as an
:class:`Honour` on the household or building (shown on its card) and credited as volunteer
points to the household's registered volunteers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from linli.core.policy import RestrictedQuerySet


class Kind(models.TextChoices):
    BEAUTIFUL_FAMILY = "beautiful_family", "最美家庭"
    CIVILISED_HOUSEHOLD = "civilised_household", "文明户"
    GOOD_PERSON = "good_person", "社区好人"
    STAR_BUILDING = "star_building", "星级楼栋"


#: Kinds whose nominee is a building (the others name a household).
BUILDING_KINDS = frozenset({Kind.STAR_BUILDING})


class Criterion(models.Model):
    """One line of a kind's scoring checklist (评分细则), with the most points it gives.

    Configurable per kind (admin); a retired line (``active`` off) is no longer scored but
    stays on the scores already given."""

    kind = models.CharField("评选类别", max_length=30, choices=Kind.choices, db_index=True)
    title = models.CharField("评分项", max_length=100)
    max_points = models.PositiveSmallIntegerField("满分")
    position = models.PositiveSmallIntegerField("顺序", default=0)
    active = models.BooleanField("启用", default=True)

    # Set by the scoring view on the lines it shows (not fields).
    given: str
    options: range

    class Meta:
        verbose_name = "评分细则"
        verbose_name_plural = verbose_name
        ordering = ["kind", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(max_points__gt=0), name="criterion_max_positive")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}（{self.max_points}分）"


class Campaign(models.Model):
    """One selection (评选活动) of one kind in one community, e.g. 2026年度兴东社区最美家庭."""

    community = models.ForeignKey(
        "ledger.Region", on_delete=models.PROTECT, related_name="+", verbose_name="社区"
    )
    kind = models.CharField("评选类别", max_length=30, choices=Kind.choices)
    title = models.CharField("名称", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    nominate_until = models.DateField("提名截止")
    vote_from = models.DateField("投票开始", null=True, blank=True)
    vote_until = models.DateField("投票截止", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    # Set by the resident's page on the campaigns it shows (not fields).
    nominating: bool
    voting: bool
    choices: list[tuple[int, str]]
    is_building: bool
    is_person: bool
    my_vote: Vote | None
    ballot: list[Nomination]
    error: str | None

    class Meta:
        verbose_name = "评选活动"
        verbose_name_plural = verbose_name
        ordering = ["-year", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(vote_from__isnull=True) & Q(vote_until__isnull=True))
                | Q(vote_from__lte=models.F("vote_until")),
                name="campaign_vote_window",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_vote(self) -> bool:
        return self.vote_from is not None

    def voting_on(self, day) -> bool:
        return self.has_vote and self.vote_from <= day <= self.vote_until


class Status(models.TextChoices):
    NOMINATED = "nominated", "待评分"
    SCORED = "scored", "已评分"
    PUBLICISED = "publicised", "公示中"
    SUSPENDED = "suspended", "异议待处理"
    AWARDED = "awarded", "已授予"
    REJECTED = "rejected", "未通过"


class Nomination(models.Model):
    """One nominee of a campaign: a household (最美家庭, 文明户, 社区好人 — then ``nominee_name``
    names the person) or a building (星级楼栋), with its score, stars and 公示 dates."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="nominations")
    household = models.ForeignKey(
        "ledger.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="户",
    )
    building = models.ForeignKey(
        "ledger.Building",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="楼栋",
    )
    nominee_name = models.CharField("被提名人", max_length=50, blank=True)
    reason = models.CharField("推荐理由", max_length=500)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    nominated_at = models.DateTimeField("提名时间")
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.NOMINATED, db_index=True
    )
    total = models.PositiveSmallIntegerField("得分", null=True, blank=True)
    max_total = models.PositiveSmallIntegerField("满分", null=True, blank=True)
    stars = models.PositiveSmallIntegerField("星级", default=0)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    scored_at = models.DateTimeField("评分时间", null=True, blank=True)
    publicity_from = models.DateField("公示起", null=True, blank=True)
    publicity_until = models.DateField("公示止", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)
    decision_note = models.CharField("办结说明", max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()

    # Set by the worker's desk on the rows it shows (not fields).
    awardable: bool
    publicisable: bool

    class Meta:
        verbose_name = "提名"
        verbose_name_plural = verbose_name
        ordering = ["campaign_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(household__isnull=True, building__isnull=False)
                | Q(household__isnull=False, building__isnull=True),
                name="nomination_one_nominee",
            ),
            models.UniqueConstraint(
                fields=["campaign", "household"],
                condition=Q(household__isnull=False),
                name="nomination_one_per_household",
            ),
            models.UniqueConstraint(
                fields=["campaign", "building"],
                condition=Q(building__isnull=False),
                name="nomination_one_per_building",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.title}：{self.nominee_label}"

    @property
    def nominee_label(self) -> str:
        if self.building_id:
            building = self.building
            if building is None:
                raise RuntimeError(f"nomination {self.pk} has lost its building")
            return f"{building.compound.name}{building.name}"
        h = self.household
        if h is None:
            raise RuntimeError(f"nomination {self.pk} names neither household nor building")
        place = f"{h.unit.building.compound.name}{h.unit.building.name}{h.unit.name}{h.room}"
        return f"{place}（{self.nominee_name}）" if self.nominee_name else place


class Score(models.Model):
    """The points one criterion gave a nomination (replaced while it may still be rescored)."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField("得分")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "评分"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["nomination", "criterion"], name="score_one_per_line")
        ]

    def __str__(self) -> str:
        return f"{self.nomination_id}: {self.points}"


class Vote(models.Model):
    """One household's vote in a campaign (每户一票): the unique constraint makes two at once
    from one household impossible, whichever member casts them."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="votes")
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="votes")
    household = models.ForeignKey(
        "ledger.Household", on_delete=models.PROTECT, related_name="+", verbose_name="户"
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField("投票时间")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "投票"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["campaign", "household"], name="vote_one_per_household")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.household_id} → {self.nomination_id}"


class ObjectionStatus(models.TextChoices):
    OPEN = "open", "待处理"
    UPHELD = "upheld", "异议成立"
    DISMISSED = "dismissed", "异议不成立"


class Objection(models.Model):
    """An objection raised during the 公示, with its reason; open, it suspends the nomination."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="objections")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField("异议理由", max_length=500)
    raised_at = models.DateTimeField("提出时间")
    status = models.CharField(
        "处理结果", max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decision_note = models.CharField("处理意见", max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = verbose_name
        ordering = ["raised_at", "id"]

    def __str__(self) -> str:
        return f"异议#{self.pk}（{self.get_status_display()}）"


class Honour(models.Model):
    """An award given (荣誉): recorded on the household or building and shown on its card."""

    nomination = models.OneToOneField(Nomination, on_delete=models.PROTECT, related_name="honour")
    kind = models.CharField("类别", max_length=30, choices=Kind.choices)
    title = models.CharField("荣誉名称", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    household = models.ForeignKey(
        "ledger.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="civility_honours",
        verbose_name="户",
    )
    building = models.ForeignKey(
        "ledger.Building",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="civility_honours",
        verbose_name="楼栋",
    )
    nominee_name = models.CharField("获奖人", max_length=50, blank=True)
    stars = models.PositiveSmallIntegerField("星级", default=0)
    awarded_on = models.DateField("授予日期")
    points = models.PositiveIntegerField("每人奖励积分", default=0)
    credited = models.PositiveSmallIntegerField("记入积分的志愿者人数", default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "荣誉"
        verbose_name_plural = verbose_name
        ordering = ["-awarded_on", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.stars:
            return f"{self.year}年{'★' * self.stars}{self.get_kind_display()}"
        return f"{self.year}年{self.get_kind_display()}"
