from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "linli.indicators"
    label = "indicators"
    verbose_name = "指标"

    def ready(self) -> None:
        from . import definitions, signals
        from .scopes import register_scopes

        definitions.load()
        register_scopes()
        signals.connect()
