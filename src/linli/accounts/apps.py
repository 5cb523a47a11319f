from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "linli.accounts"
    label = "accounts"
    verbose_name = "用户与角色"

    def ready(self):
        from . import middleware, throttle  # noqa: F401  (signal receivers)
