"""The kept indicator values (rollups) and the (community, month) pairs waiting to be
recomputed."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from linli.core.policy import RestrictedQuerySet


class Value(models.Model):
    """One indicator's value for one place (a region, a compound or a grid cell) and month,
    as last computed. ``value`` is None when the indicator has nothing to rate."""

    region = models.ForeignKey(
        "ledger.Region", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    compound = models.ForeignKey(
        "ledger.Compound", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    grid = models.ForeignKey(
        "grid.Grid", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    month = models.DateField("月份", help_text="该月第一天")
    code = models.CharField("指标代码", max_length=60)
    value = models.DecimalField("值", max_digits=20, decimal_places=4, null=True, blank=True)
    computed_at = models.DateTimeField("计算时间")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "指标值"
        verbose_name_plural = verbose_name
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(region__isnull=False, compound__isnull=True, grid__isnull=True)
                    | Q(region__isnull=True, compound__isnull=False, grid__isnull=True)
                    | Q(region__isnull=True, compound__isnull=True, grid__isnull=False)
                ),
                name="indicators_value_one_place",
            ),
            models.UniqueConstraint(
                fields=["region", "month", "code"],
                condition=Q(region__isnull=False),
                name="indicators_value_unique_region",
            ),
            models.UniqueConstraint(
                fields=["compound", "month", "code"],
                condition=Q(compound__isnull=False),
                name="indicators_value_unique_compound",
            ),
            models.UniqueConstraint(
                fields=["grid", "month", "code"],
                condition=Q(grid__isnull=False),
                name="indicators_value_unique_grid",
            ),
        ]
        indexes = [models.Index(fields=["month", "code"])]

    def __str__(self) -> str:
        return f"{self.code} {self.month:%Y-%m} = {self.value}"


class Dirty(models.Model):
    """A community whose figures of ``month`` changed since they were kept: its own values,
    its compounds', its grid cells' and its ancestors' are recomputed by the next refresh."""

    community = models.ForeignKey("ledger.Region", on_delete=models.CASCADE, related_name="+")
    month = models.DateField("月份")
    marked_at = models.DateTimeField("标记时间", auto_now_add=True)

    class Meta:
        verbose_name = "待重算"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["community", "month"], name="indicators_dirty_unique")
        ]

    def __str__(self) -> str:
        return f"{self.community_id} {self.month:%Y-%m}"
