from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "linli.jobs"
    label = "jobs"
    verbose_name = "家门口就业"

    def ready(self) -> None:
        from . import todos
        from .scopes import register_scopes

        register_scopes()
        todos.register()
