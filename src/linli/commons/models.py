"""公共收益: a compound's public account, its append-only entries and the quarterly notices.

The owners' common income (院内泊车, 广告, 便民设施 …) minus the reasonable costs against it
belongs to all owners (民法典 art. 282) and is kept in its own account. An entry counts once the
committee approved it; from then on it is **posted** and can never change: the services refuse,
the admin is read-only, and the model's ``save``/``delete`` and its queryset's
``update``/``delete`` refuse too. A correction is a reversing entry. Each posted entry carries a
sequence number in its account and a SHA-256 hash over its fields and the previous entry's hash
(:mod:`linli.commons.chain`), so a change made behind the application's back (raw SQL, another
tool) is found by :func:`linli.commons.chain.verify_chain`.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.urls import reverse

from linli.core.policy import RestrictedQuerySet
from linli.core.uploads import StoredName

GENESIS_HASH = "0" * 64

_purging = contextvars.ContextVar("commons_purging", default=False)


@contextmanager
def purging():
    """Allow deleting posted entries and published notices: only the demo teardown uses this
    (it rebuilds the whole demo ledger, compounds included)."""
    token = _purging.set(True)
    try:
        yield
    finally:
        _purging.reset(token)


class ImmutableError(Exception):
    """A write to a posted entry or a published notice (a programming error, not user input)."""


class Direction(models.TextChoices):
    INCOME = "income", "收入"
    SPENDING = "spending", "支出"


class Kind(models.TextChoices):
    PARKING = "parking", "停车/院内泊车"
    ADVERTISING = "advertising", "广告投放"
    FACILITY = "facility", "便民设施"
    OTHER_INCOME = "other_income", "其他收入"
    CLEANING = "cleaning", "保洁"
    REPAIR = "repair", "维修"
    LIGHTING = "lighting", "照明"
    SERVICE_FEE = "service_fee", "服务费"
    OTHER_SPENDING = "other_spending", "其他支出"


INCOME_KINDS = (Kind.PARKING, Kind.ADVERTISING, Kind.FACILITY, Kind.OTHER_INCOME)
SPENDING_KINDS = (
    Kind.CLEANING,
    Kind.REPAIR,
    Kind.LIGHTING,
    Kind.SERVICE_FEE,
    Kind.OTHER_SPENDING,
)
KIND_DIRECTION = dict.fromkeys(INCOME_KINDS, Direction.INCOME) | dict.fromkeys(
    SPENDING_KINDS, Direction.SPENDING
)


class EntryStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已入账"
    REJECTED = "rejected", "已驳回"


class PublicAccount(models.Model):
    """One compound's public-income account (公共收益账户).

    ``head_sequence``/``head_hash`` are the last posted entry's number and hash (0 and the
    genesis hash before the first); they change only at approval, under a row lock on this row.
    ``closed_through`` is the last day of the latest published quarter: nothing dated on or
    before it can be posted any more (corrections go into a later period).
    """

    compound = models.OneToOneField(
        "ledger.Compound",
        on_delete=models.PROTECT,
        related_name="public_account",
        verbose_name="小区",
    )
    name = models.CharField("账户名称", max_length=100, blank=True)
    opened_at = models.DateTimeField("开设时间")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="开设人",
    )
    head_sequence = models.PositiveIntegerField("已入账笔数", default=0, editable=False)
    head_hash = models.CharField("链头哈希", max_length=64, default=GENESIS_HASH, editable=False)
    closed_through = models.DateField("已公示至", null=True, blank=True, editable=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "公共收益账户"
        verbose_name_plural = verbose_name
        ordering = ["compound_id"]

    def __str__(self) -> str:
        return self.name or f"{self.compound.name}公共收益账户"


class EntryQuerySet(RestrictedQuerySet):
    """``update()``/``delete()`` refuse when they would touch a posted entry."""

    def _refuse_posted(self, what: str) -> None:
        if not _purging.get() and self.filter(status=EntryStatus.APPROVED).exists():
            raise ImmutableError(f"已入账的收支记录不能{what}；更正请录入冲正记录")

    def update(self, **kwargs):
        self._refuse_posted("修改")
        return super().update(**kwargs)

    def delete(self):
        self._refuse_posted("删除")
        return super().delete()


class Entry(models.Model):
    """One line of a public account (收支记录): an income or a spending, or the reversal of one.

    ``amount`` is always positive; ``direction`` and ``kind`` say where it goes. A reversing
    entry (``reverses`` set) has the original's direction, kind and amount and counts with the
    opposite sign. ``sequence``, ``prev_hash`` and ``hash`` are set at approval.
    """

    account = models.ForeignKey(
        PublicAccount, on_delete=models.PROTECT, related_name="entries", verbose_name="账户"
    )
    direction = models.CharField("收支", max_length=10, choices=Direction.choices)
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    date = models.DateField("发生日期")
    counterparty = models.CharField("对方单位/个人", max_length=100)
    counterparty_is_person = models.BooleanField(
        "对方为个人", default=False, help_text="公示时对个人姓名脱敏（张*丰）"
    )
    description = models.CharField("摘要", max_length=500)
    reverses = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversals",
        verbose_name="冲正的原记录",
    )
    status = models.CharField(
        "状态", max_length=10, choices=EntryStatus.choices, default=EntryStatus.PENDING
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="录入人",
    )
    entered_by_name = models.CharField("录入人姓名", max_length=50)
    entered_at = models.DateTimeField("录入时间")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审核人",
    )
    decided_by_name = models.CharField("审核人姓名", max_length=50, blank=True)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    reject_reason = models.CharField("驳回理由", max_length=500, blank=True)
    sequence = models.PositiveIntegerField("入账序号", null=True, blank=True)
    prev_hash = models.CharField("上一笔哈希", max_length=64, blank=True)
    hash = models.CharField("本笔哈希", max_length=64, blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = "收支记录"
        verbose_name_plural = verbose_name
        ordering = ["account_id", "-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="commons_entry_amount_positive"),
            models.UniqueConstraint(
                fields=["account", "sequence"], name="commons_entry_unique_sequence"
            ),
            models.UniqueConstraint(
                fields=["reverses"],
                condition=Q(status__in=["pending", "approved"]),
                name="commons_entry_one_live_reversal",
            ),
            models.CheckConstraint(
                condition=Q(status="approved", sequence__isnull=False)
                | (~Q(status="approved") & Q(sequence__isnull=True)),
                name="commons_entry_sequence_iff_approved",
            ),
        ]
        indexes = [models.Index(fields=["account", "status", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.amount}"

    # --- append-only in the model itself --------------------------------------------------
    def save(self, *args, **kwargs):
        if self.pk is not None and not _purging.get():
            stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == EntryStatus.APPROVED:
                raise ImmutableError("已入账的收支记录不能修改；更正请录入冲正记录")
            if stored == EntryStatus.REJECTED:
                raise ImmutableError("已驳回的收支记录保留原样，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_delete(self)
        return super().delete(*args, **kwargs)

    # --- reading helpers -------------------------------------------------------------------
    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    @property
    def signed_amount(self) -> Decimal:
        """The effect on the balance: income +, spending −, a reversal the opposite."""
        sign = 1 if self.direction == Direction.INCOME else -1
        if self.is_reversal:
            sign = -sign
        return sign * self.amount

    @property
    def number(self) -> str:
        return f"GS{self.account_id:03d}-{self.sequence:05d}" if self.sequence else f"草稿{self.pk}"


def _refuse_delete(entry: Entry) -> None:
    if _purging.get():
        return
    stored = Entry.objects.filter(pk=entry.pk).values_list("status", flat=True).first()
    if stored in (EntryStatus.APPROVED, EntryStatus.REJECTED):
        raise ImmutableError("已入账或已驳回的收支记录不能删除")


@receiver(pre_delete, sender=Entry)
def _entry_pre_delete(sender, instance, **kwargs):
    # also runs for QuerySet.delete() and cascades, which do not call Entry.delete()
    _refuse_delete(instance)


class Voucher(models.Model):
    """One attachment proving an entry (凭证): a photo of the receipt or invoice, or a PDF.

    ``sha256`` of the file goes into the entry's hash, so a swapped file is found too.
    """

    entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, related_name="vouchers", verbose_name="收支记录"
    )
    file = models.FileField("文件", upload_to=StoredName("commons/%Y/%m/"))
    name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("类型", max_length=50)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "凭证"
        verbose_name_plural = verbose_name
        ordering = ["entry_id", "id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not _purging.get():
            status = Entry.objects.filter(pk=self.entry_id).values_list("status", flat=True).first()
            if status != EntryStatus.PENDING:
                raise ImmutableError("只能为待审核的收支记录添加凭证")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The scoped view that serves it (nothing is served from ``MEDIA_URL``)."""
        return reverse("commons:voucher", args=[self.pk])

    def delete(self, *args, **kwargs):
        _refuse_voucher_delete(self)
        return super().delete(*args, **kwargs)


def _refuse_voucher_delete(voucher: Voucher) -> None:
    if _purging.get():
        return
    status = Entry.objects.filter(pk=voucher.entry_id).values_list("status", flat=True).first()
    if status != EntryStatus.PENDING:
        raise ImmutableError("已入账或已驳回记录的凭证不能删除")


@receiver(pre_delete, sender=Voucher)
def _voucher_pre_delete(sender, instance, **kwargs):
    _refuse_voucher_delete(instance)


class NoticeQuerySet(RestrictedQuerySet):
    def update(self, **kwargs):
        if not _purging.get() and self.exists():
            raise ImmutableError("已发布的公示不能修改")
        return super().update(**kwargs)


class Notice(models.Model):
    """One quarterly public notice (公示) of an account, frozen when published.

    ``snapshot`` holds what the notice says (opening balance, income and spending by kind, the
    closing balance, the quarter's posted entries with persons' names masked); ``head_sequence``
    and ``head_hash`` pin the chain at publication, so the printed notice also anchors the
    history; ``snapshot_hash`` is the SHA-256 of the snapshot.
    """

    account = models.ForeignKey(
        PublicAccount, on_delete=models.PROTECT, related_name="notices", verbose_name="账户"
    )
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度")
    period_start = models.DateField("起始日期")
    period_end = models.DateField("截止日期")
    published_at = models.DateTimeField("发布时间")
    published_on = models.DateField("公示开始日期")
    display_until = models.DateField("公示截止日期")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="发布人",
    )
    published_by_name = models.CharField("发布人姓名", max_length=50)
    snapshot = models.JSONField("公示内容")
    snapshot_hash = models.CharField("内容哈希", max_length=64)
    head_sequence = models.PositiveIntegerField("发布时入账笔数")
    head_hash = models.CharField("发布时链头哈希", max_length=64)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = verbose_name
        ordering = ["account_id", "-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "year", "quarter"], name="commons_notice_unique_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="commons_notice_quarter_1_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年第{self.quarter}季度公示"

    def save(self, *args, **kwargs):
        if self.pk is not None and not _purging.get():
            raise ImmutableError("已发布的公示不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if not _purging.get():
            raise ImmutableError("已发布的公示不能删除")
        return super().delete(*args, **kwargs)


@receiver(pre_delete, sender=Notice)
def _notice_pre_delete(sender, instance, **kwargs):
    if not _purging.get():
        raise ImmutableError("已发布的公示不能删除")
