"""楼道码: one QR code per stairwell (单元), leading to its public page.

The code carries a random token, never the unit's id: ids count up, so a printed id would
let anyone walk every stairwell of the county (and post reports into each). The token is
made once, on the first print, and kept, so a reprinted sheet shows the same code as the one
already on the wall.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone

from linli.core.policy import RestrictedQuerySet

TOKEN_BYTES = 12  # 96 random bits, 16 URL-safe characters


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


class StairwellCode(models.Model):
    """The QR code of one stairwell (单元): its public page is ``/s/<token>/``."""

    unit = models.OneToOneField(
        "ledger.Unit", on_delete=models.CASCADE, related_name="stairwell_code", verbose_name="单元"
    )
    token = models.CharField("令牌", max_length=32, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField("生成时间", default=timezone.now)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "楼道码"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.unit} 楼道码"
