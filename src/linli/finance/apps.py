from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "linli.finance"
    label = "finance"
    verbose_name = "物业收费"

    def ready(self) -> None:
        from . import todos
        from .scopes import register_scopes

        register_scopes()
        todos.register()
