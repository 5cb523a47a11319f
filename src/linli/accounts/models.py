from django.conf import settings
from django.db import models

from linli.core.fields import EncryptedTextField, PiiHashesMixin, PiiHashField
from linli.core.roles import ASSIGNABLE_ROLES, Role

__all__ = ["Profile", "Role"]


class Profile(PiiHashesMixin, models.Model):
    """A user's role and place in the region tree; every list they see starts from here."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField("角色", max_length=30, choices=ASSIGNABLE_ROLES)
    region = models.ForeignKey(
        "ledger.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="所属区域",
        help_text="县、镇或社区；查看范围为该区域及其下级",
    )
    grid = models.ForeignKey(
        "grid.Grid",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="所属网格",
        help_text="片长、组长、邻长：所负责的片/组/邻",
    )
    household = models.ForeignKey(
        "ledger.Household",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="本人住户",
        help_text="居民：只能查看本户",
    )
    compound = models.ForeignKey(
        "ledger.Compound",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="所属小区",
        help_text="业委会成员：所在小区",
    )
    display_name = models.CharField("姓名", max_length=50, blank=True)
    phone = EncryptedTextField("电话", max_length=20, blank=True)
    phone_hash = PiiHashField(source="phone", kind="phone", blank=True, db_index=True)

    class Meta:
        verbose_name = "用户角色"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.display_name or self.user.get_username()}（{self.get_role_display()}）"
