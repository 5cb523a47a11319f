from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "linli.care"
    label = "care"
    verbose_name = "关爱探访"

    def ready(self) -> None:
        from . import todos
        from .scopes import register_scopes

        register_scopes()
        todos.register()
