from django.apps import AppConfig


class CivilityConfig(AppConfig):
    name = "linli.civility"
    label = "civility"
    verbose_name = "文明评选"

    def ready(self) -> None:
        from linli.core import registry

        from .scopes import register_scopes
        from .selectors import building_badges, household_badges

        register_scopes()
        registry.HOUSEHOLD_BADGES.register("civility", household_badges)
        registry.BUILDING_BADGES.register("civility", building_badges)
