from django.apps import AppConfig


class SelfgovConfig(AppConfig):
    name = "linli.selfgov"
    label = "selfgov"
    verbose_name = "业主自治"

    def ready(self) -> None:
        from . import todos

        todos.register()
