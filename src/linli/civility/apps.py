from django.apps import AppConfig


class CivilityConfig(AppConfig):
    name = "linli.civility"
    label = "civility"
    verbose_name = "文明评选"

    def ready(self) -> None:
        from linli.core import badges

        from .scopes import register_scopes
        from .selectors import building_badges, household_badges

        register_scopes()
        badges.register("household", household_badges)
        badges.register("building", building_badges)
