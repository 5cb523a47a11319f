from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "linli.meetings"
    label = "meetings"
    verbose_name = "五方联席会"

    def ready(self) -> None:
        from . import todos
        from .scopes import register_scopes

        register_scopes()
        todos.register()
