from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "linli.volunteers"
    label = "volunteers"
    verbose_name = "志愿服务"

    def ready(self) -> None:
        from linli.core import registry

        from . import todos
        from .scopes import register_scopes
        from .selectors import hours_by_party_member

        register_scopes()
        todos.register()
        registry.PARTY_MEMBER.register("volunteer_hours", hours_by_party_member)
