from django.apps import AppConfig


class PartyConfig(AppConfig):
    name = "linli.party"
    label = "party"
    verbose_name = "党组织"

    def ready(self) -> None:
        from .scopes import register_scopes

        register_scopes()
