from django.apps import AppConfig


class SelfgovConfig(AppConfig):
    name = "linli.selfgov"
    label = "selfgov"
    verbose_name = "业主自治"

    def ready(self) -> None:
        from . import todos
        from .scopes import register_scopes

        register_scopes()
        todos.register()
