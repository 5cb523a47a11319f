"""Property fees (物业费): schedules, bill runs, bills, payments, allocations and waivers.

Money is ``Decimal`` in Python and ``DecimalField`` in the database. Every bill keeps
``amount = paid + waived + outstanding``; the services keep it so and
:func:`linli.finance.selectors.reconciliation` checks it for every compound and period.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from linli.core.policy import RestrictedQuerySet
from linli.ledger.models import HouseholdUse


class Basis(models.TextChoices):
    PER_AREA = "per_area", "按建筑面积（元/㎡·月）"
    PER_HOUSEHOLD = "per_household", "按户定额（元/户·月）"


class Payer(models.TextChoices):
    OWNER = "owner", "业主"
    DEVELOPER = "developer", "开发建设单位（未售房屋）"


class Method(models.TextChoices):
    CASH = "cash", "现金"
    BANK = "bank", "银行转账"
    WECHAT = "wechat", "微信"
    ALIPAY = "alipay", "支付宝"


USE_CHOICES = [("", "全部用途"), *HouseholdUse.choices]


class FeeSchedule(models.Model):
    """One fee standard (收费标准) of a compound for a use, valid over whole months.

    ``use`` empty means every use that has no schedule of its own. ``valid_from`` is the
    first day of a month; ``valid_to`` (the last day of a month) empty means open-ended.
    """

    compound = models.ForeignKey(
        "ledger.Compound",
        on_delete=models.PROTECT,
        related_name="fee_schedules",
        verbose_name="小区",
    )
    name = models.CharField("名称", max_length=100, default="物业服务费")
    use = models.CharField("房屋用途", max_length=20, choices=USE_CHOICES, blank=True)
    basis = models.CharField("计费方式", max_length=20, choices=Basis.choices)
    price = models.DecimalField(
        "单价",
        max_digits=10,
        decimal_places=4,
        help_text="按面积：元/㎡·月；按户：元/户·月",
    )
    valid_from = models.DateField("执行起（月初）")
    valid_to = models.DateField("执行止（月末）", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="录入人",
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "收费标准"
        verbose_name_plural = verbose_name
        ordering = ["compound_id", "use", "valid_from"]

    def __str__(self) -> str:
        unit = "元/㎡·月" if self.basis == Basis.PER_AREA else "元/户·月"
        return f"{self.compound}{self.get_use_display()} {self.price.normalize()}{unit}"


class BillRun(models.Model):
    """One bill run (出账): the bills of ``months`` months from ``period_start`` for one
    compound or every compound (with a schedule) of a region. Its counts are the result."""

    period_start = models.DateField("账期起")
    period_end = models.DateField("账期止")
    months = models.PositiveSmallIntegerField("月数")
    compound = models.ForeignKey(
        "ledger.Compound",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="小区",
    )
    region = models.ForeignKey(
        "ledger.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="区域",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="出账人",
    )
    created_at = models.DateTimeField("出账时间")
    compounds = models.PositiveIntegerField("小区数", default=0)
    bills_created = models.PositiveIntegerField("新生成账单", default=0)
    bills_existing = models.PositiveIntegerField("已有账单（未重复生成）", default=0)
    amount_created = models.DecimalField("新生成金额", max_digits=16, decimal_places=2, default=0)
    skipped_no_area = models.PositiveIntegerField("缺面积未出账户数", default=0)
    skipped_no_schedule = models.PositiveIntegerField("无适用标准户数", default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "出账记录"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.period_start:%Y-%m}起{self.months}个月"


class BilledPeriod(models.Model):
    """A compound's billed period: billing periods of a compound never overlap unless equal."""

    compound = models.ForeignKey(
        "ledger.Compound", on_delete=models.CASCADE, related_name="+", verbose_name="小区"
    )
    period_start = models.DateField("账期起")
    period_end = models.DateField("账期止")
    run = models.ForeignKey(BillRun, on_delete=models.CASCADE, related_name="periods")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "已出账账期"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(
                fields=["compound", "period_start"], name="finance_period_unique_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.compound_id} {self.period_start:%Y-%m}—{self.period_end:%Y-%m}"


class RunRate(models.Model):
    """The rate a run applied to one (compound, use): the schedule resolved once per run, so
    the bills are one INSERT … SELECT joining households to these rows."""

    run = models.ForeignKey(BillRun, on_delete=models.CASCADE, related_name="rates")
    compound = models.ForeignKey("ledger.Compound", on_delete=models.CASCADE, related_name="+")
    use = models.CharField(max_length=20, choices=HouseholdUse.choices)
    schedule = models.ForeignKey(FeeSchedule, on_delete=models.PROTECT, related_name="+")
    basis = models.CharField(max_length=20, choices=Basis.choices)
    price = models.DecimalField(max_digits=10, decimal_places=4)
    # the price in 1/10000 yuan, so the database multiplies integers (exact on SQLite too)
    price_units = models.BigIntegerField()

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "出账适用标准"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(
                fields=["run", "compound", "use"], name="finance_runrate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.compound_id}/{self.use} {self.price}"


class Bill(models.Model):
    """One bill (账单): a household's fee for one billing period.

    ``amount`` = price × area × months (per household: price × months), rounded half-up
    to the fen. ``amount = paid + waived + outstanding`` always.
    """

    household = models.ForeignKey(
        "ledger.Household", on_delete=models.PROTECT, related_name="bills", verbose_name="户"
    )
    compound = models.ForeignKey(
        "ledger.Compound", on_delete=models.PROTECT, related_name="+", verbose_name="小区"
    )
    run = models.ForeignKey(
        BillRun, on_delete=models.PROTECT, related_name="bills", verbose_name="出账记录"
    )
    schedule = models.ForeignKey(
        FeeSchedule, on_delete=models.PROTECT, related_name="bills", verbose_name="收费标准"
    )
    period_start = models.DateField("账期起")
    period_end = models.DateField("账期止")
    months = models.PositiveSmallIntegerField("月数")
    payer = models.CharField("缴费义务人", max_length=20, choices=Payer.choices)
    basis = models.CharField("计费方式", max_length=20, choices=Basis.choices)
    price = models.DecimalField("单价", max_digits=10, decimal_places=4)
    area = models.DecimalField("计费面积（㎡）", max_digits=7, decimal_places=2, null=True)
    amount = models.DecimalField("应收", max_digits=12, decimal_places=2)
    paid = models.DecimalField("已收", max_digits=12, decimal_places=2, default=0)
    waived = models.DecimalField("减免", max_digits=12, decimal_places=2, default=0)
    outstanding = models.DecimalField("欠费", max_digits=12, decimal_places=2)
    created_at = models.DateTimeField("出账时间")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "账单"
        verbose_name_plural = verbose_name
        ordering = ["household_id", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "period_start"], name="finance_bill_unique_period"
            ),
            models.CheckConstraint(
                condition=Q(outstanding__gte=0) & Q(paid__gte=0) & Q(waived__gte=0),
                name="finance_bill_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["compound", "period_start"]),
            models.Index(
                fields=["household", "period_start"],
                condition=Q(outstanding__gt=0),
                name="finance_bill_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.period_label} ¥{self.amount}"

    @property
    def period_label(self) -> str:
        if self.months == 1:
            return f"{self.period_start:%Y年%m月}"
        return f"{self.period_start:%Y年%m月}—{self.period_end:%Y年%m月}"


class Account(models.Model):
    """A household's fee account: the row every payment and waiver of the household locks."""

    household = models.OneToOneField(
        "ledger.Household", on_delete=models.CASCADE, related_name="fee_account"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "缴费账户"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"缴费账户 {self.household_id}"


class ReceiptSequence(models.Model):
    """The last receipt number used in a compound (locked while a number is taken)."""

    compound = models.OneToOneField("ledger.Compound", on_delete=models.CASCADE, related_name="+")
    last = models.PositiveIntegerField(default=0)

    objects = RestrictedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.compound_id}: {self.last}"


class Payment(models.Model):
    """One payment (收款) taken by a worker, with its receipt (收据) number.

    ``unallocated`` is the part held as prepayment (预交) for bills not yet issued.
    """

    household = models.ForeignKey(
        "ledger.Household", on_delete=models.PROTECT, related_name="payments", verbose_name="户"
    )
    compound = models.ForeignKey(
        "ledger.Compound", on_delete=models.PROTECT, related_name="+", verbose_name="小区"
    )
    payer = models.CharField("缴费义务人", max_length=20, choices=Payer.choices)
    payer_name = models.CharField("交款人", max_length=50, blank=True)
    amount = models.DecimalField("金额", max_digits=12, decimal_places=2)
    unallocated = models.DecimalField("预交余额", max_digits=12, decimal_places=2, default=0)
    method = models.CharField("方式", max_length=20, choices=Method.choices)
    receipt_no = models.CharField("收据号", max_length=30)
    client_token = models.CharField(
        "防重复提交标识", max_length=64, null=True, blank=True, unique=True
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="收款人",
    )
    received_at = models.DateTimeField("收款时间")
    note = models.CharField("备注", max_length=200, blank=True)
    # a void (作废/红冲), approved by a second person: the row and its receipt number stay
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="作废审批人",
    )
    void_reason = models.CharField("作废原因", max_length=200, blank=True)
    voided_unallocated = models.DecimalField(
        "作废时撤销的预交余额", max_digits=12, decimal_places=2, default=0
    )

    objects = RestrictedQuerySet.as_manager()

    # Set on instances by the services and selectors, never stored (not fields):
    #: whether a receipt was a replay of an earlier one with the same client token
    replayed: bool
    #: the allocations, in period order, for the receipt page
    lines: list[Allocation]

    class Meta:
        verbose_name = "收款"
        verbose_name_plural = verbose_name
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["compound", "receipt_no"], name="finance_receipt_unique"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(unallocated__gte=0),
                name="finance_payment_positive",
            ),
        ]
        indexes = [models.Index(fields=["household", "received_at"])]

    def __str__(self) -> str:
        return f"{self.receipt_no} ¥{self.amount}"


class Allocation(models.Model):
    """The part of a payment applied to one bill."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField("金额", max_digits=12, decimal_places=2)
    allocated_at = models.DateTimeField("冲抵时间")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "冲抵明细"
        verbose_name_plural = verbose_name
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_allocation_positive")
        ]

    def __str__(self) -> str:
        return f"{self.payment_id} → {self.bill_id} ¥{self.amount}"


class WaiverKind(models.TextChoices):
    LOW_INCOME = "low_income", "低保"
    EXTREME_POVERTY = "extreme_poverty", "特困"
    HARDSHIP = "hardship", "临时困难"
    OTHER = "other", "其他"


class Waiver(models.Model):
    """A reduction or waiver (减免) of one bill: requested by one person, decided by another."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "未批准"

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="waivers")
    amount = models.DecimalField("减免金额", max_digits=12, decimal_places=2)
    kind = models.CharField("类别", max_length=20, choices=WaiverKind.choices)
    reason = models.CharField("理由", max_length=200)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="申请人"
    )
    requested_at = models.DateTimeField("申请时间")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审批人",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "减免"
        verbose_name_plural = verbose_name
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_waiver_positive")
        ]

    def __str__(self) -> str:
        return f"{self.bill} 减免 ¥{self.amount}"


class PaymentVoid(models.Model):
    """A request to void (作废/红冲) one payment recorded by mistake: asked by one person with a
    reason, decided by another. Approval undoes the payment's allocations and held prepayment."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "未批准"

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="voids")
    reason = models.CharField("作废原因", max_length=200)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="申请人"
    )
    requested_at = models.DateTimeField("申请时间")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审批人",
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "收款作废申请"
        verbose_name_plural = verbose_name
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["payment"],
                condition=Q(status="pending"),
                name="finance_void_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.payment} 作废申请（{self.get_status_display()}）"
