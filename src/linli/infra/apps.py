from django.apps import AppConfig


class InfraConfig(AppConfig):
    name = "linli.infra"
    label = "infra"
    verbose_name = "基础设施对策"

    def ready(self) -> None:
        from . import todos
        from .scopes import register_scopes

        register_scopes()
        todos.register()
