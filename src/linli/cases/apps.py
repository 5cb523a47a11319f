from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "linli.cases"
    label = "cases"
    verbose_name = "居民诉求"

    def ready(self) -> None:
        from . import (
            calendar,  # noqa: F401  (connects the calendar cache's invalidation)
            todos,
        )
        from .scopes import register_scopes

        register_scopes()
        todos.register()
