from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPAppConfig


class AccountsConfig(AppConfig):
    name = "linli.accounts"
    label = "accounts"
    verbose_name = "用户与角色"

    def ready(self):
        from . import middleware, throttle  # noqa: F401  (signal receivers)


class LoginAttemptsConfig(AxesAppConfig):
    """django-axes under a Chinese name in the admin (its strings: locale/zh_Hans)."""

    verbose_name = "登录尝试与锁定"


class TwoFactorDevicesConfig(TOTPAppConfig):
    """django-otp's TOTP devices under a Chinese name in the admin."""

    verbose_name = "两步验证设备"
