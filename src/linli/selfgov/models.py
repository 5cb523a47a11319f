"""Owners' self-governance (业主自治): owners derived from the ledger, the owners' committee
(业委会), proposals (议题) and owners' votes (业主共同决定, 民法典第二百七十八条).

Writes go through :mod:`linli.selfgov.services`; the tally is :func:`linli.selfgov.tally.tally`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from linli.core.policy import RestrictedQuerySet
from linli.ledger.models import AreaSource, Compound, Household, Resident

from .tally import ITEMS, MAJOR_ITEMS

ITEM_CHOICES = [(n, f"（{'一二三四五六七八九'[n - 1]}）{label}") for n, label in ITEMS.items()]


class CompoundSettings(models.Model):
    """One compound's self-governance settings (议事规则 in numbers)."""

    compound = models.OneToOneField(
        Compound, on_delete=models.CASCADE, related_name="selfgov_settings", verbose_name="小区"
    )
    notice_days = models.PositiveSmallIntegerField(
        "表决公告提前天数",
        default=15,
        help_text="业主大会会议召开前至少提前公告的天数（物业管理条例第十四条：15日）",
    )
    follow_majority = models.BooleanField(
        "未表决业主计入多数",
        default=False,
        help_text="部分地方规定未参与表决的业主计入已表决的多数票；仅影响同意比例，不计入参与表决",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "业主自治设置"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.compound}业主自治设置"


class OwnerKind(models.TextChoices):
    PERSON = "person", "自然人业主"
    DEVELOPER = "developer", "建设单位（开发商）"
    UNIDENTIFIED = "unidentified", "产权人待核实"


class Owner(models.Model):
    """One owner (业主/产权人) in one compound: a person, or the developer for its unsold units.

    ``key`` identifies the owner inside the compound: ``idh:<keyed hash of the ID number>``
    (linli.core.crypto, never the number itself) when the number is known, else
    ``resident:<ledger resident id>``; ``developer`` for the developer; and
    ``unit:<household id>`` for a unit whose owner the ledger does not name (it counts in the
    totals but cannot vote until the owner is recorded).
    """

    compound = models.ForeignKey(
        Compound, on_delete=models.CASCADE, related_name="owners", verbose_name="小区"
    )
    key = models.CharField("业主标识", max_length=40)
    kind = models.CharField("类型", max_length=20, choices=OwnerKind.choices)
    name = models.CharField("姓名/名称", max_length=100)
    resident = models.ForeignKey(
        Resident,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ownerships_as_owner",
        verbose_name="台账居民",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="selfgov_owners",
        verbose_name="登录账号",
    )
    active = models.BooleanField("有效", default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "业主"
        verbose_name_plural = verbose_name
        ordering = ["compound_id", "key"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "key"], name="selfgov_owner_unique_key")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def can_vote(self) -> bool:
        return self.kind != OwnerKind.UNIDENTIFIED


class OwnershipSource(models.TextChoices):
    LEDGER = "ledger", "台账产权人"
    MANUAL = "manual", "人工登记"


class Ownership(models.Model):
    """One owner's share in one exclusive unit (专有部分 = a ledger household).

    ``position`` orders the co-owners of a unit: the first listed owner's ballot counts for the
    unit unless another co-owner's is the only one. The area and its source are read from the
    household (registered → surveyed → contract, ``Household.area_source``).
    """

    owner = models.ForeignKey(
        Owner, on_delete=models.CASCADE, related_name="ownerships", verbose_name="业主"
    )
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="ownerships", verbose_name="专有部分"
    )
    position = models.PositiveSmallIntegerField("共有人顺序", default=0)
    source = models.CharField(
        "来源", max_length=20, choices=OwnershipSource.choices, default=OwnershipSource.LEDGER
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "专有部分产权"
        verbose_name_plural = verbose_name
        ordering = ["household_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "owner"], name="selfgov_ownership_unique_owner"
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner}：{self.household}"


# ---------------------------------------------------------------- committee


class Post(models.TextChoices):
    DIRECTOR = "director", "主任"
    DEPUTY = "deputy", "副主任"
    MEMBER = "member", "委员"


class Committee(models.Model):
    """One term (届) of a compound's owners' committee (业主委员会)."""

    compound = models.ForeignKey(
        Compound, on_delete=models.CASCADE, related_name="committees", verbose_name="小区"
    )
    term = models.PositiveSmallIntegerField("届次", default=1)
    term_start = models.DateField("任期开始")
    term_end = models.DateField("任期届满")
    elected_by = models.ForeignKey(
        "Vote",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="选举表决",
    )
    ended_at = models.DateField("终止日期", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "业主委员会"
        verbose_name_plural = verbose_name
        ordering = ["compound_id", "-term"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "term"], name="selfgov_committee_term")
        ]

    def __str__(self) -> str:
        return f"{self.compound}第{self.term}届业主委员会"


class CommitteeMember(models.Model):
    """One owner's seat on a committee term, from ``start`` to ``end`` (replaced or term over)."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="members", verbose_name="业委会"
    )
    owner = models.ForeignKey(
        Owner, on_delete=models.PROTECT, related_name="committee_seats", verbose_name="业主"
    )
    post = models.CharField("职务", max_length=20, choices=Post.choices, default=Post.MEMBER)
    start = models.DateField("任职开始")
    end = models.DateField("任职结束", null=True, blank=True)
    end_reason = models.CharField("结束原因", max_length=200, blank=True)
    replaced_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, verbose_name="继任者"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "业委会成员"
        verbose_name_plural = verbose_name
        ordering = ["committee_id", "end", "post", "id"]

    def __str__(self) -> str:
        return f"{self.owner}（{self.get_post_display()}）"


class Nomination(models.Model):
    """One candidate put forward for the committee, with the reasons under the four 有.

    A nomination joins a proposal of item (三) (election or replacement); when that vote
    passes, the nominees take their seats.
    """

    compound = models.ForeignKey(
        Compound, on_delete=models.CASCADE, related_name="nominations", verbose_name="小区"
    )
    nominee = models.ForeignKey(
        Owner, on_delete=models.PROTECT, related_name="nominations", verbose_name="候选人"
    )
    post = models.CharField("拟任职务", max_length=20, choices=Post.choices, default=Post.MEMBER)
    replaces = models.ForeignKey(
        CommitteeMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="替换成员",
    )
    ability = models.CharField("有能力", max_length=300)
    prestige = models.CharField("有威望", max_length=300)
    public_spirit = models.CharField("有公心", max_length=300)
    enthusiasm = models.CharField("有热情", max_length=300)
    nominated_by = models.CharField("推荐人", max_length=100)
    proposal = models.ForeignKey(
        "Proposal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nominations",
        verbose_name="选举议题",
    )
    created_at = models.DateTimeField("推荐时间")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "业委会候选人推荐"
        verbose_name_plural = verbose_name
        ordering = ["compound_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.nominee}（{self.get_post_display()}）"


# ---------------------------------------------------------------- proposals and votes


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", "待公布"
    PUBLISHED = "published", "已公布"
    WITHDRAWN = "withdrawn", "已撤回"


class Proposal(models.Model):
    """One topic (议题) raised by an owner or the committee; only published topics are voted on."""

    compound = models.ForeignKey(
        Compound, on_delete=models.CASCADE, related_name="proposals", verbose_name="小区"
    )
    item = models.PositiveSmallIntegerField("表决事项（第二百七十八条）", choices=ITEM_CHOICES)
    title = models.CharField("议题", max_length=200)
    body = models.TextField("内容")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="提出账号",
    )
    proposer_owner = models.ForeignKey(
        Owner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name="提议业主",
    )
    by_committee = models.BooleanField("业委会提出", default=False)
    status = models.CharField(
        "状态", max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    created_at = models.DateTimeField("提出时间")
    published_at = models.DateTimeField("公布时间", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "议题"
        verbose_name_plural = verbose_name
        ordering = ["compound_id", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_major_item(self) -> bool:
        return self.item in MAJOR_ITEMS


class VoteStatus(models.TextChoices):
    ANNOUNCED = "announced", "已公告"
    CLOSED = "closed", "已截止计票"
    PUBLISHED = "published", "结果已公示"


class Vote(models.Model):
    """One owners' vote on one published proposal.

    Announced with a notice of at least ``notice_days`` before ``opens_at``; the eligible
    owners and their area/headcount are frozen into :class:`RollUnit` rows when announced;
    ballots are taken from ``opens_at`` until ``closes_at``; closing stores the tally figures;
    publication (公示) is due within 3 days of the close.
    """

    proposal = models.OneToOneField(
        Proposal, on_delete=models.PROTECT, related_name="vote", verbose_name="议题"
    )
    compound = models.ForeignKey(
        Compound, on_delete=models.CASCADE, related_name="votes", verbose_name="小区"
    )
    item = models.PositiveSmallIntegerField("表决事项", choices=ITEM_CHOICES)
    notice_days = models.PositiveSmallIntegerField("公告提前天数")
    follow_majority = models.BooleanField("未表决业主计入多数", default=False)
    announced_at = models.DateTimeField("公告时间")
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="公告人",
    )
    opens_at = models.DateTimeField("开始表决")
    closes_at = models.DateTimeField("截止表决")
    status = models.CharField(
        "状态", max_length=20, choices=VoteStatus.choices, default=VoteStatus.ANNOUNCED
    )
    closed_at = models.DateTimeField("计票时间", null=True, blank=True)
    published_at = models.DateTimeField("结果公示时间", null=True, blank=True)
    result = models.JSONField("计票结果", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "业主表决"
        verbose_name_plural = verbose_name
        ordering = ["-opens_at", "-id"]

    def __str__(self) -> str:
        return f"表决：{self.proposal}"

    @property
    def is_major_item(self) -> bool:
        return self.item in MAJOR_ITEMS


class RollOwner(models.Model):
    """One owner on a vote's frozen roll (eligible to vote), as of the announcement."""

    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="roll", verbose_name="表决"
    )
    owner = models.ForeignKey(
        Owner, on_delete=models.PROTECT, related_name="rolls", verbose_name="业主"
    )
    name = models.CharField("姓名/名称", max_length=100)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "表决业主名册"
        verbose_name_plural = verbose_name
        ordering = ["vote_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "owner"], name="selfgov_roll_unique_owner")
        ]

    def __str__(self) -> str:
        return self.name


class RollUnit(models.Model):
    """One exclusive unit on a vote's frozen roll: its area and owners as of the announcement.

    ``owner_ids`` lists :class:`Owner` ids in co-owner order (empty: owner not identified).
    """

    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="units", verbose_name="表决"
    )
    household = models.ForeignKey(
        Household, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="户"
    )
    label = models.CharField("房号", max_length=120)
    area = models.DecimalField("专有部分面积（㎡）", max_digits=9, decimal_places=2)
    area_source = models.CharField("面积来源", max_length=20, choices=AreaSource.choices)
    developer_unsold = models.BooleanField("开发商未售", default=False)
    owner_ids = models.JSONField("产权人", default=list)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "表决专有部分"
        verbose_name_plural = verbose_name
        ordering = ["vote_id", "id"]

    def __str__(self) -> str:
        return self.label


class BallotChoice(models.TextChoices):
    YES = "yes", "同意"
    NO = "no", "反对"
    ABSTAIN = "abstain", "弃权"


class BallotChannel(models.TextChoices):
    ONLINE = "online", "线上投票"
    PAPER = "paper", "纸质选票（工作人员录入）"
    PROXY = "proxy", "委托代理投票"


class Ballot(models.Model):
    """One owner's ballot in one vote — at most one row per owner; changed until the close,
    never after. Every cast and change is kept in :class:`BallotEvent`."""

    vote = models.ForeignKey(
        Vote, on_delete=models.PROTECT, related_name="ballots", verbose_name="表决"
    )
    owner = models.ForeignKey(
        Owner, on_delete=models.PROTECT, related_name="ballots", verbose_name="业主"
    )
    choice = models.CharField("表决意见", max_length=10, choices=BallotChoice.choices)
    channel = models.CharField("方式", max_length=10, choices=BallotChannel.choices)
    proxy_name = models.CharField("受托人", max_length=50, blank=True)
    proxy_document = models.CharField("授权委托书", max_length=100, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="录入人",
    )
    cast_at = models.DateTimeField("投票时间")
    changed_at = models.DateTimeField("最后改票时间", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "选票"
        verbose_name_plural = verbose_name
        ordering = ["vote_id", "cast_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "owner"], name="selfgov_ballot_one_per_owner")
        ]

    def __str__(self) -> str:
        return f"{self.owner}：{self.get_choice_display()}"


class BallotEvent(models.Model):
    """One cast or change of a ballot (append-only, kept for the 1-year challenge period)."""

    ballot = models.ForeignKey(
        Ballot, on_delete=models.PROTECT, related_name="events", verbose_name="选票"
    )
    action = models.CharField("操作", max_length=10)  # cast / change
    choice = models.CharField("表决意见", max_length=10, choices=BallotChoice.choices)
    channel = models.CharField("方式", max_length=10, choices=BallotChannel.choices)
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="操作人",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "选票记录"
        verbose_name_plural = verbose_name
        ordering = ["ballot_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.ballot} {self.action}"
