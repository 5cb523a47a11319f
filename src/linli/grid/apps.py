from django.apps import AppConfig


class GridConfig(AppConfig):
    name = "linli.grid"
    label = "grid"
    verbose_name = "片组邻网格"

    def ready(self) -> None:
        from .scopes import register_scopes

        register_scopes()
