from django.apps import AppConfig


class CommonsConfig(AppConfig):
    name = "linli.commons"
    label = "commons"
    verbose_name = "公共收益"

    def ready(self) -> None:
        from . import todos
        from .scopes import register_scopes

        register_scopes()
        todos.register()
