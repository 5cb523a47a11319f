from django.conf import settings
from django.db import models


class AccessLog(models.Model):
    """One view or export of unmasked personal data: who, what, when, why.

    PIPL; 网络安全法 art. 21.

    Kept at least six months; officials read it in the admin.
    """

    class Action(models.TextChoices):
        VIEW = "view", "查看"
        EXPORT = "export", "导出"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="用户"
    )
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    subject = models.CharField("对象", max_length=200, help_text="如 居民#12 或 台账导出")
    fields = models.CharField("字段", max_length=200)
    reason = models.CharField("事由", max_length=200, blank=True)
    count = models.PositiveIntegerField("记录数", default=1)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "个人信息访问日志"
        verbose_name_plural = verbose_name
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display()} {self.subject}"
